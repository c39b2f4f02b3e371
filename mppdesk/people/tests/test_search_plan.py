"""A name search narrows by its rarer words first (``people.queries._name_condition``:
a word of up to ``NAME_PROBE`` tokens narrows by its people's ids), and several common
words by the one set they name together: whichever words take the ids route and whichever
stay subqueries, the same people are found, never another organization's; a word that
names nobody ends the search without reading the people; a list page's audit reads the
organizations once, not per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from mppdesk.accounts.models import Membership, Organization
from mppdesk.audit.models import AuditEntry
from mppdesk.lib.text import fold
from mppdesk.people import queries
from mppdesk.people.models import PersonNameToken
from mppdesk.people.queries import search_people
from mppdesk.people.services import prefix_lookup_digests, word_lookup_digests
from mppdesk.testing.factories import (
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)

GIVEN = ["María", "José", "Ana", "Marisol", "Josefina"]
FAMILY = ["Hernández", "García", "Herrera", "López", "Gómez"]
QUERIES = ["María", "Hernández", "Her", "mari hern", "José García", "Zzyzx", "Ana Zzyzx", "Jos"]


def _same_under_every_probe(monkeypatch: pytest.MonkeyPatch, user, query: str) -> set:  # type: ignore[no-untyped-def]
    results = []
    for probe in (0, 1, 2, 3, 4, 6, 10_000):  # every word common .. every word rare
        for both in (0, 1, 10_000):  # common words walked, or kept as one set of ids
            monkeypatch.setattr(queries, "NAME_PROBE", probe)
            monkeypatch.setattr(queries, "NAME_PROBE_BOTH", both)
            results.append({p.pk for p in search_people(user, query)})
    assert all(r == results[0] for r in results), (query, results)
    return results[0]


@pytest.mark.parametrize("query", QUERIES)
def test_the_same_people_whichever_words_are_rare(personas, monkeypatch, query) -> None:  # type: ignore[no-untyped-def]
    for n in range(12):
        PersonFactory(
            organization=personas.org,
            given_names=GIVEN[n % 5],
            family_names=f"{FAMILY[n % 5]} {FAMILY[(n * 2) % 5]}",
        )
        PersonFactory(organization=personas.other_org, given_names=GIVEN[n % 5],
                      family_names=FAMILY[n % 5])  # fmt: skip
    found = _same_under_every_probe(monkeypatch, personas.caseworker, query)
    mine = set(queries.people_for(personas.caseworker).values_list("pk", flat=True))
    assert found <= mine  # never the other organization's look-alikes
    assert bool(found) is ("Zzyzx" not in query)  # and the names that are there are found


def test_a_word_that_names_nobody_reads_no_people(personas) -> None:  # type: ignore[no-untyped-def]
    PersonFactory(organization=personas.org, given_names="María", family_names="Hernández")
    found = search_people(personas.caseworker, "Hernández Zzyzx")
    with CaptureQueriesContext(connection) as captured:
        assert list(found) == []
    assert not any("people_person" in q["sql"] for q in captured.captured_queries)


def test_a_page_of_people_from_two_organizations_reads_them_once(personas) -> None:  # type: ignore[no-untyped-def]
    third = OrganizationFactory(name="Tercera", slug="tercera", kind=Organization.Kind.SHELTER)
    people = [PersonFactory(organization=personas.org) for _ in range(5)]
    people += [PersonFactory(organization=third) for _ in range(5)]
    listed = list(type(people[0]).objects.filter(pk__in=[p.pk for p in people]))
    with CaptureQueriesContext(connection) as captured:
        queries.record_people_listed(personas.caseworker, listed)
    reads = [q for q in captured.captured_queries if 'FROM "accounts_organization"' in q["sql"]]
    assert len(reads) == 1
    entries = AuditEntry.objects.filter(object_id__in=[str(p.pk) for p in people])
    assert entries.count() == 10
    assert {e.organization_id for e in entries} == {personas.org.pk, third.pk}


class SearchProperty(TestCase):
    """Random rosters and queries: the ids route and the subquery route agree with a
    plain reading of the names."""

    @settings(max_examples=40, deadline=None)
    @given(
        roster=st.lists(
            st.tuples(st.sampled_from(GIVEN), st.sampled_from(FAMILY), st.booleans()),
            min_size=1,
            max_size=12,
        ),  # fmt: skip
        words=st.lists(st.sampled_from(GIVEN + FAMILY + ["Zzyzx"]), min_size=1, max_size=3),
        probe=st.integers(min_value=0, max_value=12),
        both=st.integers(min_value=0, max_value=6),
    )
    def test_matches_a_plain_reading(self, roster, words, probe, both) -> None:  # type: ignore[no-untyped-def]
        org = OrganizationFactory()
        other = OrganizationFactory()
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.CASEWORKER)
        expected = set()
        for given_name, family, ours in roster:
            person = PersonFactory(organization=org if ours else other,
                                   given_names=given_name, family_names=family)  # fmt: skip
            names = [fold(given_name), fold(family)]
            # A word finds a name it is, or begins ("José" finds "Josefina").
            if ours and all(any(n.startswith(fold(w)) for n in names) for w in words):
                expected.add(person.pk)
        original = queries.NAME_PROBE, queries.NAME_PROBE_BOTH
        queries.NAME_PROBE, queries.NAME_PROBE_BOTH = probe, both
        try:
            found = {p.pk for p in search_people(user, " ".join(words))}
        finally:
            queries.NAME_PROBE, queries.NAME_PROBE_BOTH = original
        assert found == expected


def test_the_ids_of_a_rare_word_go_as_one_parameter_on_postgresql(personas) -> None:  # type: ignore[no-untyped-def]
    """A rare word's people (up to ``NAME_PROBE_BOTH`` ids) narrow the search: on
    PostgreSQL as one array, not one parameter per id (5,000 of them cost ~25 ms of
    Python a query); on SQLite as an ``IN`` list. Either way the same people."""
    wanted = {PersonFactory(organization=personas.org, given_names="Wideline",
                            family_names=f"Joseph {n}").pk for n in range(40)}  # fmt: skip
    PersonFactory(organization=personas.org, given_names="Marie", family_names="Joseph")
    with CaptureQueriesContext(connection) as captured:
        found = {p.pk for p in search_people(personas.caseworker, "Wideline")}
    assert found == wanted
    people_sql = [q["sql"] for q in captured.captured_queries if 'FROM "people_person"' in q["sql"]]
    assert len(people_sql) == 1
    if connection.vendor == "postgresql":
        assert "unnest(" in people_sql[0]
        assert people_sql[0].count("::uuid") <= 2  # the array, not 40 literals
    else:
        assert all(pk.hex in people_sql[0] for pk in wanted)


def test_a_word_up_to_the_probe_narrows_by_ids(personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Up to ``NAME_PROBE`` tokens a word's people are read and narrow the search as ids
    (no subquery over the tokens in the people query); past it the word stays a
    subquery. The same people either way."""
    wanted = {PersonFactory(organization=personas.org, given_names="Wideline",
                            family_names=f"Joseph {n}").pk for n in range(6)}  # fmt: skip
    PersonFactory(organization=personas.other_org, given_names="Wideline", family_names="Pierre")
    tokens = PersonNameToken.objects.filter(
        bidx__in=word_lookup_digests("wideline") + prefix_lookup_digests("wideline")
    ).count()
    assert tokens > 7  # two a person: the word and the word as a beginning
    for probe, subquery in ((tokens, False), (tokens - 1, True)):
        monkeypatch.setattr(queries, "NAME_PROBE", probe)
        with CaptureQueriesContext(connection) as captured:
            found = {p.pk for p in search_people(personas.caseworker, "Wideline")}
        assert found == wanted
        (people_sql,) = [
            q["sql"] for q in captured.captured_queries if 'FROM "people_person"' in q["sql"]
        ]
        assert ("people_personnametoken" in people_sql) is subquery


def _token_counts(captured: CaptureQueriesContext) -> int:
    """How many of the captured queries counted a word's tokens (``_people_named``)."""
    return sum(
        q["sql"].startswith('SELECT COUNT(*) FROM (SELECT "people_personnametoken"')
        for q in captured.captured_queries
    )


def test_a_word_found_common_is_not_counted_again(personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The verdict "common" is remembered: the next search of that word does not count its
    tokens again, and finds the same people."""
    wanted = {PersonFactory(organization=personas.org, given_names="Wideline",
                            family_names=f"Joseph {n}").pk for n in range(3)}  # fmt: skip
    monkeypatch.setattr(queries, "NAME_PROBE", 2)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert {p.pk for p in search_people(personas.caseworker, "Wideline")} == wanted
        counts.append(_token_counts(captured))
    assert counts == [1, 0]


def test_a_remembered_verdict_that_no_longer_holds_finds_the_same_people(
    personas, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A word remembered as common that has since become rare (people erased, names
    changed) still finds exactly the people who have it, none of another organization."""
    people = [PersonFactory(organization=personas.org, given_names="Wideline",
                            family_names=f"Joseph {n}") for n in range(6)]  # fmt: skip
    PersonFactory(organization=personas.other_org, given_names="Wideline", family_names="Pierre")
    monkeypatch.setattr(queries, "NAME_PROBE", 4)
    assert {p.pk for p in search_people(personas.caseworker, "Wideline Joseph")} == {
        p.pk for p in people
    }
    for person in people[1:]:
        person.name_tokens.all().delete()  # as a rename or an erasure leaves them
    assert queries._COMMON  # "wideline" (and "joseph") still remembered as common
    assert {p.pk for p in search_people(personas.caseworker, "Wideline Joseph")} == {people[0].pk}
    assert {p.pk for p in search_people(personas.caseworker, "Wideline")} == {people[0].pk}


def test_a_verdict_runs_out(personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    PersonFactory(organization=personas.org, given_names="Wideline", family_names="Joseph")
    monkeypatch.setattr(queries, "NAME_PROBE", 0)
    list(search_people(personas.caseworker, "Wideline"))
    (expires,) = queries._COMMON.values()
    clock = [expires + 1]
    monkeypatch.setattr(queries.time, "monotonic", lambda: clock[0])
    with CaptureQueriesContext(connection) as captured:
        list(search_people(personas.caseworker, "Wideline"))
    assert _token_counts(captured) == 1  # counted again


@pytest.mark.parametrize("words", [2, 3])
def test_several_common_words_name_the_people_who_have_all_of_them(
    personas, monkeypatch, words
) -> None:  # type: ignore[no-untyped-def]
    """Every word common, their people kept as one set of ids (``_people_with_all``: on
    PostgreSQL ordered runs of the token index merged and joined): exactly those who have
    every word, a whole word or its beginning, none of another organization."""
    names = [("María", "Hernández López"), ("Mariana", "Hernández"), ("María", "López"),
             ("José", "Hernández López"), ("María José", "Hernandes Lopes")]  # fmt: skip
    mine = [
        PersonFactory(organization=personas.org, given_names=g, family_names=f) for g, f in names
    ]
    PersonFactory(
        organization=personas.other_org, given_names="María", family_names="Hernández López"
    )
    monkeypatch.setattr(queries, "NAME_PROBE", 0)
    query = " ".join(["Mari", "Hernández", "López"][:words])
    found = {p.pk for p in search_people(personas.caseworker, query)}
    expected = {mine[0].pk, mine[4].pk} if words == 3 else {mine[0].pk, mine[1].pk, mine[4].pk}
    assert found == expected
    assert (
        queries._people_with_all(
            [queries.word_lookup_digests("zzyzx"), queries.word_lookup_digests("maria")], 10
        )
        == []
    )


def test_a_short_word_among_common_ones(personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A word shorter than a searchable beginning has one digest (its phonetic key, no
    beginning): one ordered run of its own beside the merged runs of the longer words."""
    two = {PersonFactory(organization=personas.org, given_names="Li", family_names="Hernández").pk
           for _ in range(2)}  # fmt: skip
    PersonFactory(organization=personas.org, given_names="Li", family_names="López")
    PersonFactory(organization=personas.org, given_names="Lina", family_names="Hernández")
    monkeypatch.setattr(queries, "NAME_PROBE", 0)
    assert {p.pk for p in search_people(personas.caseworker, "Li Hernández")} == two
    assert {p.pk for p in search_people(personas.caseworker, "Hernández Li")} == two


class CountProperty(TestCase):
    """A list page counts a search up to its cap: through the sample of a common word's
    first people where that shows the cap is passed, by counting otherwise. Whoever sees
    how many of the word's people, the number is the one a plain count gives."""

    @settings(max_examples=30, deadline=None)
    @given(
        roster=st.lists(
            st.tuples(st.sampled_from(["Wideline", "Marie"]), st.booleans()),
            min_size=0,
            max_size=14,
        ),  # fmt: skip
        cap=st.integers(min_value=2, max_value=6),
        sample=st.integers(min_value=1, max_value=10),
        both=st.integers(min_value=0, max_value=8),
        query=st.sampled_from(["Wideline", "Wideline Joseph", "Joseph"]),
    )
    def test_the_capped_count_is_a_plain_count(self, roster, cap, sample, both, query) -> None:  # type: ignore[no-untyped-def]
        from mppdesk.core.pagination import CappedPaginator

        org, other = OrganizationFactory(), OrganizationFactory()
        user = UserFactory()
        MembershipFactory(user=user, organization=org, role=Membership.Role.CASEWORKER)
        for given_name, ours in roster:
            PersonFactory(organization=org if ours else other, given_names=given_name,
                          family_names="Joseph")  # fmt: skip
        original = queries.NAME_PROBE, queries.COUNT_SAMPLE, queries.NAME_PROBE_BOTH
        # Every word common; two words past ``both`` people together are walked, and the
        # people read with both words are the sample.
        queries.NAME_PROBE, queries.COUNT_SAMPLE, queries.NAME_PROBE_BOTH = 0, sample, both
        queries.forget_common_words()
        try:
            found = queries.find_people(user, query)
            plain = found.people.count()
            counted = CappedPaginator(found.people, 1, cap=cap, at_least=found.at_least).counted
            sampled = (
                set() if found.sample is None else set(found.sample.values_list("pk", flat=True))
            )
            people = set(found.people.values_list("pk", flat=True))
        finally:
            queries.NAME_PROBE, queries.COUNT_SAMPLE, queries.NAME_PROBE_BOTH = original
        assert counted == min(plain, cap + 1)
        # The sample is some of the people found, never anyone else (at_least relies on it).
        assert sampled <= people
        # A single common word's sample (its first people) only on PostgreSQL; an empty
        # roster's single word is no query.
        assert found.sample is None or connection.vendor == "postgresql" or " " in query


def test_a_common_word_past_the_cap_is_not_counted_in_full(personas, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Past the cap, the sample's count is the only count of the people (PostgreSQL); a
    viewer who sees too few of the sample gets the full count, exact."""
    from mppdesk.core.pagination import CappedPaginator

    for _ in range(6):
        PersonFactory(organization=personas.org, given_names="Wideline", family_names="Joseph")
    monkeypatch.setattr(queries, "NAME_PROBE", 0)
    monkeypatch.setattr(queries, "COUNT_SAMPLE", 6)
    found = queries.find_people(personas.caseworker, "Wideline")
    assert (found.sample is not None) is (connection.vendor == "postgresql")
    with CaptureQueriesContext(connection) as captured:
        counted = CappedPaginator(found.people, 2, cap=3, at_least=found.at_least).counted
    assert counted == 4
    counts = [
        q["sql"]
        for q in captured.captured_queries
        if 'COUNT(*) FROM (SELECT "people_person"' in q["sql"]
    ]
    if connection.vendor == "postgresql":
        assert len(counts) == 1 and "LIMIT 6" in counts[0]  # the sample, nothing else
    # Exactly the cap: the sample shows the cap but not one more, so no "more".
    found = queries.find_people(personas.caseworker, "Wideline")
    assert CappedPaginator(found.people, 2, cap=6, at_least=found.at_least).counted == 6
    # Another organization's case worker sees none of them: counted in full, exactly 0.
    found = queries.find_people(personas.outsider, "Wideline")
    assert CappedPaginator(found.people, 2, cap=3, at_least=found.at_least).counted == 0


def test_two_common_words_past_the_set_count_the_people_read_with_both(
    personas, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Two common words naming more people together than ``NAME_PROBE_BOTH`` are walked;
    the people read with both are the count's sample, so a viewer who sees enough of
    them gets one capped count over those ids (not each word's first people, which
    barely overlap, then a count in full); one who sees too few, the exact count."""
    from mppdesk.core.pagination import CappedPaginator

    for _ in range(6):
        PersonFactory(organization=personas.org, given_names="Wideline", family_names="Joseph")
    PersonFactory(organization=personas.org, given_names="Wideline", family_names="Pierre")
    monkeypatch.setattr(queries, "NAME_PROBE", 0)
    monkeypatch.setattr(queries, "NAME_PROBE_BOTH", 4)
    queries.forget_common_words()
    found = queries.find_people(personas.caseworker, "Wideline Joseph")
    assert found.sample is not None
    sampled = set(found.sample.values_list("pk", flat=True))
    assert len(sampled) == 5 and sampled <= set(found.people.values_list("pk", flat=True))
    with CaptureQueriesContext(connection) as captured:
        counted = CappedPaginator(found.people, 2, cap=3, at_least=found.at_least).counted
    assert counted == 4
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1 and "people_personnametoken" not in counts[0]
    # The cap past the sample: counted in full, exactly.
    found = queries.find_people(personas.caseworker, "Wideline Joseph")
    assert CappedPaginator(found.people, 2, cap=10, at_least=found.at_least).counted == 6
    # Another organization's case worker sees none of them: 0, exactly.
    found = queries.find_people(personas.outsider, "Wideline Joseph")
    assert CappedPaginator(found.people, 2, cap=3, at_least=found.at_least).counted == 0
