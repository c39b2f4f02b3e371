"""The auditor's page: auditors and administrators only, filters, no personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from mppdesk.audit import services
from mppdesk.audit.models import AuditEntry
from mppdesk.audit.tests.conftest import raw, signed_in, triggers_dropped
from mppdesk.testing.factories import PersonFactory

URL = "/audit/"
VERIFY = "/audit/verify/"


@pytest.fixture
def activity(personas):  # type: ignore[no-untyped-def]
    """A person of the case workers' organization viewed and updated, and some activity
    of the other organization."""
    person = PersonFactory(organization=personas.org, given_names="Úrsula",
                           family_names="Quintanilla")  # fmt: skip
    services.record(actor=personas.caseworker, organization=personas.org, action="view",
                    object_type="person", object_id=person.pk, fields=["given_names"])  # fmt: skip
    services.record(actor=personas.coordinator, organization=personas.org, action="update",
                    object_type="person", object_id=person.pk, fields=["family_names"])  # fmt: skip
    services.record(actor=personas.outsider, organization=personas.other_org, action="view",
                    object_type="case", object_id="other-org-case")  # fmt: skip
    return person


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    return signed_in(user)


def test_auditor_sees_the_log_newest_first_without_personal_data(auditor_client, activity):
    response = auditor_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("family_names") < html.index("given_names")  # newest first
    assert str(activity.pk) in html
    assert "caseworker" in html and "coordinator" in html
    assert "Úrsula" not in html and "Quintanilla" not in html
    assert "no-store" in response["Cache-Control"]


def test_an_organization_auditor_sees_only_its_organization(auditor_client, activity):
    html = auditor_client.get(URL).content.decode()
    assert "other-org-case" not in html
    assert "outsider" not in html


def test_a_monitor_auditor_sees_the_whole_log(monitor_auditor, activity):
    html = client_for(monitor_auditor).get(URL).content.decode()
    assert "other-org-case" in html


def test_an_administrator_sees_the_log(personas, activity):
    from mppdesk.accounts.models import Membership
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    admin = UserFactory(username="jefa")
    MembershipFactory(user=admin, organization=personas.org, role=Membership.Role.ADMIN)
    assert client_for(admin).get(URL).status_code == 200


@pytest.mark.parametrize("who", ["caseworker", "coordinator", "outsider"])
def test_everyone_else_gets_404(personas, activity, who):
    client = client_for(getattr(personas, who))
    assert client.get(URL).status_code == 404
    assert client.post(VERIFY).status_code == 404


def test_a_user_without_membership_gets_404(db):
    from mppdesk.testing.factories import UserFactory

    assert client_for(UserFactory(username="nadie")).get(URL).status_code == 404


def test_anonymous_is_sent_to_log_in(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert Client().post(VERIFY).status_code == 302


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"actor": "COORDINATOR"}, ["family_names"]),
        ({"action": "view"}, ["given_names"]),
        ({"object_type": "person"}, ["given_names", "family_names"]),
        ({"object_type": "case"}, []),
    ],
)
def test_filters(auditor_client, activity, query, expected):
    html = auditor_client.get(URL, query).content.decode()
    for field in ["given_names", "family_names"]:
        assert (field in html) == (field in expected), (query, field)


def test_filter_by_object_id_and_organization(auditor_client, personas, activity):
    services.record(actor=personas.caseworker, organization=personas.org, action="view",
                    object_type="person", object_id="another", fields=["phone"])  # fmt: skip
    html = auditor_client.get(URL, {"object_id": str(activity.pk)}).content.decode()
    assert "given_names" in html and "phone" not in html
    html = auditor_client.get(URL, {"organization": personas.org.pk}).content.decode()
    assert "phone" in html
    # Another organization is not among the auditor's choices: an invalid filter shows nothing.
    response = auditor_client.get(URL, {"organization": personas.other_org.pk})
    assert response.status_code == 200
    assert "phone" not in response.content.decode()


def test_filter_by_date_range(auditor_client, activity):
    today = AuditEntry.objects.latest("seq").at.date()
    tomorrow = today + dt.timedelta(days=1)
    assert (
        "given_names"
        in auditor_client.get(
            URL, {"date_from": today.isoformat(), "date_to": today.isoformat()}
        ).content.decode()
    )
    assert (
        "given_names"
        not in auditor_client.get(URL, {"date_from": tomorrow.isoformat()}).content.decode()
    )
    response = auditor_client.get(URL, {"date_from": tomorrow, "date_to": today})
    assert "The end date is before the start date." in response.content.decode()


def test_pages_keep_the_filters(auditor_client, personas):
    services.record_many(actor=personas.caseworker, organization=personas.org,
                         action="export", object_type="person",
                         object_ids=[f"p{n:03}" for n in range(120)])  # fmt: skip
    first = auditor_client.get(URL, {"action": "export"}).content.decode()
    assert "p119" in first and "p000" not in first
    assert "action=export&amp;page=2" in first
    last = auditor_client.get(URL, {"action": "export", "page": 3}).content.decode()
    assert "p000" in last and "p119" not in last


def test_verify_button_shows_the_result(auditor_client, activity):
    response = auditor_client.post(VERIFY)
    assert response.status_code == 200
    assert "Audit log intact: 3 entries" in response.content.decode()
    partial = auditor_client.post(VERIFY, HTTP_HX_REQUEST="true").content.decode()
    assert "Audit log intact" in partial and "<html" not in partial


def test_verify_button_names_a_tampered_entry(auditor_client, activity):
    with triggers_dropped():
        raw("UPDATE audit_auditentry SET action = 'export' WHERE seq = 2")
    html = auditor_client.post(VERIFY).content.decode()
    assert "entry seq 2" in html and "altered" in html


def test_the_page_is_in_spanish(auditor_client, activity):
    auditor_client.cookies["django_language"] = "es"
    html = auditor_client.get(URL, headers={"accept-language": "es"}).content.decode()
    assert "Registro de auditoría" in html
    html = auditor_client.post(VERIFY, headers={"accept-language": "es"}).content.decode()
    assert "Registro de auditoría íntegro" in html


def test_object_types_are_named_in_spanish_and_filtered_by_name(auditor_client, activity):
    html = auditor_client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert 'title="person"' not in html and 'title="case"' not in html  # no English codes
    assert '<option value="person">persona</option>' in html
    unknown = auditor_client.get(URL, {"object_type": "not-a-type"})
    assert "family_names" not in unknown.content.decode()  # refused, nothing listed
