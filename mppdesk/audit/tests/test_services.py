"""Writing entries: every one is numbered and chained to the one before."""

from __future__ import annotations

import inspect
import uuid
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from mppdesk.accounts.models import Organization
from mppdesk.audit import chain, services
from mppdesk.audit.models import AuditChainHead, AuditEntry
from mppdesk.audit.verify import verify_chain
from mppdesk.core import context


def _chain_is_one_line() -> list[AuditEntry]:
    entries = list(AuditEntry.objects.order_by("seq"))
    prev = chain.GENESIS
    for number, entry in enumerate(entries, start=1):
        assert entry.seq == number
        assert entry.prev_hash == prev
        assert entry.hash == entry.compute_hash()
        prev = entry.hash
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == ((entries[-1].seq, entries[-1].hash) if entries else (0, prev))
    return entries


def test_signatures_are_unchanged():
    assert list(inspect.signature(services.record).parameters) == [
        "actor", "organization", "action", "object_type", "object_id", "fields",
    ]  # fmt: skip
    assert list(inspect.signature(services.record_many).parameters) == [
        "actor", "organization", "action", "object_type", "object_ids", "fields", "batch_size",
    ]  # fmt: skip


def test_record_appends_to_the_chain(personas):
    first = services.record(actor=personas.caseworker, organization=personas.org,
                            action="view", object_type="person", object_id=uuid.uuid4(),
                            fields=["name", "a_number", "name"])  # fmt: skip
    second = services.record(actor=None, organization=None, action="login",
                             object_type="user", object_id=None)  # fmt: skip
    entries = _chain_is_one_line()
    assert [e.pk for e in entries] == [first.pk, second.pk]
    assert first.fields == ["a_number", "name"]
    assert first.prev_hash == chain.GENESIS and second.prev_hash == first.hash
    assert second.at >= first.at
    stored = AuditEntry.objects.get(pk=first.pk)
    assert stored.hash == stored.compute_hash() == first.hash


def test_record_many_chains_the_batch_after_single_entries(personas):
    services.record(actor=personas.caseworker, organization=personas.org, action="create",
                    object_type="person", object_id=uuid.uuid4())  # fmt: skip
    ids = [uuid.uuid4() for _ in range(2500)]
    token = context.bind(context.RequestContext(request_id="abc123", ip="::ffff:10.1.2.3",
                                                channel="web"))  # fmt: skip
    try:
        written = services.record_many(actor=personas.caseworker, organization=personas.org,
                                       action="import", object_type="person", object_ids=ids,
                                       fields=["name"], batch_size=700)  # fmt: skip
    finally:
        context.reset(token)
    services.record(actor=None, organization=None, action="view", object_type="case",
                    object_id=1)  # fmt: skip
    assert written == 2500
    entries = _chain_is_one_line()
    assert len(entries) == 2502
    assert [e.object_id for e in entries[1:-1]] == [str(i) for i in ids]
    assert {e.request_id for e in entries[1:-1]} == {"abc123"}
    assert verify_chain().ok


def test_record_many_of_nothing_writes_nothing(db):
    assert services.record_many(actor=None, organization=None, action="view",
                                object_type="person", object_ids=[]) == 0  # fmt: skip
    assert not AuditEntry.objects.exists()


def test_a_bad_client_address_is_left_out_not_fatal(db):
    token = context.bind(context.RequestContext(ip="not-an-ip", channel="web"))
    try:
        entry = services.record(actor=None, organization=None, action="view",
                                object_type="person", object_id="x")  # fmt: skip
    finally:
        context.reset(token)
    assert entry.ip is None
    assert verify_chain().ok


def test_the_head_is_rebuilt_from_the_last_entry_when_missing(db):
    """After the test harness's flush the head is gone; the first writer recreates it."""
    from mppdesk.audit.tests.conftest import raw, triggers_dropped

    services.record(actor=None, organization=None, action="view", object_type="person",
                    object_id="a")  # fmt: skip
    with triggers_dropped():
        raw("DELETE FROM audit_auditchainhead")
    services.record(actor=None, organization=None, action="view", object_type="person",
                    object_id="b")  # fmt: skip
    assert len(_chain_is_one_line()) == 2


def test_a_view_is_filed_by_the_records_organization_id_without_reading_it(personas):
    """``record_view`` files a page view under the record's organization from its id:
    the organization itself is not read (one query a page less)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mppdesk.people.models import Person
    from mppdesk.testing.factories import PersonFactory

    person = Person.objects.get(pk=PersonFactory(organization=personas.org).pk)
    with CaptureQueriesContext(connection) as captured:
        entry = services.record_view(
            actor=personas.caseworker, obj=person, object_type="person", fields=["given_names"]
        )
    assert not any("accounts_organization" in q["sql"] for q in captured.captured_queries)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.organization_id == personas.org.pk
    assert stored.hash == stored.compute_hash()
    _chain_is_one_line()


def test_an_entry_is_filed_only_under_an_organization_or_its_id(personas):
    """``record`` takes a saved Organization, its id or None; another model, an unsaved
    organization or a bool is a mistake that would file the entry under a wrong id."""
    by_id = services.record(actor=None, organization=personas.org.pk, action="view",
                            object_type="person", object_id=uuid.uuid4())  # fmt: skip
    assert AuditEntry.objects.get(pk=by_id.pk).organization_id == personas.org.pk
    membership = personas.caseworker.memberships.first()
    unsaved = Organization(name="Nueva", slug="nueva")
    for wrong in (membership, unsaved, True):
        with pytest.raises(TypeError):
            services.record(actor=None, organization=wrong, action="view",  # type: ignore[arg-type]
                            object_type="person", object_id=uuid.uuid4())  # fmt: skip
    _chain_is_one_line()


def _write_all_ways(tag: str) -> None:
    """A single entry, a small batch (``audit_append`` on PostgreSQL) and a large one
    (the Python path on both databases)."""
    services.record(actor=None, organization=None, action="view", object_type="person",
                    object_id=f"{tag}-one")  # fmt: skip
    services.record_many(actor=None, organization=None, action="view", object_type="person",
                         object_ids=[f"{tag}-b1", f"{tag}-b2"])  # fmt: skip
    services.record_many(actor=None, organization=None, action="import", object_type="person",
                         object_ids=[f"{tag}-i{n}" for n in range(30)], batch_size=10)  # fmt: skip


def test_a_clock_a_little_behind_takes_the_previous_entrys_time(personas):
    """Writers racing for the chain head (a clock up to ``CLOCK_STEP`` behind the last
    entry's) file their entries at that entry's time: times along the chain stay in
    order, whichever path writes."""
    import datetime as dt

    import time_machine

    ahead = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
    with time_machine.travel(ahead, tick=False):
        first = services.record(actor=personas.caseworker, organization=personas.org,
                                action="view", object_type="person", object_id="ahead")  # fmt: skip
    behind = ahead - chain.CLOCK_STEP + dt.timedelta(milliseconds=1)
    with time_machine.travel(behind, tick=False):
        _write_all_ways("behind")
    entries = _chain_is_one_line()
    assert first.at == ahead
    assert [e.at for e in entries] == [ahead] * len(entries)
    assert verify_chain().ok


def test_a_clock_far_off_keeps_its_own_time_and_pins_nobody(personas):
    """A machine whose clock is an hour ahead does not drag every later entry, from every
    machine, to its time; one an hour behind shows on its own entries."""
    import datetime as dt

    import time_machine

    real = timezone.now()
    with time_machine.travel(real + dt.timedelta(hours=1), tick=False):
        fast = services.record(actor=None, organization=None, action="view",
                               object_type="person", object_id="fast")  # fmt: skip
    _write_all_ways("real")
    with time_machine.travel(real - dt.timedelta(hours=1), tick=False):
        _write_all_ways("slow")
    entries = _chain_is_one_line()
    assert entries[0].pk == fast.pk
    on_time = [e for e in entries if e.object_id.startswith("real-")]
    late = [e for e in entries if e.object_id.startswith("slow-")]
    assert len(on_time) == len(late) == 33
    assert all(real <= e.at < fast.at - dt.timedelta(minutes=59) for e in on_time)
    assert all(e.at == real - dt.timedelta(hours=1) for e in late)
    assert verify_chain().ok


@pytest.mark.parametrize(
    ("field", "value"),
    [("object_id", "x" * 65), ("object_id", "x" * 64 + "   "), ("object_type", "p" * 65)],
)
def test_a_value_longer_than_its_column_is_refused_by_name(db, field, value):
    """PostgreSQL cuts trailing spaces off a value longer than its column without a word:
    the stored entry would no longer match its hash. Refused before anything is written,
    on both databases and both paths."""
    common = {"actor": None, "organization": None, "action": "view", "object_type": "person"}
    common["object_type"] = value if field == "object_type" else "person"
    oid = value if field == "object_id" else "ok"
    with pytest.raises(ValueError, match=f"audit entry {field} is longer than"):
        services.record(object_id=oid, **common)
    with pytest.raises(ValueError, match=f"audit entry {field} is longer than"):
        services.record_many(object_ids=["fine", oid], **common)
    with pytest.raises(ValueError, match=f"audit entry {field} is longer than"):
        services.record_many(object_ids=["fine", oid, "more"], batch_size=1, **common)
    assert not AuditEntry.objects.exists()


def test_an_address_with_a_zone_is_left_out_not_fatal(db):
    """``fe80::1%eth0`` parses as an address, but neither the chain's canonical form nor
    PostgreSQL's ``inet`` takes it: stored as no address, the request goes on."""
    token = context.bind(context.RequestContext(ip="fe80::1%eth0", channel="web"))
    try:
        entry = services.record(actor=None, organization=None, action="view",
                                object_type="person", object_id="z")  # fmt: skip
        services.record_many(actor=None, organization=None, action="view",
                             object_type="person", object_ids=["z1", "z2"])  # fmt: skip
    finally:
        context.reset(token)
    assert entry.ip is None
    assert [e.ip for e in _chain_is_one_line()] == [None, None, None]
    assert verify_chain().ok


def test_a_batch_is_filed_by_an_organization_id_on_every_path(personas):
    """``record_many`` takes an organization or its id, on the path inside PostgreSQL and
    on the Python path alike (large batches; SQLite)."""
    org_id = personas.org.pk
    services.record_many(actor=None, organization=org_id, action="view",
                         object_type="person", object_ids=["s1", "s2"])  # fmt: skip
    services.record_many(actor=None, organization=org_id, action="view",
                         object_type="person", object_ids=["l1", "l2", "l3"], batch_size=1)  # fmt: skip
    assert {e.organization_id for e in _chain_is_one_line()} == {org_id}


_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"))


class AnyContent(TestCase):
    """Entries of any content are hashed as ``audit.chain`` defines, whichever path wrote
    them (on PostgreSQL: ``audit_append`` inside the server)."""

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        object_id=_TEXT.filter(lambda s: len(s) <= 64),
        fields=st.lists(_TEXT.filter(lambda s: len(s) <= 20), max_size=4),
        request_id=_TEXT.filter(lambda s: len(s) <= 64),
        ip=st.sampled_from([None, "10.0.0.1", "::1", "::ffff:10.1.2.3", "2001:DB8::7", "bad"]),
        many=st.lists(_TEXT.filter(lambda s: len(s) <= 64), min_size=1, max_size=5),
        with_actor=st.booleans(),
    )
    def test_stored_entries_hash_as_the_chain_defines(  # type: ignore[no-untyped-def]
        self, object_id, fields, request_id, ip, many, with_actor
    ):
        org = Organization.objects.create(name="Org", slug=f"org-{uuid.uuid4().hex[:8]}")
        actor = (
            get_user_model().objects.create(username=f"u-{uuid.uuid4().hex[:8]}")
            if with_actor
            else None
        )
        token = context.bind(context.RequestContext(request_id=request_id, ip=ip,
                                                    channel="api"))  # fmt: skip
        try:
            one = services.record(actor=actor, organization=org, action="view",
                                  object_type="person", object_id=object_id, fields=fields)  # fmt: skip
            services.record_many(actor=actor, organization=org, action="export",
                                 object_type="case", object_ids=many, fields=fields)  # fmt: skip
        finally:
            context.reset(token)
        stored = AuditEntry.objects.get(pk=one.pk)
        assert (stored.seq, stored.at, stored.prev_hash, stored.hash) == (
            one.seq, one.at, one.prev_hash, one.hash,
        )  # fmt: skip
        assert stored.object_id == object_id and stored.fields == sorted(set(fields))
        entries = _chain_is_one_line()
        assert [e.object_id for e in entries[-len(many) :]] == many
        assert verify_chain().ok


def test_a_page_view_on_postgresql_is_one_statement(personas):
    """Outside a transaction a single entry is one statement on PostgreSQL (the lock on
    the chain head lives inside it); SQLite takes the Python path."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    services.record(actor=None, organization=None, action="view", object_type="person",
                    object_id="first")  # fmt: skip
    record = SimpleNamespace(pk=uuid.uuid4(), organization_id=personas.org.pk)
    with CaptureQueriesContext(connection) as captured:
        services.record_view(actor=personas.caseworker, obj=record, object_type="person",
                             fields=["name"])  # fmt: skip
    statements = [q["sql"] for q in captured.captured_queries]
    if connection.vendor == "postgresql":
        assert len(statements) == 1 and "audit_append(" in statements[0], statements
    else:
        assert any("INSERT INTO" in s for s in statements), statements
    assert len(_chain_is_one_line()) == 2
