"""The canonical form of an entry, exactly as documented on ``AuditEntry``."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.audit import chain

AT = dt.datetime(2026, 1, 31, 14, 5, 9, 123, tzinfo=dt.UTC)


def test_canonical_form_is_compact_sorted_ascii_json():
    text = chain.canonical(
        seq=42, at=AT, actor_id=7, organization_id=2, action="view", object_type="person",
        object_id="3f2b", fields=["a_number", "name"], channel="web", request_id="9c1e",
        ip="203.0.113.9", prev_hash="0" * 64,
    )  # fmt: skip
    assert text == (
        '{"action":"view","actor":7,"at":"2026-01-31T14:05:09.000123Z","channel":"web",'
        '"fields":["a_number","name"],"ip":"203.0.113.9","object_id":"3f2b",'
        '"object_type":"person","organization":2,"prev_hash":"' + "0" * 64 + '",'
        '"request_id":"9c1e","seq":42}'
    )
    assert chain.entry_hash(
        seq=42, at=AT, actor_id=7, organization_id=2, action="view", object_type="person",
        object_id="3f2b", fields=["a_number", "name"], channel="web", request_id="9c1e",
        ip="203.0.113.9", prev_hash="0" * 64,
    ) == hashlib.sha256(text.encode()).hexdigest()  # fmt: skip


def test_time_is_utc_with_six_digit_microseconds_whatever_the_zone():
    local = AT.astimezone(dt.timezone(dt.timedelta(hours=-6)))
    assert chain.canonical_at(local) == "2026-01-31T14:05:09.000123Z"
    assert chain.canonical_at(AT.replace(microsecond=0)) == "2026-01-31T14:05:09.000000Z"


@pytest.mark.parametrize(
    ("stored", "canonical"),
    [
        (None, None),
        ("", None),
        ("203.0.113.9", "203.0.113.9"),
        ("2001:db8::1", "2001:0db8:0000:0000:0000:0000:0000:0001"),
        # PostgreSQL's inet and Python's ipaddress spell mapped addresses differently.
        ("::ffff:1.2.3.4", "0000:0000:0000:0000:0000:ffff:0102:0304"),
        ("::ffff:102:304", "0000:0000:0000:0000:0000:ffff:0102:0304"),
    ],
)
def test_ip_has_one_spelling(stored, canonical):
    assert chain.canonical_ip(stored) == canonical


def test_an_unparsable_client_address_is_not_stored():
    assert chain.storable_ip("unknown") is None
    assert chain.storable_ip("10.0.0.1") == "10.0.0.1"


@given(
    object_id=st.text(max_size=64),
    seq=st.integers(min_value=1, max_value=10**12),
    fields=st.lists(st.text(max_size=20), max_size=4),
    request_id=st.text(max_size=10),
    actor=st.one_of(st.none(), st.integers(min_value=1)),
)
def test_batch_hasher_is_byte_for_byte_the_canonical_form(
    object_id, seq, fields, request_id, actor
):
    common = {
        "at": AT, "actor_id": actor, "organization_id": None, "action": "import",
        "object_type": "persón", "fields": fields, "channel": "cli", "request_id": request_id,
        "ip": "::1",
    }  # fmt: skip
    hasher = chain.BatchHasher(**common)
    prev = "ab" * 32
    assert hasher.canonical(seq=seq, object_id=object_id, prev_hash=prev) == chain.canonical(
        seq=seq, object_id=object_id, prev_hash=prev, **common
    )
    assert hasher.hash(seq=seq, object_id=object_id, prev_hash=prev) == chain.entry_hash(
        seq=seq, object_id=object_id, prev_hash=prev, **common
    )


@given(
    object_id=st.text(max_size=64),
    seq=st.integers(min_value=1, max_value=10**12),
    fields=st.lists(st.text(max_size=20), max_size=4),
    request_id=st.text(max_size=10),
    actor=st.one_of(st.none(), st.integers(min_value=1)),
    organization=st.one_of(st.none(), st.integers(min_value=1)),
    ip=st.sampled_from([None, "10.0.0.1", "::1", "::ffff:10.1.2.3", "2001:db8::7"]),
    at=st.datetimes(timezones=st.just(dt.UTC)),
)
def test_the_parts_around_the_holes_are_the_canonical_form(
    object_id, seq, fields, request_id, actor, organization, ip, at
):
    """What ``audit_append`` puts together on PostgreSQL is ``canonical`` byte for byte."""
    common = {
        "actor_id": actor, "organization_id": organization, "action": "view",
        "object_type": "persón", "fields": fields, "channel": "web",
        "request_id": request_id, "ip": ip,
    }  # fmt: skip
    parts = chain.Parts.of(**common)
    prev = "cd" * 32
    joined = (
        parts[0] + chain.canonical_at(at) + parts[1] + chain.encode_object_id(object_id)
        + parts[2] + prev + parts[3] + str(seq) + "}"
    )  # fmt: skip
    assert joined == chain.canonical(seq=seq, at=at, object_id=object_id, prev_hash=prev,
                                     **common)  # fmt: skip


def test_in_order_takes_the_previous_time_only_a_little_ahead():
    previous = AT
    step = chain.CLOCK_STEP
    tick = dt.timedelta(microseconds=1)
    assert chain.in_order(previous - step, previous) == previous  # the edge: taken
    assert chain.in_order(previous - step - tick, previous) == previous - step - tick
    assert chain.in_order(previous - tick, previous) == previous
    assert chain.in_order(previous, previous) == previous
    assert chain.in_order(previous + tick, previous) == previous + tick
    assert chain.in_order(previous, None) == previous


@given(at=st.text(max_size=3))
def test_an_address_with_a_zone_is_not_stored(at):
    assert chain.storable_ip(f"fe80::1%eth{at}") is None
    assert chain.storable_ip("fe80::1") == "fe80::1"
