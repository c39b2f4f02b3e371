"""Encrypted fields: plaintext on the instance, authenticated ciphertext in the database."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test import override_settings

from mppdesk.cases.models import Case, CaseEvent, anumber_index
from mppdesk.core.bulk import BulkRows
from mppdesk.lib import crypto
from mppdesk.people import services
from mppdesk.people.models import ContactPoint, Person, PersonNameToken, contact_index
from mppdesk.testing.factories import CaseFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _raw(model: type, column: str, pk: object) -> str | None:
    """The stored text of one column, bypassing the model."""
    table = model._meta.db_table
    pk_value = pk.hex if isinstance(pk, uuid.UUID) and connection.vendor == "sqlite" else pk
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk_value])  # noqa: S608
        return cursor.fetchone()[0]


def test_keyring_round_trip_and_format():
    ring = crypto.KeyRing.from_strings(f"7:{crypto.generate_key()}", crypto.generate_key())
    token = ring.encrypt("María José", "t.c.1")
    assert token.startswith("7$") and "María" not in token
    assert ring.decrypt(token, "t.c.1") == "María José"
    assert ring.encrypt("María José", "t.c.1") != token  # random nonce


def test_ciphertext_is_bound_to_its_row_and_column():
    ring = crypto.KeyRing.from_strings(f"1:{crypto.generate_key()}", crypto.generate_key())
    token = ring.encrypt("José", "people_person.given_names.a")
    for aad in ("people_person.given_names.b", "people_person.family_names.a"):
        with pytest.raises(crypto.DecryptionError):
            ring.decrypt(token, aad)


def test_tampered_or_unknown_version_fails():
    ring = crypto.KeyRing.from_strings(f"1:{crypto.generate_key()}", crypto.generate_key())
    token = ring.encrypt("José", "x")
    body = token[2:]
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    for bad in ("1$" + flipped, "9$" + body, "garbage"):
        with pytest.raises(crypto.DecryptionError):
            ring.decrypt(bad, "x")


def test_bad_key_configuration_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    for spec in ("", "1:short", "x:" + crypto.generate_key(), f"1:{crypto.generate_key()},1:x"):
        with pytest.raises(ImproperlyConfigured):
            crypto.parse_field_keys(spec)


def test_person_is_stored_encrypted_and_read_back_in_plaintext(personas):
    person = PersonFactory(
        organization=personas.org,
        given_names="Yesenia",
        family_names="Hernández Cruz",
        other_names=["La Güera"],
        birth_date=dt.date(1990, 5, 17),
        notes="Llegó con su hija.",
    )
    for column, plain in (
        ("given_names", "Yesenia"),
        ("family_names", "Hernández"),
        ("other_names", "Güera"),
        ("birth_date", "1990-05-17"),
        ("notes", "hija"),
    ):
        stored = _raw(Person, column, person.pk)
        assert stored.startswith(crypto.keyring().current_prefix)
        assert plain not in stored
    loaded = Person.objects.get(pk=person.pk)
    assert (loaded.given_names, loaded.family_names, loaded.other_names) == (
        "Yesenia",
        "Hernández Cruz",
        ["La Güera"],
    )
    assert loaded.birth_date == dt.date(1990, 5, 17) and loaded.notes == "Llegó con su hija."
    assert loaded.birth_year == 1990  # plaintext, for de-identified statistics


def test_ciphertext_moved_to_another_row_does_not_decrypt(personas):
    a = PersonFactory(organization=personas.org, given_names="Ana")
    b = PersonFactory(organization=personas.org, given_names="Bea")
    stolen = crypto.Ciphertext(_raw(Person, "given_names", a.pk))
    Person.objects.filter(pk=b.pk).update(given_names=stolen)
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=b.pk)
    # ... nor into another column of the same row
    Person.objects.filter(pk=a.pk).update(family_names=stolen)
    with pytest.raises(crypto.DecryptionError):
        Person.objects.get(pk=a.pk)


def test_plaintext_cannot_be_written_by_update(personas):
    person = PersonFactory(organization=personas.org)
    with pytest.raises(ValueError, match="encrypted"):
        Person.objects.filter(pk=person.pk).update(given_names="Plain")
    person.given_names = "Plain"
    with pytest.raises(ValueError, match="encrypted"):
        Person.objects.bulk_update([person], ["given_names"])


def test_related_rows_are_bound_to_their_parent(personas):
    case = CaseFactory(organization=personas.org, a_number="012345678")
    contact = ContactPoint.objects.create(person=case.lead, kind="phone", value="+526561234567")
    event = CaseEvent.objects.create(
        case=case, kind="note", occurred_at=dt.datetime.now(dt.UTC), summary="Vio a Rosa"
    )
    assert "012345678" not in _raw(Case, "a_number", case.pk)
    assert "6561234567" not in _raw(ContactPoint, "value", contact.pk)
    assert "Rosa" not in _raw(CaseEvent, "summary", event.pk)
    assert Case.objects.get(pk=case.pk).a_number == "012345678"
    assert ContactPoint.objects.get(pk=contact.pk).value == "+526561234567"
    assert CaseEvent.objects.get(pk=event.pk).summary == "Vio a Rosa"
    # Blind indexes are computed on save and match the lookup helpers.
    assert Case.objects.get(a_number_bidx=anumber_index("012345678")) == case
    assert ContactPoint.objects.get(value_bidx=contact_index("+526561234567")) == contact
    # select_related decrypts too.
    assert Case.objects.select_related("lead").get(pk=case.pk).lead.given_names


def test_blind_indexes_are_keyed_and_separated_by_purpose():
    ring = crypto.keyring()
    assert ring.blind_index("contact", "x") != ring.blind_index("a_number", "x")
    other = crypto.KeyRing.from_strings(f"1:{crypto.generate_key()}", crypto.generate_key())
    assert other.blind_index("contact", "x") != ring.blind_index("contact", "x")
    assert len(ring.blind_index("contact", "x")) == crypto.INDEX_HEX


def test_bulk_rows_encrypt_with_the_bound_row(personas):
    pid = uuid.uuid4()
    now = dt.datetime.now(dt.UTC)
    people = BulkRows(
        Person,
        ["id", "created_at", "updated_at", "organization", "given_names", "family_names",
         "other_names", "birth_date", "notes", "sex", "nationality", "vulnerabilities",
         "dedupe_bidx"],
    )  # fmt: skip
    people.add(
        pid, now, now, personas.org.pk, "Lucía", "Mejía", ["Lu"], dt.date(2001, 2, 3), "",
        "F", "HND", [], "",
    )  # fmt: skip
    people.insert(100)
    contacts = BulkRows(
        ContactPoint,
        ["created_at", "updated_at", "person", "kind", "value", "value_bidx", "consent",
         "opted_out"],
    )  # fmt: skip
    contacts.add(now, now, pid, "phone", "+526561112233", "", False, False)
    contacts.insert(100)
    person = Person.objects.get(pk=pid)
    assert (person.given_names, person.other_names, person.birth_date) == (
        "Lucía",
        ["Lu"],
        dt.date(2001, 2, 3),
    )
    assert person.contact_points.get().value == "+526561112233"
    assert "Lucía" not in _raw(Person, "given_names", pid)


def test_bulk_rows_need_the_bound_column():
    rows = BulkRows(ContactPoint, ["kind", "value"])
    rows.add("phone", "+526561112233")
    with pytest.raises(ValueError, match="person_id"):
        rows.insert(10)


def test_reindex_person_follows_the_current_names(personas):
    person = PersonFactory(organization=personas.org, given_names="Ana", family_names="Ruiz")
    before = set(person.name_tokens.values_list("bidx", flat=True))
    person.given_names = "Beatriz"
    person.save()
    services.reindex_person(person)
    after = set(PersonNameToken.objects.filter(person=person).values_list("bidx", flat=True))
    # beatriz, ruiz, and their beginnings from 3 letters (bea…beatriz, rui, ruiz)
    assert after == set(services.name_token_digests("Beatriz", "Ruiz", []))
    assert after != before and len(after) == 2 + 5 + 2


def test_encryption_off_stores_plaintext_through_the_same_code(personas):
    with override_settings(FIELD_ENCRYPTION=False):
        person = PersonFactory(organization=personas.org, given_names="Clara")
        assert _raw(Person, "given_names", person.pk) == "Clara"
        assert Person.objects.get(pk=person.pk).given_names == "Clara"


def test_blind_index_is_standard_hmac_sha256():
    import hashlib
    import hmac

    ring = crypto.KeyRing.from_strings(f"1:{crypto.generate_key()}", crypto.generate_key())
    expected = hmac.new(ring.index_key, b"contact\x00+526561234567", hashlib.sha256).hexdigest()
    assert ring.blind_index("contact", "+526561234567") == expected[: crypto.INDEX_HEX]


def test_empty_values_are_stored_empty(personas):
    person = PersonFactory(organization=personas.org, family_names="", notes="", other_names=[])
    assert _raw(Person, "notes", person.pk) == ""
    assert _raw(Person, "other_names", person.pk) == ""
    loaded = Person.objects.get(pk=person.pk)
    assert (loaded.family_names, loaded.notes, loaded.other_names) == ("", "", [])


def test_deleting_a_person_deletes_their_name_tokens(personas):
    person = PersonFactory(organization=personas.org, given_names="Ana", family_names="Ruiz")
    assert PersonNameToken.objects.filter(person=person).count() == 2 + 3  # + ana, rui, ruiz
    person.delete()
    assert not PersonNameToken.objects.exists()
