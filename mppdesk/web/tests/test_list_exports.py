"""Lists downloaded as CSV (``audit.exports``): who may, which rows, what is recorded.

Written as the case worker who downloads her list, the analyst and the auditor who may
not, the case worker of another organization who tries to get ours, and the person who
typed a spreadsheet formula as their name.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mppdesk.accounts.models import Membership
from mppdesk.accounts.testing import verified_login
from mppdesk.audit.exports import ExportRefused, export_list
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.messaging.tests.test_web_support import Scene, message_to
from mppdesk.people.models import Person
from mppdesk.testing.factories import CaseFactory, MembershipFactory, PersonFactory, UserFactory

EXPORT_URLS = [
    ("cases:export", {}),
    ("hearings:upcoming_export", {}),
    ("hearings:no_contact_export", {}),
    ("messaging:at_risk_export", {}),
]


def _rows(response: Any) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _client(user: Any) -> Client:
    client = verified_login(Client(), user)
    client.cookies["django_language"] = "en"
    return client


def _user(org: Any, role: str) -> Any:
    user = UserFactory(username=f"{role}-export")
    MembershipFactory(user=user, organization=org, role=role)
    return user


@pytest.fixture
def ours(personas: Any) -> list[Person]:
    people = []
    for name in ("Ana", "Beto", "Caro"):
        person = PersonFactory(organization=personas.org, given_names=name, family_names="Lista")
        CaseFactory(organization=personas.org, lead=person)
        people.append(person)
    return people


@pytest.fixture
def theirs(personas: Any) -> Person:
    person = PersonFactory(
        organization=personas.other_org, given_names="Ajena", family_names="Lista"
    )
    CaseFactory(organization=personas.other_org, lead=person)
    return person


# --- who may ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role", [Membership.Role.ANALYST, Membership.Role.AUDITOR, Membership.Role.ATTORNEY]
)
def test_a_role_without_list_export_gets_403_everywhere(
    personas: Any, ours: list[Person], role: str
) -> None:
    client = _client(_user(personas.org, role))
    mark = audit_mark()
    for name, kwargs in EXPORT_URLS:
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403, name
    assert client.post(reverse("people:export"), {"q": "Lista"}).status_code == 403
    person_url = reverse("messaging:person_export", kwargs={"pk": ours[0].pk})
    assert client.get(person_url).status_code == 403
    assert not entries_after(mark).filter(action=AuditAction.EXPORT).exists()


def test_the_domain_refuses_too_whatever_the_edge(personas: Any, ours: list[Person]) -> None:
    analyst = _user(personas.org, Membership.Role.ANALYST)
    with pytest.raises(ExportRefused):
        export_list(
            actor=analyst, rows=Person.objects.all(), filename="x.csv", header=["id"],
            cells=lambda p: [p.pk], object_type=ObjectType.PERSON, fields=["given_names"],
        )  # fmt: skip


# --- which rows -----------------------------------------------------------------------------


def test_people_export_keeps_the_search_out_of_the_url_and_audits_each_row(
    personas: Any, ours: list[Person], theirs: Person
) -> None:
    client = _client(personas.caseworker)
    mark = audit_mark()
    # The list page's form POSTs the words; only the sort is in the URL.
    response = client.post(f"{reverse('people:export')}?sort=-registered", {"q": "Lista"})
    rows = _rows(response)
    assert rows[0][:3] == ["id", "family names", "given names"]
    assert {row[2] for row in rows[1:]} == {"Ana", "Beto", "Caro"}  # not "Ajena"
    exported = entries_after(mark).filter(action=AuditAction.EXPORT)
    assert sorted(e.object_id for e in exported) == sorted(str(p.pk) for p in ours)
    assert {e.object_type for e in exported} == {ObjectType.PERSON}
    assert {e.organization_id for e in exported} == {personas.org.pk}
    assert "Lista" not in response.request["QUERY_STRING"]


def test_people_export_refuses_a_search_too_short(personas: Any, ours: list[Person]) -> None:
    client = _client(personas.caseworker)
    response = client.post(reverse("people:export"), {"q": "li"}, follow=True)
    assert "Type at least 3 letters of a name." in response.content.decode()
    assert "text/csv" not in response["Content-Type"]


def test_the_outsider_exports_none_of_ours(
    personas: Any, ours: list[Person], theirs: Person
) -> None:
    client = _client(personas.outsider)
    rows = _rows(client.get(reverse("cases:export")))
    assert [row[2] for row in rows[1:]] == [theirs.full_name]
    person_url = reverse("messaging:person_export", kwargs={"pk": ours[0].pk})
    assert client.get(person_url).status_code == 404


def test_a_record_shared_by_referral_is_read_but_not_exported(
    personas: Any, ours: list[Person]
) -> None:
    import datetime as dt

    from django.utils import timezone

    from mppdesk.sharing import services as sharing

    referral = sharing.refer_person(
        actor=personas.caseworker, person=ours[0], to_organization=personas.other_org,
        consent_given_at=timezone.now() - dt.timedelta(minutes=5),
        consent_method="verbal_in_person", purpose="legal_representation",
    )  # fmt: skip
    sharing.accept_referral(actor=personas.outsider, referral=referral)
    client = _client(personas.outsider)
    assert ours[0].full_name in client.get(reverse("cases:list")).content.decode()
    rows = _rows(client.get(reverse("cases:export")))
    assert ours[0].full_name not in {row[2] for row in rows[1:]}


def test_the_cases_export_follows_the_filter_and_the_sort(personas: Any) -> None:
    for status in (CaseStatus.CLOSED, CaseStatus.ACTIVE, CaseStatus.INTAKE, CaseStatus.ACTIVE):
        CaseFactory(organization=personas.org, status=status)
    client = _client(personas.caseworker)
    rows = _rows(client.get(reverse("cases:export"), {"sort": "-status"}))
    assert [row[3] for row in rows[1:]] == ["Closed", "In proceedings", "In proceedings", "Intake"]
    rows = _rows(client.get(reverse("cases:export"), {"status": "active", "sort": "bogus"}))
    assert [row[3] for row in rows[1:]] == ["In proceedings", "In proceedings"]


def test_the_list_page_links_its_export_with_the_filters_only(
    personas: Any, ours: list[Person]
) -> None:
    client = _client(personas.caseworker)
    body = client.get(
        reverse("cases:list"), {"status": "intake", "sort": "opened"}
    ).content.decode()
    assert 'href="/cases/export.csv?status=intake&amp;sort=opened"' in body
    analyst = _client(_user(personas.org, Membership.Role.COORDINATOR))
    assert "export.csv" in analyst.get(reverse("cases:list")).content.decode()


def test_more_rows_than_the_cap_are_refused_with_a_message(
    personas: Any, ours: list[Person], monkeypatch: Any
) -> None:
    monkeypatch.setattr("mppdesk.audit.exports.LIST_CAP", 2)
    client = _client(personas.caseworker)
    mark = audit_mark()
    response = client.get(reverse("cases:export"), {"sort": "opened"}, follow=True)
    assert "More than 2 records match: narrow the list to export it." in response.content.decode()
    assert not entries_after(mark).filter(action=AuditAction.EXPORT).exists()
    monkeypatch.setattr("mppdesk.audit.exports.LIST_CAP", 3)
    assert len(_rows(client.get(reverse("cases:export")))) == 4


# --- what is written ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://x","y")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
)
def test_a_formula_typed_as_a_name_is_written_as_text(personas: Any, name: str) -> None:
    person = PersonFactory(organization=personas.org, given_names=name, family_names=name)
    CaseFactory(organization=personas.org, lead=person)
    client = _client(personas.caseworker)
    rows = _rows(client.post(reverse("people:export"), {}))
    assert rows[1][1] == rows[1][2] == "'" + name
    rows = _rows(client.get(reverse("cases:export")))
    assert rows[1][2].startswith("'")


def test_hearing_at_risk_and_message_exports(personas: Any) -> None:
    scene = Scene.build(personas)
    reached, silent = scene.case(), scene.case(contacts=())
    message_to(reached, hearing=scene.hearing(reached), status="delivered")
    scene.hearing(silent)
    client = _client(personas.caseworker)
    mark = audit_mark()

    upcoming = _rows(client.get(reverse("hearings:upcoming_export"), {"sort": "-hearing"}))
    assert {row[5] for row in upcoming[1:]} == {reached.lead.full_name, silent.lead.full_name}
    assert all(row[1][-6] in "+-" for row in upcoming[1:])  # times carry their offset
    at_risk = _rows(client.get(reverse("messaging:at_risk_export")))
    assert [row[1] for row in at_risk[1:]] == [silent.lead.full_name]
    messages = _rows(client.get(reverse("messaging:person_export", kwargs={"pk": reached.lead.pk})))
    # The message sent and the reminders planned for the hearing; recipients masked.
    assert len(messages) >= 2
    assert all(row[4].startswith("•") for row in messages[1:])

    kinds = {(e.object_type, e.action) for e in entries_after(mark)}
    assert {
        (ObjectType.HEARING, AuditAction.EXPORT),
        (ObjectType.PERSON, AuditAction.EXPORT),
        (ObjectType.MESSAGE, AuditAction.EXPORT),
    } <= kinds
    assert Case.objects.count() == 2
