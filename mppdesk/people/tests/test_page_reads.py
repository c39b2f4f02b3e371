"""What the person page and the people list read of the people, cases and accounts they
only name: the names and the birth, the A-number, the actor's user name. Not the other
names, the notes, the vulnerabilities or an account's password hash: those are not read
or decrypted, and no row reads them afterwards one by one (the statements do not grow
with the rows)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mppdesk.cases import services as case_services
from mppdesk.cases.models import Case
from mppdesk.people import services
from mppdesk.people.models import Household, Person
from mppdesk.testing.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

HIDDEN = {"notes": "nota privada", "other_names": ["Alias Secreto"], "vulnerabilities": ["lgbti"]}
UNREAD_PERSON_COLUMNS = ("notes", "other_names", "vulnerabilities")


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def _named(personas: Any, given: str, **kwargs: Any) -> Person:
    return PersonFactory(
        organization=personas.org, given_names=given, family_names="Quispe Mamani",
        birth_date=dt.date(1991, 4, 12), **HIDDEN, **kwargs,
    )  # fmt: skip


def _family(personas: Any, household: Household, case: Case, n: int) -> None:
    """``n`` more people in the lead's household and on the case (a member-added event
    each, by the case worker)."""
    for i in range(n):
        member = _named(personas, f"Miembro{len(household.members.all())}x{i}")
        services.add_household_member(
            actor=personas.caseworker, household=household, person=member, relationship="child"
        )
        case_services.add_case_member(actor=personas.caseworker, case=case, person=member)


def _statements(client: Client, url: str, **kwargs: Any) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as seen:
        response = client.post(url, **kwargs) if kwargs else client.get(url)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in seen.captured_queries]


def _columns_read(sql: str, table: str, columns: tuple[str, ...]) -> list[str]:
    return [column for column in columns if f'"{table}"."{column}"' in sql]


def test_the_person_page_reads_only_the_names_of_the_people_it_names(
    personas: Any, caseworker_client: Client
) -> None:
    lead = _named(personas, "Lidia")
    household = HouseholdFactory(organization=personas.org, lead=lead)
    case = case_services.open_case(
        actor=personas.caseworker, organization=personas.org, a_number="212345678", lead=lead
    )
    twin = _named(personas, "Lidia")  # same name and birth: a possible duplicate
    _family(personas, household, case, 2)
    client = _english(caseworker_client)
    url = reverse("people:detail", kwargs={"pk": lead.pk})
    client.get(url)  # the session's first request saves it
    html, sql = _statements(client, url)

    # What the page shows of them is there.
    for member in household.members.select_related("person"):
        assert member.person.full_name in html
        assert "1991-04-12" in html
    assert reverse("people:detail", kwargs={"pk": twin.pk}) in html
    assert "Family member added" in html and personas.caseworker.username in html
    # The lead's own page shows the lead's other names; nobody else's are read.
    own = [q for q in sql if 'FROM "people_person"' in q and lead.pk.hex in q.split("WHERE")[-1]]
    others = [
        q for q in sql
        if '"people_person"."given_names"' in q and q not in own
    ]  # fmt: skip
    assert len(others) == 3, others  # household members, case members, possible duplicates
    for statement in others:
        assert not _columns_read(statement, "people_person", UNREAD_PERSON_COLUMNS), statement
    # The timeline's actor: the user name, never the password hash.
    actors = [q for q in sql if 'JOIN "accounts_user"' in q]
    assert actors and all('"accounts_user"."password"' not in q for q in actors)

    # Two more people in the household and on the case: not one statement more.
    _family(personas, household, case, 2)
    _named(personas, "Lidia")  # and another possible duplicate
    html_after, sql_after = _statements(client, url)
    assert len(sql_after) == len(sql), "a row read a field the page's statements left out"
    assert html_after.count("1991-04-12") > html.count("1991-04-12")


def test_the_people_list_reads_only_what_its_rows_show(
    personas: Any, caseworker_client: Client
) -> None:
    people = [_named(personas, f"Rosa{i}", nationality="GTM") for i in range(3)]
    for i, person in enumerate(people):
        case_services.open_case(
            actor=personas.caseworker, organization=personas.org,
            a_number=f"31234567{i}", lead=person,
        )  # fmt: skip
    client = _english(caseworker_client)
    url = reverse("people:list")
    search = {
        "data": {"q": "Quispe"},
        "HTTP_HX_REQUEST": "true",
        "HTTP_HX_TARGET": "results",
    }
    client.get(url)  # the CSRF cookie and the session's first save
    html, sql = _statements(client, url, **search)

    for i in range(len(people)):
        assert f"Quispe Mamani, Rosa{i}" in html  # the list's "family, given"
        assert f"A312-345-67{i}" in html
    assert "1991-04-12" in html and "Guatemala" in html
    rows = [q for q in sql if '"people_person"."given_names"' in q]
    assert len(rows) == 1, rows
    assert not _columns_read(rows[0], "people_person", UNREAD_PERSON_COLUMNS)
    cases = [q for q in sql if '"cases_case"."a_number"' in q]
    assert len(cases) == 1, cases
    assert not _columns_read(cases[0], "cases_case", ("a_number_bidx", "status", "lead_id"))

    more = [_named(personas, f"Rosa{i}", nationality="GTM") for i in range(3, 8)]
    for i, person in enumerate(more, start=3):
        case_services.open_case(
            actor=personas.caseworker, organization=personas.org,
            a_number=f"31234567{i}", lead=person,
        )  # fmt: skip
    html_after, sql_after = _statements(client, url, **search)
    assert len(sql_after) == len(sql), "a row read a field the list's statements left out"
    assert all(f"Quispe Mamani, {person.given_names}" in html_after for person in more)
