"""Blind-index key rotation: every digest is recomputed under the new index key version,
resumably, while every lookup keeps finding rows indexed under either version."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient
from mppdesk.cases import services as case_services
from mppdesk.cases.models import A_NUMBER_PURPOSE, Case
from mppdesk.core.commands import keys_group
from mppdesk.core.errors import FieldErrors
from mppdesk.core.keys import (
    TOKENS,
    blind_index_columns,
    index_version_usage,
    pending_index_work,
    rotate_index,
)
from mppdesk.lib import crypto
from mppdesk.people import services
from mppdesk.people.importer import import_people
from mppdesk.people.models import (
    CONTACT_PURPOSE,
    ContactPoint,
    Person,
    PersonNameToken,
    contact_index,
)
from mppdesk.people.queries import possible_duplicates, search_people
from mppdesk.people.services import name_token_digests

pytestmark = pytest.mark.django_db

NAMES = [
    ("Rosa", "Hernández Cruz"),
    ("Yesenia", "López Mejía"),
    ("Marisol", "Quintanilla"),
    ("Guadalupe", "Zelaya Rivas"),
    ("Itzel", "Barahona"),
    ("Wendy", "Castellanos"),
]


def _register(personas: Any, numbers: range) -> list[Person]:
    people = []
    for i in numbers:
        given, family = NAMES[i]
        person = services.create_person(
            actor=personas.caseworker,
            organization=personas.org,
            data={
                "given_names": given,
                "family_names": family,
                "other_names": [f"La {given}"],
                "birth_date": _birth(i),
            },
            contacts=[{"kind": "phone", "value": _phone(i), "consent": True}],
        )
        case_services.open_case(
            actor=personas.caseworker,
            organization=personas.org,
            a_number=_anumber(i),
            lead=person,
        )
        people.append(person)
    return people


def _birth(i: int) -> str:
    return f"199{i}-0{1 + i}-1{i}"


def _phone(i: int) -> str:
    return f"+52656123{4000 + i}"


def _anumber(i: int) -> str:
    return f"2015550{i:02d}"


def _ring_with_new_version() -> tuple[str, int]:
    """The configured index ring with a new version put first, as an operator would."""
    ring = crypto.parse_index_keys(settings.INDEX_KEY)
    version = max(v for v, _key in ring) + 1
    old = ",".join(f"{v}:{base64.b64encode(key).decode()}" for v, key in ring)
    return f"{version}:{crypto.generate_key()},{old}", version


@pytest.fixture
def new_ring() -> Iterator[tuple[str, int]]:
    spec, version = _ring_with_new_version()
    with override_settings(INDEX_KEY=spec):
        yield spec, version


def _versions() -> dict[str, set[int]]:
    """The index key versions found in each blind-index column and the name tokens."""
    found: dict[str, set[int]] = {}
    for model, fld in blind_index_columns():
        label = f"{model._meta.db_table}.{fld.column}"
        digests = model._base_manager.exclude(**{fld.attname: ""}).values_list(
            fld.attname, flat=True
        )
        versions = {crypto.index_version_of(d) for d in digests}
        if versions:  # a table with no rows yet (the outbox, say) has nothing to rotate
            found[label] = versions
    found[TOKENS] = {
        crypto.index_version_of(d) for d in PersonNameToken.objects.values_list("bidx", flat=True)
    }
    return found


def _assert_everyone_is_found(personas: Any, people: list[Person], numbers: list[int]) -> None:
    user = personas.caseworker
    for person, i in zip(people, numbers, strict=True):
        given, family = NAMES[i]
        assert list(search_people(user, f"A{_anumber(i)}")) == [person], "A-number"
        assert list(search_people(user, _phone(i))) == [person], "phone"
        # Accents dropped and a phonetic spelling: the name tokens are matched.
        plain = family.replace("á", "a").replace("é", "e").replace("í", "i").replace("z", "s")
        # (A twin with the same names may be found too.)
        assert person in search_people(user, f"{given.lower()} {plain}"), "name"
        assert list(search_people(user, f"la {given}")) == [person], "other names"
        # The beginnings of names and of the A-number are name tokens and blind indexes too.
        assert person in search_people(user, f"{given[:3]} {family[:4]}"), "name prefixes"
        assert person in search_people(user, _anumber(i)[:5]), "A-number prefix"
        assert (
            Case.objects.filter(
                a_number_bidx__in=crypto.lookup_digests(A_NUMBER_PURPOSE, _anumber(i))
            )
            .get()
            .lead_id
            == person.pk
        )


# --- the key ring ---------------------------------------------------------------------------


def test_the_single_key_format_is_version_1_and_its_digests_are_unchanged():
    key = crypto.generate_key()
    raw = base64.b64decode(key)
    ring = crypto.KeyRing.from_strings(f"1:{crypto.generate_key()}", key)
    assert (ring.index_current, ring.index_versions, ring.index_key) == (1, (1,), raw)
    legacy = hmac.new(raw, b"contact\x00+526561234567", hashlib.sha256).hexdigest()
    assert ring.blind_index("contact", "+526561234567") == legacy[: crypto.INDEX_HEX]
    # The same key written as "1:<key>" is the same ring.
    assert crypto.parse_index_keys(f"1:{key}") == crypto.parse_index_keys(key) == [(1, raw)]


def test_a_versioned_ring_prefixes_its_digests_and_looks_up_under_every_version():
    new, old = crypto.generate_key(), crypto.generate_key()
    ring = crypto.KeyRing.from_strings(f"1:{crypto.generate_key()}", f"2:{new},1:{old}")
    assert (ring.index_current, ring.index_versions) == (2, (2, 1))
    digest = ring.blind_index("a_number", "012345678")
    expected = hmac.new(base64.b64decode(new), b"a_number\x00012345678", hashlib.sha256)
    assert digest == "2$" + expected.hexdigest()[:30]
    assert len(digest) == crypto.INDEX_HEX and crypto.index_version_of(digest) == 2
    old_digest = ring.blind_index("a_number", "012345678", version=1)
    assert "$" not in old_digest and crypto.index_version_of(old_digest) == 1
    assert ring.lookup_digests("a_number", "012345678") == (digest, old_digest)


def test_bad_index_key_configuration_is_refused():
    key = crypto.generate_key()
    for spec in ("", "short", f"x:{key}", f"2:{key},2:{key}", f"0:{key}", f"1000:{key}"):
        with pytest.raises(ImproperlyConfigured):
            crypto.parse_index_keys(spec)


def test_one_version_means_one_digest_per_lookup():
    assert len(crypto.keyring().index_versions) == 1
    value = "+526561234567"
    assert crypto.lookup_digests(CONTACT_PURPOSE, value) == (contact_index(value),)
    assert crypto.lookup_table(CONTACT_PURPOSE, [value, "+526561234568"]) == {
        contact_index(value): value,
        contact_index("+526561234568"): "+526561234568",
    }


def test_generate_prints_the_next_index_version(new_ring):
    _spec, version = new_ring
    result = CliRunner().invoke(keys_group, ["generate", "--index"])
    assert result.exit_code == 0, result.output
    entry = result.output.splitlines()[0]
    [(parsed_version, _key)] = crypto.parse_index_keys(entry)
    assert parsed_version == version + 1
    assert entry.startswith(f"{version + 1}:")


# --- rotation -------------------------------------------------------------------------------


def test_rotation_recomputes_every_blind_index_and_name_token(personas, new_ring):
    _spec, version = new_ring
    # Written under the old version: the configured ring without the new key.
    with override_settings(INDEX_KEY=new_ring[0].split(",", 1)[1]):
        people = _register(personas, range(3))
        assert set().union(*_versions().values()) == {version - 1}
    tokens_before = PersonNameToken.objects.count()

    assert {label: n for label, n in pending_index_work().items() if n} == {
        "people_person.dedupe_bidx": 3,
        "people_contactpoint.value_bidx": 3,
        "cases_case.a_number_bidx": 3,
        **{f"cases_case.a_number_p{n}_bidx": 3 for n in (4, 5, 6, 7)},
        TOKENS: 3,
    }
    result = rotate_index(batch_size=2)

    assert result.complete and not result.conflicts
    assert {label: n for label, n in result.recomputed.items() if n} == {
        "people_person.dedupe_bidx": 3,
        "people_contactpoint.value_bidx": 3,
        "cases_case.a_number_bidx": 3,
        **{f"cases_case.a_number_p{n}_bidx": 3 for n in (4, 5, 6, 7)},
        TOKENS: 3,
    }
    assert all(found == {version} for found in _versions().values())
    assert PersonNameToken.objects.count() == tokens_before
    for person in people:
        loaded = Person.objects.get(pk=person.pk)
        assert loaded.dedupe_bidx == crypto.blind_index("dedupe", loaded.dedupe_material)
        assert set(loaded.name_tokens.values_list("bidx", flat=True)) == set(
            name_token_digests(loaded.given_names, loaded.family_names, loaded.other_names)
        )
        contact = loaded.contact_points.get()
        assert contact.value_bidx == contact_index(contact.value)
        case = loaded.led_cases.get()
        assert case.a_number_bidx == crypto.blind_index(A_NUMBER_PURPOSE, case.a_number)
    _assert_everyone_is_found(personas, people, [0, 1, 2])
    assert rotate_index().total == 0
    assert all(n == 0 for n in pending_index_work().values())


def test_lookups_work_mid_rotation_and_resuming_finishes_the_job(personas, new_ring, tmp_path):
    spec, version = new_ring
    with override_settings(INDEX_KEY=spec.split(",", 1)[1]):
        old_people = _register(personas, range(4))

    batches: list[tuple[str, int]] = []

    def interrupt_after_one_batch(label: str, done: int) -> None:
        batches.append((label, done))
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rotate_index(batch_size=1, progress=interrupt_after_one_batch)
    assert len(batches) == 1 and batches[0][1] == 1
    # The application keeps registering people meanwhile, under the new version.
    new_people = _register(personas, range(4, 6))
    assert all(found == {version - 1, version} for found in _versions().values())

    # Search by A-number, phone and name finds people under either version.
    _assert_everyone_is_found(personas, old_people + new_people, list(range(6)))
    client = ApiClient(create_api_token(actor=None, user=personas.caseworker, name="t")[1])
    for person, i in ((old_people[3], 3), (new_people[0], 4)):
        body = client.post("/api/v1/cases/search", {"a_number": _anumber(i)}).json()
        assert [c["lead_id"] for c in body["items"]] == [str(person.pk)], body

    # Duplicate detection across versions: a twin registered now (new version) and a
    # person whose digest the interrupted run has not recomputed (old version).
    def indexed_under_old_version(person: Person) -> bool:
        return not any(
            "$" in digest
            for digest in (
                Person.objects.get(pk=person.pk).dedupe_bidx,
                ContactPoint.objects.get(person=person).value_bidx,
                Case.objects.get(lead=person).a_number_bidx,
            )
        )

    original = next(p for p in old_people if indexed_under_old_version(p))
    index = old_people.index(original)
    twin = services.create_person(
        actor=personas.caseworker,
        organization=personas.org,
        data={
            "given_names": NAMES[index][0],
            "family_names": NAMES[index][1],
            "birth_date": _birth(index),
        },
    )
    assert crypto.index_version_of(twin.dedupe_bidx) == version
    assert list(possible_duplicates(twin)) == [original]
    assert twin in possible_duplicates(original)

    # The services' own duplicate checks see old digests too.
    with pytest.raises(FieldErrors) as refused:
        case_services.open_case(
            actor=personas.caseworker,
            organization=personas.org,
            a_number=_anumber(index),
            lead=twin,
        )
    assert "a_number" in refused.value.errors
    with pytest.raises(FieldErrors) as refused:
        services.add_contact_point(
            actor=personas.caseworker,
            person=original,
            kind="phone",
            value=_phone(index),
            consent=True,
        )
    assert "value" in refused.value.errors

    # The importer's duplicate checks (A-number and name + birth) match both versions.
    path = Path(tmp_path) / "people.csv"
    path.write_text(
        "nombre,apellidos,fecha_nacimiento,nacionalidad,telefono,numero_a,hogar,parentesco\n"
        f"Ana,Pérez,1990-01-02,HND,,A{_anumber(index)},,\n"
        f"Zoila,Nueva,1991-02-03,HND,,A{_anumber(4)},,\n"
        f"{NAMES[5][0]},{NAMES[5][1]},{_birth(5)},HND,,,,\n"
        f"{NAMES[index][0]},{NAMES[index][1]},{_birth(index)},HND,,,,\n",
        encoding="utf-8",
    )
    report = import_people(path, actor=personas.caseworker, organization=personas.org, dry_run=True)
    assert [(d.row, d.column) for d in report.duplicates] == [
        (2, "numero_a"),
        (3, "numero_a"),
        (4, "nombre"),
        (5, "nombre"),
    ], report.duplicates

    # Resuming finishes the job; every lookup still works, then without the old key too.
    result = rotate_index(batch_size=2)
    assert result.complete
    assert all(found == {version} for found in _versions().values())
    assert all(n == 0 for n in index_version_usage(version - 1).values())
    _assert_everyone_is_found(personas, old_people + new_people, list(range(6)))
    with override_settings(INDEX_KEY=spec.split(",", 1)[0]):
        _assert_everyone_is_found(personas, old_people + new_people, list(range(6)))
        assert twin in possible_duplicates(original)


def test_a_collision_between_versions_is_reported_not_forced(personas, new_ring):
    spec, version = new_ring
    with override_settings(INDEX_KEY=spec.split(",", 1)[1]):
        [person] = _register(personas, range(1))
    old = person.contact_points.get()
    # The same number again under the new version, as a race between two writers could
    # leave it: the unique constraint cannot see it until the old digest is recomputed.
    twin = ContactPoint.objects.create(person=person, kind="phone", value=_phone(0))

    result = rotate_index()

    assert result.conflicts == {"people_contactpoint.value_bidx": [old.pk]}
    assert not result.complete and result.left["people_contactpoint.value_bidx"] == 1
    assert all(found == {version} for label, found in _versions().items() if "contact" not in label)
    runner = CliRunner()
    refused = runner.invoke(keys_group, ["retire-index", str(version - 1)])
    assert refused.exit_code == 1 and "still in use" in refused.output

    old.delete()  # the merge
    assert twin.pk != old.pk
    assert rotate_index().complete
    assert runner.invoke(keys_group, ["retire-index", str(version - 1)]).exit_code == 0


# --- the commands ---------------------------------------------------------------------------


def test_rotate_index_and_retire_index_commands(personas, new_ring):
    spec, version = new_ring
    with override_settings(INDEX_KEY=spec.split(",", 1)[1]):
        people = _register(personas, range(2))
    runner = CliRunner()

    refused = runner.invoke(keys_group, ["retire-index", str(version - 1)])
    assert refused.exit_code == 1
    assert f"Index key version {version - 1} is still in use" in refused.output
    assert "people_personnametoken.bidx: " in refused.output
    current = runner.invoke(keys_group, ["retire-index", str(version)])
    assert current.exit_code == 1 and "is the current one" in current.output

    rotated = runner.invoke(keys_group, ["rotate-index", "--batch-size", "1"])
    assert rotated.exit_code == 0, rotated.output
    assert f"index key version {version} is current" in rotated.output
    assert "older versions can be retired" in rotated.output

    retired = runner.invoke(keys_group, ["retire-index", str(version - 1)])
    assert retired.exit_code == 0, retired.output
    assert f"No blind index uses index key version {version - 1}" in retired.output
    with override_settings(INDEX_KEY=spec.split(",", 1)[0]):
        _assert_everyone_is_found(personas, people, [0, 1])
        again = runner.invoke(keys_group, ["rotate-index"])
        assert again.exit_code == 0 and "0 recomputed" in again.output
