"""``people.token_sets``: on PostgreSQL each person's name tokens are also one array under
a GIN index, kept by triggers. Whatever writes the tokens (a new person, a name change,
the importer's COPY, a raw update, a delete, a truncate, two writers at once), the arrays
hold exactly the token table grouped by person, and the searches that read them find
the people who have every word. On SQLite there is no such table."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.db import connection, connections, transaction
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from mppdesk.people import queries, token_sets
from mppdesk.people.importer import import_people
from mppdesk.people.models import Person, PersonNameToken
from mppdesk.people.services import (
    prefix_lookup_digests,
    reindex_person,
    update_person,
    word_lookup_digests,
)
from mppdesk.testing.factories import OrganizationFactory, PersonFactory

POSTGRES = connection.vendor == "postgresql"
NAMES = ["María", "José", "Ana", "Hernández", "García", "Herrera", "Mari", "Josefina"]


def _sets() -> dict[str, set[str]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT person_id, bidxs FROM {token_sets.TABLE}")  # noqa: S608
        return {str(pid): set(bidxs) for pid, bidxs in cursor.fetchall()}


def _tokens() -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = {}
    for pid, bidx in PersonNameToken.objects.values_list("person_id", "bidx"):
        grouped.setdefault(str(pid), set()).add(bidx)
    return grouped


def _table_exists() -> bool:
    return token_sets.TABLE in connection.introspection.table_names()


def _assert_in_step() -> None:
    if POSTGRES:
        assert _sets() == _tokens()
    else:
        assert not _table_exists()


def _digests(word: str) -> tuple[str, ...]:
    return word_lookup_digests(word) + prefix_lookup_digests(word)


class TokenSetProperty(TestCase):
    """Random edits of random people: the arrays follow the tokens after every step."""

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(["create", "rename", "blank", "delete", "raw_update"]),
                st.integers(0, 5),
                st.lists(st.sampled_from(NAMES), min_size=1, max_size=3),
            ),
            min_size=1,
            max_size=8,
        )
    )
    def test_the_arrays_hold_exactly_the_tokens(self, steps) -> None:  # type: ignore[no-untyped-def]
        org = OrganizationFactory()
        people: list[Person] = []
        for action, index, words in steps:
            if action == "create" or not people:
                people.append(
                    PersonFactory(
                        organization=org, given_names=words[0], family_names=" ".join(words[1:])
                    )
                )
            else:
                person = people[index % len(people)]
                if action == "rename":
                    update_person(
                        actor=None,
                        person=person,
                        data={"given_names": words[0], "family_names": " ".join(words[1:])},
                    )
                elif action == "blank":  # what erasure does: no names, no tokens
                    person.given_names, person.family_names, person.other_names = "", "", []
                    person.save()
                    reindex_person(person)
                elif action == "delete":
                    person.delete()
                    people.remove(person)
                else:  # a statement that moves tokens from one person to another
                    other = people[(index + 1) % len(people)]
                    PersonNameToken.objects.filter(person=person).exclude(
                        bidx__in=PersonNameToken.objects.filter(person=other).values("bidx")
                    ).update(person=other)
            _assert_in_step()


@pytest.mark.django_db
def test_a_search_of_common_words_reads_the_arrays_and_finds_who_has_them_all(
    personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    both = PersonFactory(organization=personas.org, given_names="María", family_names="Hernández")
    marisol = PersonFactory(
        organization=personas.org, given_names="Mariana", family_names="Hernandes Ruiz"
    )
    PersonFactory(organization=personas.org, given_names="María", family_names="García")
    PersonFactory(organization=personas.org, given_names="Ana", family_names="Hernández")
    PersonFactory(organization=personas.other_org, given_names="María", family_names="Hernández")
    monkeypatch.setattr(queries, "NAME_PROBE", 0)  # every word common: the arrays' route
    queries.forget_common_words()
    found = set(queries.search_people(personas.caseworker, "María Hernández"))
    # Mariana has "María" as a beginning; "Hernandes" sounds like "Hernández".
    assert found == {both, marisol}
    ids = queries._people_with_all([_digests("maria"), _digests("hernandez")], 10)
    assert len(ids) == 3  # the other organization's María Hernández too: visibility is later
    assert len(queries._people_with_all([_digests("maria"), _digests("hernandez")], 2)) == 2
    assert queries._people_with_all([_digests("maria"), _digests("zzyzx")], 10) == []


@pytest.mark.django_db
def test_the_importer_copy_fills_the_arrays(personas, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(
        "nombre,apellidos,fecha_nacimiento,sexo,nacionalidad\n"
        "María José,Hernández Cruz,14/03/1988,F,Honduras\n"
        "Josué,Mejía Hernández,2015-07-21,M,HND\n",
        encoding="utf-8",
    )
    report = import_people(path, actor=personas.caseworker, organization=personas.org)
    assert report.ok and report.created_people == 2, report.as_dict()
    _assert_in_step()
    if POSTGRES:
        assert len(_sets()) == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_truncating_the_tokens_empties_the_arrays(personas) -> None:
    PersonFactory(organization=personas.org, given_names="María", family_names="Hernández")
    if POSTGRES:
        assert _sets()
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE people_personnametoken")
        assert _sets() == {}
    _assert_in_step()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_writers_of_one_person_at_once_both_count(personas) -> None:
    """Two transactions add tokens to one person at the same time (without the person's
    row lock the services take), and a third removes one while another adds: each change
    is applied to the latest array, none is lost."""
    person = PersonFactory(organization=personas.org, given_names="Ana", family_names="")
    if not POSTGRES:
        assert not _table_exists()
        return
    a, b, c = "a" * 32, "b" * 32, "c" * 32
    first_in = threading.Event()
    errors: list[BaseException] = []

    def second_writer(statement: str, params: list[object]) -> None:
        try:
            first_in.wait(10)
            with transaction.atomic(), connections["default"].cursor() as cursor:
                cursor.execute(statement, params)  # waits for the first to commit
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    insert = "INSERT INTO people_personnametoken (person_id, bidx) VALUES (%s, %s)"
    for first, second in (
        ((insert, [person.pk, a]), (insert, [person.pk, b])),
        (
            (
                "DELETE FROM people_personnametoken WHERE person_id = %s AND bidx = %s",
                [person.pk, a],
            ),
            (insert, [person.pk, c]),
        ),
    ):
        thread = threading.Thread(target=second_writer, args=second)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(*first)
            thread.start()
            first_in.set()
            thread.join(0.5)  # the second is blocked on the array's row until this commits
            assert thread.is_alive()
        thread.join(10)
        first_in.clear()
        assert not errors, errors
        _assert_in_step()
    assert _sets()[str(person.pk)] >= {b, c}
    assert a not in _sets()[str(person.pk)]


def _drift_by_one_statement(person: Person) -> None:
    """One statement that deletes a person's tokens and re-inserts one of them: the
    insert's trigger runs before the delete's, which then takes the token away."""
    with connection.cursor() as cursor:
        cursor.execute(
            "WITH d AS (DELETE FROM people_personnametoken WHERE person_id = %s"
            " RETURNING person_id, bidx)"
            " INSERT INTO people_personnametoken SELECT person_id, bidx FROM d LIMIT 1",
            [person.pk],
        )


def _check(*args: str):  # type: ignore[no-untyped-def]
    from mppdesk.people.commands import people_group

    return CliRunner().invoke(people_group, ["check-search", *args])


@pytest.mark.django_db
def test_check_search_finds_drifted_arrays_and_rebuild_mends_them(personas) -> None:
    drifted = PersonFactory(organization=personas.org, given_names="María", family_names="Luna")
    PersonFactory(organization=personas.org, given_names="María", family_names="Hernández")
    assert token_sets.check(connection).ok
    result = _check()
    assert result.exit_code == 0, result.stderr
    if not POSTGRES:
        assert "SQLite" in result.stdout
        return
    assert "agree" in result.stdout
    _drift_by_one_statement(drifted)  # one token left, and no array
    assert token_sets.check(connection) == token_sets.Check(triggers=4, differences=1)
    token_sets.rebuild(connection)
    assert token_sets.check(connection).ok
    reindex_person(drifted)  # all of her tokens again
    assert token_sets.check(connection).ok
    with connection.cursor() as cursor:  # and a delete the triggers do not see
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # ALTER refuses pending FK checks
        cursor.execute(
            "ALTER TABLE people_personnametoken DISABLE TRIGGER people_name_token_set_remove"
        )
        cursor.execute("DELETE FROM people_personnametoken WHERE person_id = %s", [drifted.pk])
    assert token_sets.check(connection) == token_sets.Check(triggers=3, differences=1)
    result = _check()
    assert result.exit_code == 1
    assert "1 people's name-search arrays differ" in result.stderr
    assert "3 of 4 triggers on" in result.stderr
    # The stale array still names the person whose tokens are gone: a search trusts it.
    assert drifted.pk in queries._people_with_all([_digests("maria"), _digests("luna")], 10)
    result = _check("--rebuild")
    assert result.exit_code == 0, result.stderr
    assert "Rebuilt: the arrays agree" in result.stdout
    assert token_sets.check(connection).ok
    assert queries._people_with_all([_digests("maria"), _digests("luna")], 10) == []
    _assert_in_step()


@pytest.mark.django_db
def test_a_session_with_an_empty_search_path_still_keeps_the_arrays(personas) -> None:
    person = PersonFactory(organization=personas.org, given_names="Ana", family_names="Luna")
    if not POSTGRES:
        assert not _table_exists()
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_schema()")
        schema = cursor.fetchone()[0]
        cursor.execute("SET LOCAL search_path = ''")
        cursor.execute(
            f'DELETE FROM "{schema}".people_personnametoken WHERE person_id = %s',  # noqa: S608
            [person.pk],
        )
        cursor.execute("RESET search_path")
    assert str(person.pk) not in _sets()
    _assert_in_step()
