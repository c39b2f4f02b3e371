"""Recording, consent per use and its withdrawal, erasure, subject access, and who may
read a narrative (attackers by role, organization, channel)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client

from mppdesk.accounts.models import Membership, Organization
from mppdesk.accounts.services import create_api_token
from mppdesk.accounts.testing import verified_login
from mppdesk.audit.models import AuditEntry
from mppdesk.core.errors import FieldErrors
from mppdesk.incidents import queries, services, tallies
from mppdesk.incidents.models import Consent, Incident, IncidentPerson
from mppdesk.incidents.tests.conftest import Family, record
from mppdesk.stats.queries import Scope
from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def _user(org: Any, role: str, name: str) -> Any:
    user = UserFactory(username=name)
    MembershipFactory(user=user, organization=org, role=role)
    return user


def _total(scope: Scope | None = None) -> str:
    return tallies.tallies(scope or Scope(None), tallies.TallyFilters()).total.cells[0].display


def test_a_report_needs_consent_to_keep_it(family: Family, personas: Any) -> None:
    with pytest.raises(FieldErrors) as caught:
        record(personas.outsider, family.father, uses=["report"])
    assert "uses" in caught.value.errors
    assert not Incident.objects.exists()


def test_bad_input_names_each_field(family: Family, personas: Any) -> None:
    with pytest.raises(FieldErrors) as caught:
        record(
            personas.outsider, family.father, occurred_on="2999-01-01", port="nowhere",
            kinds=["teleportation"], perpetrator="aliens", consent_method="telepathy",
            people=["not-a-uuid"],
        )  # fmt: skip
    assert set(caught.value.errors) >= {
        "occurred_on", "port", "kinds", "perpetrator", "consent_method", "people"
    }  # fmt: skip
    assert not Incident.objects.exists()


def test_a_person_of_another_organization_cannot_be_named(family: Family, personas: Any) -> None:
    from mppdesk.testing.factories import PersonFactory

    stranger = PersonFactory(organization=personas.org)
    with pytest.raises(FieldErrors) as caught:
        record(personas.outsider, family.father, people=[family.father, stranger])
    assert caught.value.errors == {"people": ["No such person in your organization."]}


def test_only_incident_writers_record(family: Family, personas: Any) -> None:
    for role in (Role.COORDINATOR, Role.ANALYST, Role.AUDITOR):
        user = _user(family.father.organization, role, f"u-{role}")
        with pytest.raises(PermissionDenied):
            record(user, family.father)
    with pytest.raises(PermissionDenied):
        record(personas.caseworker, family.father)  # another organization's case worker


def test_the_narrative_is_encrypted_at_rest(family: Family, personas: Any) -> None:
    incident = record(personas.outsider, family.father)
    stored = Incident.objects.filter(pk=incident.pk).values_list("narrative", flat=True)[0]
    assert "SECRET" not in stored
    assert Incident.objects.get(pk=incident.pk).narrative == "SECRET-NARRATIVE"


def test_consent_is_recorded_with_who_when_how(family: Family, personas: Any) -> None:
    incident = record(personas.outsider, family.father, uses=["keep", "report"])
    consents = {c.use: c for c in incident.consents.all()}
    assert set(consents) == {"keep", "report"}
    for c in consents.values():
        assert c.recorded_by == personas.outsider and c.method == "verbal_in_person"
        assert c.given_at is not None and c.withdrawn_at is None
    services.give_consent(
        actor=personas.outsider, incident=incident, use="refer", method="written_signature"
    )
    with pytest.raises(FieldErrors):  # twice is an error
        services.give_consent(
            actor=personas.outsider, incident=incident, use="refer", method="phone"
        )
    assert incident.consents.filter(use="refer", withdrawn_at=None).count() == 1


def test_referral_is_offered_only_with_consent(family: Family, personas: Any) -> None:
    incident = record(personas.outsider, family.father, uses=["keep"])
    assert not queries.get_incident(personas.outsider, incident.pk).referable
    consent = services.give_consent(
        actor=personas.outsider, incident=incident, use="refer", method="phone"
    )
    assert queries.get_incident(personas.outsider, incident.pk).referable
    client = verified_login(Client(), personas.outsider)
    assert "/assistance/people/" in client.get(f"/incidents/{incident.pk}/").content.decode()
    services.withdraw_consent(actor=personas.outsider, consent=consent, method="phone")
    assert not queries.get_incident(personas.outsider, incident.pk).referable
    assert "/assistance/people/" not in client.get(f"/incidents/{incident.pk}/").content.decode()


def test_withdrawing_keep_deletes_the_report(family: Family, personas: Any) -> None:
    incident = record(personas.outsider, family.father)
    keep = incident.consents.get(use="keep")
    assert services.withdraw_consent(actor=personas.outsider, consent=keep, method="phone") is None
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert not IncidentPerson.objects.exists() and not Consent.objects.exists()
    assert AuditEntry.objects.filter(object_type="incident", action="delete").exists()


def test_withdrawing_report_takes_it_out_of_the_tallies(family: Family, personas: Any) -> None:
    # Ten incidents in one cell: a multiple of 5 is published exactly.
    made = [record(personas.outsider, family.father) for _ in range(10)]
    assert _total() == "10"
    for incident in made[:5]:
        consent = incident.consents.get(use="report")
        services.withdraw_consent(actor=personas.outsider, consent=consent, method="phone")
    assert _total() == "5"
    assert sum(
        sum(c.values()) for c in tallies.base_cells(Scope(None), tallies.TallyFilters()).perpetrators.values()
    ) == 5  # fmt: skip
    # The withdrawal is on record: who, when, how.
    withdrawn = made[0].consents.get(use="report")
    assert withdrawn.withdrawn_by == personas.outsider and withdrawn.withdrawal_method == "phone"


def test_never_consented_incidents_never_count(family: Family, personas: Any) -> None:
    for _ in range(5):
        record(personas.outsider, family.father, uses=["keep"])
    for _ in range(5):
        record(personas.outsider, family.father, uses=["keep", "refer", "report"])
    cells = tallies.base_cells(Scope(None), tallies.TallyFilters())
    assert sum(sum(c.values()) for c in cells.perpetrators.values()) == 5
    assert _total() == "5"


def test_sharing_consent_opens_and_withdrawal_closes_the_partner(
    family: Family, personas: Any
) -> None:
    partner = personas.org  # the legal-aid organization
    incident = record(
        personas.outsider, family.father, uses=["keep", "share"], share_with=[partner.slug]
    )
    view = queries.get_incident(personas.caseworker, incident.pk)
    assert view.incident.narrative == "SECRET-NARRATIVE"
    assert not view.owner and view.people == [] and view.n_people == 1
    with pytest.raises(PermissionDenied):  # a partner reads, never writes
        queries.get_incident_for_write(personas.caseworker, incident.pk)
    share = incident.consents.get(use="share")
    services.withdraw_consent(actor=personas.outsider, consent=share, method="phone")
    with pytest.raises(Http404):
        queries.get_incident(personas.caseworker, incident.pk)
    assert queries.list_incidents(personas.caseworker) == []


def test_document_theft_flags_each_persons_case(
    family: Family, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    assert family.case.document_exposed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        record(
            personas.outsider, family.father, kinds=["robbery", "document_theft"],
            people=[family.father, *family.children],
        )  # fmt: skip
    family.case.refresh_from_db()
    assert family.case.document_exposed_at is not None
    event = family.case.events.filter(kind="document_exposure").last()
    assert event is not None and event.data["reason"] == "incident_document_theft"


def test_no_flag_without_document_theft(
    family: Family, personas: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        record(personas.outsider, family.father, kinds=["robbery"])
    family.case.refresh_from_db()
    assert family.case.document_exposed_at is None


def test_every_read_of_a_narrative_or_link_is_audited(family: Family, personas: Any) -> None:
    incident = record(personas.outsider, family.father)
    before = AuditEntry.objects.filter(action="view").count()
    queries.get_incident(personas.outsider, incident.pk)
    entry = AuditEntry.objects.filter(action="view", object_type="incident").last()
    assert entry is not None and {"narrative", "people"} <= set(entry.fields)
    queries.incidents_of_person(personas.outsider, family.father)
    entry = AuditEntry.objects.filter(action="view", object_type="person").last()
    assert entry is not None and entry.fields == ["incidents"]
    assert AuditEntry.objects.filter(action="view").count() == before + 2


def test_erasure_removes_the_person_and_a_report_left_with_nobody(
    family: Family, personas: Any
) -> None:
    from mppdesk.privacy import services as privacy

    alone = record(personas.outsider, family.father)
    together = record(personas.outsider, family.father, people=[family.father, family.children[0]])
    supervisor = _user(family.father.organization, Role.SUPERVISOR, "sup")
    privacy.erase_person(actor=supervisor, person=family.father, reason="request")
    assert not Incident.objects.filter(pk=alone.pk).exists()
    kept = Incident.objects.get(pk=together.pk)
    assert list(kept.people.all()) == [family.children[0]]


def test_subject_access_lists_the_persons_reports(family: Family, personas: Any) -> None:
    from mppdesk.incidents.subject_access import describe_incidents, incidents_section

    record(personas.outsider, family.father, people=[family.father, family.children[0]])
    data = incidents_section(family.father)
    assert len(data) == 1 and data[0]["narrative"] == "SECRET-NARRATIVE"
    assert {c["use"] for c in data[0]["consents"]} == {"keep", "report"}
    assert "people" not in data[0]  # the others named are not theirs to see
    title, lines = describe_incidents(data)
    assert ("Extortion" in lines[0] or "Extorsión" in lines[0]) and "SECRET-NARRATIVE" in lines[0]
    from mppdesk.privacy.subject_access import build_subject_export, render_subject_pdf

    export = build_subject_export(family.father)
    assert export["incidents"] == data
    assert render_subject_pdf(export).startswith(b"%PDF")


# --- attackers: who may read a narrative --------------------------------------------------


@pytest.fixture
def monitor_user(db: Any) -> Any:
    monitor = OrganizationFactory(name="Observatorio", slug="obs", kind=Organization.Kind.MONITOR)
    return _user(monitor, Role.ANALYST, "monitor")


def _outsiders(family: Family, personas: Any, monitor_user: Any) -> dict[str, Any]:
    org = family.father.organization
    return {
        "analyst": _user(org, Role.ANALYST, "an"),
        "auditor": _user(org, Role.AUDITOR, "au"),
        "coordinator": _user(org, Role.COORDINATOR, "co"),
        "other org case worker": personas.caseworker,
        "monitor": monitor_user,
    }


def test_nobody_else_reads_a_narrative_on_the_web(
    family: Family, personas: Any, monitor_user: Any
) -> None:
    incident = record(personas.outsider, family.father)
    for label, user in _outsiders(family, personas, monitor_user).items():
        client = verified_login(Client(), user)
        pages = [
            f"/incidents/{incident.pk}/", "/incidents/", f"/incidents/?person={family.father.pk}",
            f"/incidents/new?people={family.father.pk}",
        ]  # fmt: skip
        for url in pages:
            response = client.get(url)
            # The other organization's case worker has its own (empty) list and form.
            allowed = (200, 403, 404) if url in ("/incidents/", pages[3]) else (403, 404)
            assert response.status_code in allowed, (label, url, response.status_code)
            assert b"SECRET" not in response.content
            assert str(incident.pk).encode() not in response.content
            assert family.father.full_name.encode() not in response.content
        response = client.post(
            f"/incidents/{incident.pk}/consent", {"use": "share", "method": "phone"}
        )
        assert response.status_code in (403, 404), label
        tally = client.get("/incidents/tallies/")
        assert (
            b"SECRET" not in tally.content and family.father.full_name.encode() not in tally.content
        )
        person_page = client.get(f"/people/{family.father.pk}/")
        assert b"Record an incident" not in person_page.content
    assert Consent.objects.filter(use="share").count() == 0


def test_nobody_else_reads_a_narrative_through_the_api(
    family: Family, personas: Any, monitor_user: Any
) -> None:
    incident = record(personas.outsider, family.father)
    for label, user in _outsiders(family, personas, monitor_user).items():
        org = user.memberships.get().organization
        _token, secret = create_api_token(actor=None, user=user, name="t", organization=org)
        api = Client(headers={"Authorization": f"Bearer {secret}"})
        for url in (f"/api/v1/incidents/{incident.pk}", "/api/v1/incidents"):
            response = api.get(url)
            allowed = (200, 403, 404) if url == "/api/v1/incidents" else (403, 404)
            assert response.status_code in allowed, (label, url, response.status_code)
            assert b"SECRET" not in response.content
            assert str(incident.pk).encode() not in response.content
        response = api.get("/api/v1/incidents/tallies")
        assert b"SECRET" not in response.content
    # The owner's token does read it.
    _token, secret = create_api_token(
        actor=None, user=personas.outsider, name="t", organization=family.father.organization
    )
    response = Client(headers={"Authorization": f"Bearer {secret}"}).get(
        f"/api/v1/incidents/{incident.pk}"
    )
    assert response.status_code == 200 and response.json()["narrative"] == "SECRET-NARRATIVE"


def test_the_cli_exports_tallies_only(family: Family, personas: Any, monitor_user: Any) -> None:
    from mppdesk.cli import cli

    for _ in range(5):
        record(personas.outsider, family.father)
    runner = CliRunner()
    result = runner.invoke(cli, ["incidents", "export", "--user", "monitor"])
    assert result.exit_code == 0, result.output
    assert "SECRET" not in result.output and family.father.full_name not in result.output
    assert "Extorsión" in result.output or "Extortion" in result.output
    lines = result.output.strip().splitlines()
    assert lines[0].lstrip("\ufeff") == ",".join(tallies.CSV_HEADER)
    assert lines[1].endswith(",5")
    # A coordinator may too (their organization's incidents: not program-wide here).
    _user(family.father.organization, Role.COORDINATOR, "coord")
    assert runner.invoke(cli, ["incidents", "export", "--user", "coord"]).exit_code == 0
    # An auditor (no stats.read) may not.
    _user(family.father.organization, Role.AUDITOR, "aud")
    refused = runner.invoke(cli, ["incidents", "export", "--user", "aud"])
    assert refused.exit_code != 0 and "may not" in refused.output


def test_the_monitor_sees_every_organizations_tallies_and_nothing_else(
    family: Family, personas: Any, monitor_user: Any
) -> None:
    from mppdesk.testing.factories import PersonFactory

    for _ in range(5):
        record(personas.outsider, family.father)
    legal_person = PersonFactory(organization=personas.org)
    for _ in range(5):
        record(personas.caseworker, legal_person, kinds=["threats"])
    client = verified_login(Client(), monitor_user)
    page = client.get("/incidents/tallies/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "<svg" in text
    _token, secret = create_api_token(
        actor=None,
        user=monitor_user,
        name="t",
        organization=monitor_user.memberships.get().organization,
    )
    body = Client(headers={"Authorization": f"Bearer {secret}"}).get("/api/v1/incidents/tallies")
    data = json.loads(body.content)
    assert data["program_wide"] is True and data["total"] == "10"
    for url in ("/people/", "/cases/", "/incidents/", "/assistance/work"):
        assert client.get(url).status_code in (403, 404), url


def test_consent_on_the_web_page(family: Family, personas: Any) -> None:
    incident = record(personas.outsider, family.father, uses=["keep"])
    client = verified_login(Client(), personas.outsider)
    url = f"/incidents/{incident.pk}/consent"
    response = client.post(url, {"use": "share", "method": "phone", "share_with": "alf"})
    assert response.status_code == 302
    assert incident.consents.filter(use="share", organization__slug="alf").exists()
    page = client.get(f"/incidents/{incident.pk}/").content.decode()
    assert "Asistencia Legal Frontera" in page
    for bad in ("99999999999999999999999", "x", ""):
        response = client.post(url, {"withdraw": bad or " ", "method": "phone"})
        assert response.status_code == 400, bad
    response = client.post(url, {"use": "teleport", "method": "phone"})
    assert response.status_code == 400 and "use" in response.content.decode()
    keep = incident.consents.get(use="keep")
    response = client.post(url, {"withdraw": str(keep.pk), "method": "phone"})
    assert response.status_code == 302 and response["Location"] == "/incidents/"
    assert not Incident.objects.filter(pk=incident.pk).exists()
