"""Key rotation re-encrypts everything under the new key, resumably; the CLI group."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.test import override_settings

from mppdesk.cases import services as case_services
from mppdesk.core.commands import keys_group
from mppdesk.core.keys import encrypted_columns, rotate_keys
from mppdesk.lib import crypto
from mppdesk.people import services
from mppdesk.people.queries import search_people

pytestmark = pytest.mark.django_db


def _stored() -> dict[tuple[str, str, object], str]:
    """Every stored ciphertext, by (table, column, pk) (empty values are stored empty)."""
    values = {}
    for model, field in encrypted_columns():
        for pk, stored in model._base_manager.values_list("pk", field.attname):
            if stored:
                values[(model._meta.db_table, field.column, pk)] = stored
    return values


def _register(personas, n: int) -> list:
    people = []
    for i in range(n):
        person = services.create_person(
            actor=personas.caseworker,
            organization=personas.org,
            data={
                "given_names": f"Rosa {chr(65 + i)}",
                "family_names": "Hernández",
                "birth_date": f"199{i % 10}-01-0{1 + i % 9}",
                "notes": "nota",
            },
            contacts=[{"kind": "phone", "value": f"+52656123{4000 + i}", "consent": True}],
        )
        case_services.open_case(
            actor=personas.caseworker,
            organization=personas.org,
            a_number=f"2015550{i:02d}",
            lead=person,
        )
        people.append(person)
    return people


def _new_ring() -> dict[str, str]:
    return {"FIELD_KEYS": f"2:{crypto.generate_key()},{settings.FIELD_KEYS}"}


def test_rotation_changes_every_ciphertext_and_keeps_every_record_readable(personas):
    people = _register(personas, 3)
    before = _stored()
    assert before and all(v.startswith("1$") for v in before.values())
    with override_settings(**_new_ring()):
        result = rotate_keys(batch_size=2)
        after = _stored()
        assert result.total == len(before)
        assert after.keys() == before.keys()
        assert all(after[k] != before[k] and after[k].startswith("2$") for k in before)
        for person in people:
            from mppdesk.people.models import Person

            loaded = Person.objects.get(pk=person.pk)
            assert (loaded.given_names, loaded.family_names) == (
                person.given_names,
                person.family_names,
            )
            assert loaded.contact_points.get().value == person.contact_points.get().value
            assert loaded.led_cases.get().a_number.startswith("2015550")
        # Blind indexes have their own key: search works before and after.
        assert len(search_people(personas.caseworker, "Hernandez")) == 3
        assert rotate_keys().total == 0  # nothing left to do


def test_interrupted_rotation_resumes_where_it_stopped(personas):
    _register(personas, 4)
    before = _stored()
    with override_settings(**_new_ring()):
        batches = []

        def crash_after_first_batch(column: str, done: int) -> None:
            batches.append(done)
            raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            rotate_keys(batch_size=3, progress=crash_after_first_batch)
        assert batches == [3]
        halfway = _stored()
        assert sum(v.startswith("2$") for v in halfway.values()) == 3
        # The app keeps reading both versions meanwhile.
        assert len(search_people(personas.caseworker, "Rosa")) == 4
        result = rotate_keys(batch_size=3)
        assert result.total == len(before) - 3
        assert all(v.startswith("2$") for v in _stored().values())


def test_keys_cli_generate_and_rotate(personas):
    runner = CliRunner()
    generated = runner.invoke(keys_group, ["generate"])
    assert generated.exit_code == 0
    assert len(crypto.parse_field_keys(f"3:{generated.output.strip()}")) == 1
    _register(personas, 1)
    with override_settings(FIELD_KEYS=f"3:{generated.output.strip()},{settings.FIELD_KEYS}"):
        result = runner.invoke(keys_group, ["rotate", "--batch-size", "50"])
        assert result.exit_code == 0, result.output
        assert "under key version 3" in result.output
        assert all(v.startswith("3$") for v in _stored().values())
