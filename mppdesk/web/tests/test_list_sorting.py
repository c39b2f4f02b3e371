"""Lists sorted on the server (``?sort=``): a whitelist of columns per list, headers that
toggle the direction, and the filters and the POSTed search kept beside the sort.

Written as the user who clicks a header, and as the one who edits the URL: an unknown
key, a field name of the database, a blind index or a SQL fragment all give the default
order, never an error and never an order by a column that was not offered.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mppdesk.cases.models import Case, CaseStatus
from mppdesk.core.sorting import SortColumn, Sorting
from mppdesk.hearings import hearing_services
from mppdesk.hearings.tests.conftest import EL_PASO, make_case, make_docket
from mppdesk.messaging.tests.test_web_support import Scene, client_for, message_to
from mppdesk.people.models import Person
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import CaseFactory, PersonFactory

HOSTILE_SORTS = [
    "given_names",  # an encrypted column
    "-a_number_bidx",  # a blind index
    "organization__name",
    "created_at",  # a field, not a column key
    "registered; DROP TABLE people_person",
    "--registered",
    "-",
    "",
    "x" * 500,
    "nationality,registered",
]


@pytest.fixture
def caseworker_client(caseworker_client: Any) -> Any:
    caseworker_client.cookies["django_language"] = "en"
    return caseworker_client


def _order(body: str, names: list[str]) -> list[str]:
    """``names`` in the order they appear in ``body``."""
    return sorted(names, key=body.index)


# --- the whitelist ----------------------------------------------------------------------


SORTING = Sorting(
    [SortColumn("a", "A", ("created_at",)), SortColumn("b", "B", ("nationality",))],
    default="-a",
)


@pytest.mark.parametrize("raw", [*HOSTILE_SORTS, None, 3, ["b"], "B", " b"])
def test_anything_but_a_column_key_gives_the_default_order(raw: Any) -> None:
    sort = SORTING.parse(raw)
    assert (sort.key, sort.descending, sort.param) == ("a", True, "-a")


@pytest.mark.parametrize(("raw", "param", "toggled"), [("b", "b", "-b"), ("-b", "-b", "b")])
def test_a_column_key_sorts_and_its_header_toggles(raw: str, param: str, toggled: str) -> None:
    sort = SORTING.parse(raw)
    assert (sort.param, sort.toggled()) == (param, toggled)


def test_a_default_that_is_no_column_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="default sort"):
        Sorting([SortColumn("a", "A", ("x",))], default="b")


def test_rows_sorted_in_python_keep_empty_values_last_both_ways() -> None:
    rows = [{"v": 2}, {"v": None}, {"v": 1}]
    sorting = Sorting([SortColumn("v", "V", value=lambda r: r["v"])], default="v")
    assert [r["v"] for r in sorting.sort_rows(rows, sorting.parse("v"))] == [1, 2, None]
    assert [r["v"] for r in sorting.sort_rows(rows, sorting.parse("-v"))] == [2, 1, None]


# --- people ---------------------------------------------------------------------------------


@pytest.fixture
def three_people(personas: Any) -> list[Person]:
    people = []
    for i, (name, nationality) in enumerate([("Ana", "HND"), ("Beto", "CUB"), ("Caro", "GTM")]):
        person = PersonFactory(
            organization=personas.org, given_names=name, family_names="Sortez",
            nationality=nationality,
        )  # fmt: skip
        Person.objects.filter(pk=person.pk).update(
            created_at=timezone.now() - dt.timedelta(days=10 - i)
        )
        people.append(person)
    return people


def test_people_are_newest_first_by_default_and_sort_by_nationality(
    caseworker_client: Any, three_people: list[Person]
) -> None:
    names = ["Ana", "Beto", "Caro"]
    body = caseworker_client.get("/people/").content.decode()
    assert _order(body, names) == ["Caro", "Beto", "Ana"]
    body = caseworker_client.get("/people/?sort=nationality").content.decode()
    assert _order(body, names) == ["Beto", "Caro", "Ana"]  # CUB, GTM, HND
    body = caseworker_client.get("/people/?sort=-nationality").content.decode()
    assert _order(body, names) == ["Ana", "Caro", "Beto"]
    assert 'aria-sort="descending"' in body


@pytest.mark.parametrize("raw", HOSTILE_SORTS)
def test_people_with_a_hostile_sort_are_listed_in_the_default_order(
    caseworker_client: Any, three_people: list[Person], raw: str
) -> None:
    response = caseworker_client.get("/people/", {"sort": raw})
    assert response.status_code == 200
    assert _order(response.content.decode(), ["Ana", "Beto", "Caro"]) == ["Caro", "Beto", "Ana"]


def test_a_search_sorted_keeps_its_words_out_of_every_url(
    caseworker_client: Any, three_people: list[Person]
) -> None:
    response = caseworker_client.post("/people/?sort=nationality", {"q": "Sortez"})
    body = response.content.decode()
    assert _order(body, ["Ana", "Beto", "Caro"]) == ["Beto", "Caro", "Ana"]
    # The header is a button of the search form: the words go in the body again.
    header = re.search(r'<button[^>]*formaction="([^"]*)"[^>]*>\s*Nationality', body)
    assert header is not None and header.group(1) == "/people/?sort=-nationality"
    for url in re.findall(r'(?:href|action|formaction|hx-post|hx-get)="([^"]*)"', body):
        assert "sortez" not in url.lower(), url


# --- cases ----------------------------------------------------------------------------------


def test_cases_sort_by_status_and_keep_the_filter_in_links(
    caseworker_client: Any, personas: Any
) -> None:
    for status in (CaseStatus.CLOSED, CaseStatus.ACTIVE, CaseStatus.INTAKE):
        CaseFactory(organization=personas.org, status=status)
    body = caseworker_client.get("/cases/?sort=status").content.decode()
    rows = re.findall(r"<td>(Closed|In proceedings|Intake)</td>", body)
    assert rows == ["Intake", "In proceedings", "Closed"]  # the order of the proceedings
    body = caseworker_client.get("/cases/?sort=-status&status=").content.decode()
    assert 'aria-sort="descending"' in body
    # The header asks for the other direction and keeps the filter.
    assert 'href="?sort=status&amp;status="' in body


def test_the_case_list_pages_keep_the_sort(caseworker_client: Any, personas: Any) -> None:
    for _ in range(26):
        CaseFactory(organization=personas.org)
    body = caseworker_client.get("/cases/?sort=opened&status=intake").content.decode()
    nxt = re.search(r'<a href="\?([^"]*)" rel="next"', body)
    assert nxt is not None
    assert set(nxt.group(1).replace("&amp;", "&").split("&")) == {
        "sort=opened", "status=intake", "page=2",
    }  # fmt: skip


@pytest.mark.parametrize("raw", HOSTILE_SORTS)
def test_cases_with_a_hostile_sort_answer(caseworker_client: Any, personas: Any, raw: str) -> None:
    CaseFactory(organization=personas.org)
    assert caseworker_client.get("/cases/", {"sort": raw}).status_code == 200


# --- hearings, messages, at risk ------------------------------------------------------------


def test_upcoming_hearings_sort_by_date_both_ways(caseworker_client: Any, personas: Any) -> None:
    venue = Venue.objects.get(code=EL_PASO)
    port = Port.objects.get(code="el-paso")
    names = []
    for days in (9, 3, 6):
        case = make_case(personas.org, venue=venue, port=port)
        docket = make_docket(
            venue, timezone.localdate() + dt.timedelta(days=days), courtroom=str(days)
        )
        hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=docket)
        names.append(case.lead.full_name)
    url = reverse("hearings:upcoming")
    body = caseworker_client.get(url).content.decode()
    assert _order(body, names) == [names[1], names[2], names[0]]
    body = caseworker_client.get(url, {"sort": "-hearing"}).content.decode()
    assert _order(body, names) == [names[0], names[2], names[1]]
    for raw in HOSTILE_SORTS:
        assert caseworker_client.get(url, {"sort": raw}).status_code == 200


def test_a_persons_messages_sort_by_status(personas: Any) -> None:
    scene = Scene.build(personas)
    case = scene.case()
    message_to(case, status="delivered")
    message_to(case, status="failed")
    client = client_for(personas.caseworker)
    url = reverse("messaging:person", kwargs={"pk": case.lead.pk})
    for raw in ("status", "-status", *HOSTILE_SORTS):
        assert client.get(url, {"sort": raw}).status_code == 200
    body = client.get(url, {"sort": "status"}).content.decode()
    assert 'aria-sort="ascending"' in body


def test_the_at_risk_list_sorts_by_hearing_and_by_reasons(personas: Any) -> None:
    scene = Scene.build(personas)
    first, second = scene.case(), scene.case(contacts=())
    for case in (first, second):
        scene.hearing(case)
    client = client_for(personas.caseworker)
    url = reverse("messaging:at_risk")
    names = [first.lead.full_name, second.lead.full_name]
    by_reasons = client.get(url, {"sort": "-reasons"}).content.decode()
    assert 'aria-sort="descending"' in by_reasons
    assert set(_order(by_reasons, names)) == set(names)
    for raw in HOSTILE_SORTS:
        assert client.get(url, {"sort": raw}).status_code == 200


def test_sort_keys_name_no_encrypted_column() -> None:
    """Every offered column orders by plaintext columns only."""
    from mppdesk.cases.queries import CASES_SORTING
    from mppdesk.core.fields import BlindIndexField, EncryptedMixin
    from mppdesk.hearings.models import Hearing
    from mppdesk.hearings.queries import HEARINGS_SORTING
    from mppdesk.messaging.models import Message
    from mppdesk.messaging.queries import MESSAGES_SORTING
    from mppdesk.people.queries import PEOPLE_SORTING

    for sorting, model in (
        (PEOPLE_SORTING, Person), (CASES_SORTING, Case), (HEARINGS_SORTING, Hearing),
        (MESSAGES_SORTING, Message),
    ):  # fmt: skip
        for column in sorting.columns:
            for path in column.fields:
                if not isinstance(path, str):
                    continue  # an expression over a column named in the test below
                current: Any = model
                for part in path.split("__"):
                    field = current._meta.get_field(part)
                    current = field.related_model or current
                assert not isinstance(field, EncryptedMixin | BlindIndexField), path
    assert CASES_SORTING.by_key["status"].fields[0].cases[0].condition.children[0][0] == "status"
