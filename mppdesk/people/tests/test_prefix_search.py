"""Search by the beginning of a name or of an A-number, through blind tokens only.

Written as the user who types "Hern" for Hernández, as the one who types two letters and
should be told why nothing is listed, and as the outsider who must find nobody of ours.
"""

from __future__ import annotations

import importlib

import hypothesis
import pytest
from django.apps import apps as django_apps
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.cases.models import A_NUMBER_PREFIX_LENGTHS, Case
from mppdesk.cases.services import update_case
from mppdesk.core.errors import FieldErrors
from mppdesk.lib.phonetic import phonetic_key
from mppdesk.lib.text import fold, name_tokens
from mppdesk.people.models import PersonNameToken
from mppdesk.people.queries import search_people
from mppdesk.people.services import PREFIX_PURPOSE
from mppdesk.testing.factories import CaseFactory, PersonFactory

SEARCH = "/api/v1/people/search"


@pytest.fixture
def hernandez(personas):  # type: ignore[no-untyped-def]
    person = PersonFactory(
        organization=personas.org, given_names="María José", family_names="Hernández Núñez"
    )
    CaseFactory(organization=personas.org, lead=person, a_number="012345678")
    return person


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["Hern", "hern", "HERN", "Hérn", "hernánd", "Nuñ", "mar jos"])
def test_the_beginning_of_a_name_finds_the_person(personas, hernandez, query) -> None:  # type: ignore[no-untyped-def]
    PersonFactory(organization=personas.org, given_names="Pedro", family_names="Gómez")
    assert list(search_people(personas.caseworker, query)) == [hernandez]


def test_a_beginning_must_start_the_word(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    assert list(search_people(personas.caseworker, "nandez")) == []
    assert list(search_people(personas.caseworker, "ernand")) == []


def test_whole_words_still_match_by_sound(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    assert list(search_people(personas.caseworker, "Hernandes")) == [hernandez]


@pytest.mark.parametrize("query", ["h", "He", "é", "de", "a b", "jo de"])
def test_one_or_two_letters_are_refused_with_a_message(personas, hernandez, query) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldErrors) as caught:
        search_people(personas.caseworker, query)
    assert caught.value.errors["q"] == ["Type at least 3 letters of a name."]


def test_a_short_word_beside_a_longer_one_is_matched_whole(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    assert list(search_people(personas.caseworker, "hern jo")) == []  # "jo" is not "josé"
    assert list(search_people(personas.caseworker, "hern josé")) == [hernandez]


def test_the_outsider_finds_nobody_of_ours_by_a_beginning(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    assert list(search_people(personas.outsider, "Hern")) == []
    assert list(search_people(personas.outsider, "01234")) == []


# --- A-numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["0123", "01234", "012345", "0123456", "A0123", "A 012-34"])
def test_the_first_digits_of_an_a_number_find_its_people(personas, hernandez, query) -> None:  # type: ignore[no-untyped-def]
    other = PersonFactory(organization=personas.org)
    CaseFactory(organization=personas.org, lead=other, a_number="987654321")
    assert list(search_people(personas.caseworker, query)) == [hernandez]


def test_digits_inside_the_a_number_do_not_match(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    assert list(search_people(personas.caseworker, "2345")) == []
    assert list(search_people(personas.caseworker, "5678")) == []


@pytest.mark.parametrize("query", ["0", "01", "012", "A012", "0-1-2"])
def test_fewer_than_four_digits_are_refused(personas, hernandez, query) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(FieldErrors) as caught:
        search_people(personas.caseworker, query)
    assert caught.value.errors["q"] == ["Type at least 4 digits of an A-number."]


def test_a_changed_a_number_is_found_by_its_new_digits_only(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    case = Case.objects.get(lead=hernandez)
    update_case(actor=personas.caseworker, case=case, a_number="555444333")
    assert list(search_people(personas.caseworker, "5554")) == [hernandez]
    assert list(search_people(personas.caseworker, "0123")) == []


def test_eight_digits_are_still_a_whole_a_number(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    # "01234567" is A001-234-567, not the beginning of A012-345-678.
    assert list(search_people(personas.caseworker, "01234567")) == []


# --- channels ---------------------------------------------------------------------------------


def test_the_api_refuses_a_short_search_naming_the_field(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    from mppdesk.accounts.services import create_api_token
    from mppdesk.api.tests.helpers import ApiClient

    _token, secret = create_api_token(actor=None, user=personas.caseworker, name="test")
    api = ApiClient(secret)
    response = api.post(SEARCH, {"q": "he"})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "q", "message": "Type at least 3 letters of a name."}
    ]
    found = api.post(SEARCH, {"q": "hern"}).json()["items"]
    assert [item["id"] for item in found] == [str(hernandez.pk)]


def test_the_web_list_explains_a_short_search_and_lists_nobody(
    caseworker_client, hernandez
) -> None:  # type: ignore[no-untyped-def]
    response = caseworker_client.post(
        "/people/", {"q": "he"}, HTTP_ACCEPT_LANGUAGE="en", HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="results",
    )  # fmt: skip
    body = response.content.decode()
    assert "Type at least 3 letters of a name." in body
    assert "Hernández" not in body


# --- backfill of the records stored before prefixes existed ---------------------------------


def test_the_migrations_backfill_prefix_tokens_and_columns(personas, hernandez) -> None:  # type: ignore[no-untyped-def]
    people_migration = importlib.import_module("mppdesk.people.migrations.0006_name_prefix_tokens")
    cases_migration = importlib.import_module("mppdesk.cases.migrations.0005_anumber_prefix_index")
    # As stored before: no prefix tokens, empty prefix columns.
    from mppdesk.lib.crypto import blind_index

    PersonNameToken.objects.filter(bidx=blind_index(PREFIX_PURPOSE, "hern")).delete()
    PersonNameToken.objects.filter(
        bidx__in=[blind_index(PREFIX_PURPOSE, w[:n]) for w in ("maria", "hernandez", "nunez", "jose") for n in range(3, 10)]
    ).delete()  # fmt: skip
    Case.objects.update(**{f"a_number_p{n}_bidx": "" for n in A_NUMBER_PREFIX_LENGTHS})
    assert list(search_people(personas.caseworker, "Hern")) == []
    assert list(search_people(personas.caseworker, "01234")) == []

    people_migration.add_prefix_tokens(django_apps, None)
    cases_migration.backfill_prefixes(django_apps, None)

    assert list(search_people(personas.caseworker, "Hern")) == [hernandez]
    assert list(search_people(personas.caseworker, "01234")) == [hernandez]
    # Run twice (a resumed deploy): no duplicate rows, no error.
    people_migration.add_prefix_tokens(django_apps, None)
    assert list(search_people(personas.caseworker, "Hern")) == [hernandez]


# --- property: a beginning finds exactly the people it should ------------------------------

NAMES = [
    "Hernández", "Hernán", "Herrera", "Ernesto", "José", "Josefina", "Joselyn", "Pérez",
    "Peña", "María", "Mariana", "Marisol", "Núñez", "Ñañez", "Ana", "Li", "Zúñiga", "Suñiga",
    "Yesenia", "Llesenia", "Ximena", "Jimena", "Valverde", "Balberde", "Quispe", "Kʼicheʼ",
]  # fmt: skip


def _expected(words: list[str], people: dict[object, list[str]]) -> set[object]:
    """The people each query word matches: a folded name word starts with it (3 letters
    or more), or sounds the same as it (the whole-word phonetic match)."""

    def matches(query_word: str, tokens: list[str]) -> bool:
        key = phonetic_key(query_word) or f"={query_word}"
        return any(
            (len(query_word) >= 3 and token.startswith(query_word))
            or (phonetic_key(token) or f"={token}") == key
            for token in tokens
        )

    return {pk for pk, tokens in people.items() if all(matches(w, tokens) for w in words)}


@pytest.fixture
def population(personas):  # type: ignore[no-untyped-def]
    import random

    rng = random.Random(13)  # noqa: S311 - test data
    ours: dict[object, list[str]] = {}
    for _ in range(30):
        given = " ".join(rng.sample(NAMES, rng.randint(1, 2)))
        family = " ".join(rng.sample(NAMES, rng.randint(1, 2)))
        person = PersonFactory(organization=personas.org, given_names=given, family_names=family)
        ours[person.pk] = name_tokens(given, family)
    # The same names in another organization: never found by our case worker.
    for name in NAMES:
        PersonFactory(organization=personas.other_org, given_names=name, family_names=name)
    return ours


def _query_word() -> st.SearchStrategy[str]:
    beginnings = st.builds(
        lambda name, n, upper: (name[:n].upper() if upper else name[:n]),
        st.sampled_from(NAMES), st.integers(3, 10), st.booleans(),
    )  # fmt: skip
    noise = st.text(alphabet="aehijnorsuzñáé", min_size=3, max_size=6)
    return st.one_of(beginnings, beginnings.map(fold), noise)


@hypothesis.settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@given(words=st.lists(_query_word(), min_size=1, max_size=2))
def test_a_prefix_search_finds_exactly_the_people_whose_words_start_with_it(
    personas, population, words
) -> None:  # type: ignore[no-untyped-def]
    query = " ".join(words)
    folded = name_tokens(query)
    hypothesis.assume(folded and any(len(w) >= 3 for w in folded))
    found = {p.pk for p in search_people(personas.caseworker, query)}
    assert found == _expected(folded, population)
