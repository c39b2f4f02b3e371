"""The importer's fast write path stores exactly what the ORM would.

Rows go in through ``core.bulk.BulkRows`` (executemany on SQLite, COPY in text format on
PostgreSQL), bypassing ``save()``. These tests read imported rows back through the ORM and
compare them with a person created by the ordinary service, on whichever database runs.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st

from mppdesk.cases.models import Case, CaseEvent, anumber_index
from mppdesk.core.bulk import BulkRows, copy_formatter
from mppdesk.lib.dates import DateError, cached_birth_dates, parse_birth_date
from mppdesk.people import importer
from mppdesk.people.importer import import_people
from mppdesk.people.models import ContactPoint, Person, PersonNameToken, contact_index
from mppdesk.people.services import create_person, name_token_digests

HEADER = (
    "nombre,apellidos,otros_nombres,fecha_nacimiento,sexo,nacionalidad,idiomas,"
    "vulnerabilidades,telefono,consentimiento,numero_a,hogar,parentesco,notas"
)
# Notes with every character COPY's text format escapes (tab, newline, carriage return,
# backslash), a quote and accents; other names and vulnerabilities become JSON.
ROWS = [
    'María José,Hernández Cruz,"Majo; La Güera",14/03/1988,F,Honduras,"español, mam",'
    'embarazada,656 123 4567,sí,A201-555-101,H-1,titular,"línea 1\nlínea\t2 \\ fin ""ok""\r"',
    "Josué,Mejía Hernández,,2015-07-21,M,HND,español,niño,,no,,H-1,hijo,",
]


def _tokens(person: Person) -> set[str]:
    return set(PersonNameToken.objects.filter(person=person).values_list("bidx", flat=True))


def test_imported_person_reads_back_like_an_orm_created_one(personas, tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    report = import_people(path, actor=personas.caseworker, organization=personas.org)
    assert report.ok and report.written, report.as_dict()

    imported = Person.objects.get(organization=personas.org, birth_year=1988)
    assert imported.given_names == "María José"
    assert imported.notes == 'línea 1\nlínea\t2 \\ fin "ok"'
    assert imported.other_names == ["Majo", "La Güera"]
    assert imported.vulnerabilities == ["pregnant"]

    reference = create_person(
        actor=personas.caseworker,
        organization=personas.other_org,
        data={
            "given_names": "María José",
            "family_names": "Hernández Cruz",
            "other_names": "Majo; La Güera",
            "birth_date": "1988-03-14",
            "sex": "F",
            "nationality": "Honduras",
            "languages": "español, mam",
            "vulnerabilities": "embarazada",
            "notes": 'línea 1\nlínea\t2 \\ fin "ok"',
        },
        contacts=[{"kind": "phone", "value": "+52 656 123 4567", "consent": True}],
    )
    reference = Person.objects.get(pk=reference.pk)
    for name in (
        "given_names",
        "family_names",
        "other_names",
        "birth_date",
        "birth_year",
        "sex",
        "nationality",
        "vulnerabilities",
        "notes",
        "dedupe_bidx",
    ):
        assert getattr(imported, name) == getattr(reference, name), name
    assert _tokens(imported) == _tokens(reference)
    assert list(imported.languages.order_by("code").values_list("code", "preferred")) == list(
        reference.languages.order_by("code").values_list("code", "preferred")
    )
    contact = imported.contact_points.get()
    ref_contact = reference.contact_points.get()
    assert (contact.kind, contact.value, contact.value_bidx, contact.consent) == (
        ref_contact.kind,
        ref_contact.value,
        ref_contact.value_bidx,
        ref_contact.consent,
    )
    assert contact.value_bidx == contact_index("+526561234567")
    assert contact.consent_recorded_at is not None and contact.opted_out is False

    case = Case.objects.get(organization=personas.org)
    assert case.a_number == "201555101" and case.a_number_bidx == anumber_index("201555101")
    assert case.lead_id == imported.pk
    assert {m.person.given_names for m in case.members.select_related("person")} == {
        "María José",
        "Josué",
    }
    event = CaseEvent.objects.get(case=case)
    assert event.data == {"row": 2, "riders": 1}
    assert abs(event.occurred_at - timezone.now()) < dt.timedelta(minutes=5)


def test_bulk_rows_store_awkward_values_as_the_orm_does(personas) -> None:
    pid = uuid.uuid4()
    now = timezone.now()
    notes = "tab\there\nnew line\\back slash\rend"
    people = BulkRows(
        Person,
        ["id", "created_at", "updated_at", "organization", "given_names", "family_names",
         "other_names", "birth_date", "birth_year", "notes", "sex", "nationality",
         "vulnerabilities", "dedupe_bidx", "created_by"],
    )  # fmt: skip
    people.add(
        pid, now, now, personas.org.pk, "Zoë\\", "", [], None, None, notes, "X", "",
        ["a\tb", {"nested": "\\"}], "", None,
    )  # fmt: skip
    people.insert(10)
    person = Person.objects.get(pk=pid)
    assert (person.given_names, person.family_names, person.other_names) == ("Zoë\\", "", [])
    assert person.notes == notes and person.birth_date is None and person.birth_year is None
    assert person.vulnerabilities == ["a\tb", {"nested": "\\"}]
    assert person.created_by_id is None and person.created_at == now


@pytest.mark.parametrize(
    ("value", "text"),
    [("a\tb", "a\\tb"), ("a\\b", "a\\\\b"), ("x\ny\rz", "x\\ny\\rz"), (None, "\\N"), ("", "")],
)
def test_copy_text_escapes_what_copy_reads_as_syntax(value: str | None, text: str) -> None:
    assert copy_formatter(Person._meta.get_field("nationality"))(value) == text


def test_copy_text_of_other_types() -> None:
    assert copy_formatter(ContactPoint._meta.get_field("consent"))(True) == "t"
    assert copy_formatter(ContactPoint._meta.get_field("consent"))(False) == "f"
    pid = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert copy_formatter(ContactPoint._meta.get_field("person"))(pid) == str(pid)
    json_text = copy_formatter(Person._meta.get_field("vulnerabilities"))
    assert json_text(["pregnant"]) == '["pregnant"]'
    assert json_text(["pregnant"]) == '["pregnant"]'  # the memo gives the same text
    assert json_text({"k": "a\nb"}) == '{"k": "a\\\\nb"}'


def test_birth_date_cache_keeps_errors_in_the_active_language() -> None:
    today = dt.date(2026, 1, 1)
    with cached_birth_dates():
        assert parse_birth_date("14/03/1988", "DMY", today=today) is parse_birth_date(
            "14/03/1988", "DMY", today=today
        )
        for language, word in (("en", "future"), ("es", "futuro"), ("en", "future")):
            with translation.override(language), pytest.raises(DateError, match=word):
                parse_birth_date("2027-01-01", today=today)


def test_dates_of_birth_are_not_kept_after_the_import() -> None:
    today = dt.date(2026, 1, 1)
    with cached_birth_dates():
        parse_birth_date("14/03/1988", "DMY", today=today)
    assert parse_birth_date("14/03/1988", "DMY", today=today) is not parse_birth_date(
        "14/03/1988", "DMY", today=today
    )


_NAME = st.lists(st.sampled_from(["José", "jose", "María", "Pérez", "PEREZ", "Ana-Luz", "K'iche"]))


@settings(max_examples=60, deadline=None)
@given(given_parts=_NAME, family_parts=_NAME, other=st.lists(_NAME.map(" ".join), max_size=2))
def test_plan_name_tokens_match_the_service(given_parts, family_parts, other) -> None:  # type: ignore[no-untyped-def]
    """The planner caches digests per name; a person's tokens must stay those the
    services compute for all the names at once (same digests, same order, no repeats)."""
    given_names, family_names = " ".join(given_parts) or "Ana", " ".join(family_parts)
    row = importer.Row(line=2)
    row.person = importer.PersonData(
        given_names=given_names, family_names=family_names, other_names=other
    )
    unit = [row, row]  # the second person repeats every name: served from the cache

    class _Org:
        pk = 1

    plan = importer.plan_import([unit], _Org(), None)  # type: ignore[arg-type]
    expected = name_token_digests(given_names, family_names, other)
    per_person: dict[uuid.UUID, list[str]] = {}
    for person_id, bidx in plan.name_tokens.rows:
        per_person.setdefault(person_id, []).append(bidx)
    assert list(per_person.values()) == [expected, expected]


def test_postgresql_import_goes_through_copy(personas, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the rows go in with COPY; on SQLite with executemany."""
    statements: list[str] = []
    original = BulkRows.copy_statement

    def spy(self: BulkRows) -> str:
        statements.append(original(self))
        return statements[-1]

    monkeypatch.setattr(BulkRows, "copy_statement", spy)
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    report = import_people(path, actor=personas.caseworker, organization=personas.org)
    assert report.written
    if connection.vendor == "postgresql":
        assert any("people_person" in s for s in statements)
    else:
        assert statements == []


def test_cycle_collection_is_paused_during_an_import_and_restored(
    personas, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    import gc

    seen: list[bool] = []
    original = importer.Validator.validate_rows

    def spy(self, progress):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return original(self, progress)

    monkeypatch.setattr(importer.Validator, "validate_rows", spy)
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "\n" + "\n".join(ROWS) + "\n", encoding="utf-8")
    assert gc.isenabled()
    assert import_people(path, actor=personas.caseworker, organization=personas.org).written
    assert seen == [False] and gc.isenabled()

    def broken(self, progress):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(importer.Validator, "validate_rows", broken)
    with pytest.raises(RuntimeError):
        import_people(path, actor=personas.caseworker, organization=personas.org)
    assert gc.isenabled()
