"""Writing the audit log. Services call ``record`` inside their transaction.

Every entry is appended to one hash chain (see ``AuditEntry``). A writer locks the
chain head, numbers and hashes its entries after the head's seq and hash, inserts them
and moves the head on, all in the caller's transaction:

- PostgreSQL: ``SELECT ... FOR UPDATE`` on the head row. A second writer waits for the
  first to commit and then reads the head it left (READ COMMITTED re-reads a locked row
  that changed), so the chain never forks. The lock is held until the caller's
  transaction ends: audit-writing transactions are serialized at their audit write,
  which is why services record at the end of their work. ``record`` and small
  ``record_many`` batches run the whole append inside the server (the ``audit_append``
  function, ``audit.sql``), so a write outside a transaction (a page view) holds the
  lock for microseconds instead of four round trips from Python.
- SQLite: the settings open every transaction with ``BEGIN IMMEDIATE``, so there is one
  writer at a time already; ``FOR UPDATE`` does not exist there.

Whatever the database does, the unique ``seq`` makes a second entry after the same head
fail rather than fork the chain, and the head update checks the seq it read.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.utils import timezone

from mppdesk.audit import chain, sql
from mppdesk.audit.models import AuditChainHead, AuditEntry
from mppdesk.core import context
from mppdesk.core.audit_vocabulary import AuditAction
from mppdesk.core.bulk import BulkRows

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

_HEAD = AuditChainHead._meta.db_table
_ENTRY = AuditEntry._meta.db_table
_BULK_COLUMNS = [
    "seq",
    "at",
    "actor",
    "organization",
    "action",
    "object_type",
    "object_id",
    "fields",
    "channel",
    "request_id",
    "ip",
    "prev_hash",
    "hash",
]


class ChainConflict(RuntimeError):
    """The chain head moved under a writer that held its lock: never expected."""


def _lock_head() -> tuple[int, str]:
    """(seq, hash) of the chain head, locked until the current transaction ends.

    The head row is created on first use (a fresh database, or after the test harness
    emptied the tables) from the last entry, if there is one.
    """
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    select = f"SELECT seq, hash FROM {_HEAD} WHERE id = 1{lock}"  # noqa: S608 - model table name
    with connection.cursor() as cursor:
        cursor.execute(select)
        row = cursor.fetchone()
        if row is None:
            cursor.execute(f"SELECT seq, hash FROM {_ENTRY} ORDER BY seq DESC LIMIT 1")  # noqa: S608
            last = cursor.fetchone()
            seq, hash_ = (last[0], last[1]) if last else (0, chain.GENESIS)
            cursor.execute(
                f"INSERT INTO {_HEAD} (id, seq, hash) VALUES (1, %s, %s) "  # noqa: S608
                "ON CONFLICT (id) DO NOTHING",
                [seq, hash_],
            )
            cursor.execute(select)
            row = cursor.fetchone()
    return int(row[0]), str(row[1])


def _time_after(head_seq: int) -> dt.datetime:
    """The time of an entry after the one at ``head_seq`` (``chain.in_order``)."""
    last = AuditEntry.objects.filter(seq=head_seq).values_list("at", flat=True).first()
    return chain.in_order(timezone.now(), last)


#: The text columns of an entry and their lengths (``_check_lengths``).
_LIMITS: dict[str, int] = {
    name: AuditEntry._meta.get_field(name).max_length  # type: ignore[union-attr,misc]
    for name in ("action", "object_type", "object_id", "channel", "request_id")
}


def _content(
    actor: User | None,
    organization: Organization | int | None,
    action: str,
    object_type: str,
    fields: Sequence[str],
) -> dict[str, Any]:
    """What every entry of one write shares, as stored and hashed (``chain.Parts.of``
    takes it as it is): the caller's values and the request's context."""
    ctx = context.current()
    return {
        "actor_id": _actor_id(actor),
        "organization_id": _organization_id(organization),
        # The stored value, whether an ``AuditAction``/``ObjectType`` or a string came in.
        "action": str(action),
        "object_type": str(object_type),
        "fields": sorted(set(fields)),
        "channel": ctx.channel,
        "request_id": ctx.request_id,
        "ip": chain.storable_ip(ctx.ip),
    }


def _check_lengths(content: dict[str, Any], object_ids: Sequence[str]) -> None:
    """Refuse a value longer than its column: PostgreSQL would cut trailing spaces off
    it silently, and the stored entry would no longer match its hash."""
    values = {name: content[name] for name in _LIMITS if name != "object_id"}
    values["object_id"] = max(object_ids, key=len)
    for name, value in values.items():
        if len(value) > _LIMITS[name]:
            raise ValueError(f"audit entry {name} is longer than {_LIMITS[name]} characters")


def _advance_head(old_seq: int, seq: int, hash_: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_HEAD} SET seq = %s, hash = %s WHERE id = 1 AND seq = %s",  # noqa: S608
            [seq, hash_, old_seq],
        )
        if cursor.rowcount != 1:
            raise ChainConflict("the audit chain head moved while locked")


def _append_in_database(
    content: dict[str, Any], object_ids: list[str]
) -> list[tuple[int, int, Any, str, str]]:
    """Append entries through ``audit_append`` (PostgreSQL; see ``audit.sql``): the head
    is locked, the entries hashed and inserted and the head moved in one statement.
    Returns (id, seq, at, prev_hash, hash) per entry; an empty list on SQLite or when
    there is no head row yet (the Python path then writes, and creates the head)."""
    if connection.vendor != "postgresql":
        return []
    c = content
    with connection.cursor() as cursor:
        cursor.execute(
            sql.CALL,
            [
                list(chain.Parts.of(**c)), timezone.now(), c["actor_id"], c["organization_id"],
                c["action"], c["object_type"], object_ids,
                [chain.encode_object_id(oid) for oid in object_ids], json.dumps(c["fields"]),
                c["channel"], c["request_id"], c["ip"],
            ],
        )  # fmt: skip
        return cursor.fetchall()


def _actor_id(actor: User | None) -> Any:
    return actor.pk if actor is not None and actor.is_authenticated else None


def _organization_id(organization: Organization | int | None) -> int | None:
    """The id of an audit entry's organization, given as a saved Organization, its id or
    None; anything else (another model, an unsaved organization, a bool) is a mistake."""
    from mppdesk.accounts.models import Organization

    if organization is None:
        return None
    if type(organization) is int:
        return organization
    if isinstance(organization, Organization) and organization.pk is not None:
        return int(organization.pk)
    raise TypeError(
        "an audit entry's organization must be a saved Organization, its id or None, "
        f"not {type(organization).__name__}"
    )


def record(
    *,
    actor: User | None,
    organization: Organization | int | None,
    action: str,
    object_type: str,
    object_id: Any,
    fields: Sequence[str] = (),
) -> AuditEntry:
    """Append one entry (in the caller's transaction, or its own). ``organization`` may
    be given by its id where the caller has not read it."""
    content = _content(actor, organization, action, object_type, fields)
    oid = str(object_id) if object_id is not None else ""
    _check_lengths(content, [oid])
    entry = AuditEntry(object_id=oid, **content)
    appended = _append_in_database(content, [oid])
    if appended:
        entry.pk, entry.seq, entry.at, entry.prev_hash, entry.hash = appended[0]
        entry._state.adding = False
        entry._state.db = connection.alias
        return entry
    with transaction.atomic(savepoint=False):
        head_seq, head_hash = _lock_head()
        entry.seq = head_seq + 1
        entry.prev_hash = head_hash
        entry.at = _time_after(head_seq)
        entry.hash = entry.compute_hash()
        entry.save(force_insert=True)
        _advance_head(head_seq, entry.seq, entry.hash)
    return entry


class BulkChain:
    """Entries for many objects, chained onto a head the caller has locked.

    ``record_many`` is the usual way in. A bulk writer (the importer) that overlaps its
    inserts (``core.bulk.pipelined``) locks the head first (``BulkChain.start()``), adds
    its entries with ``entries(...)`` — rows it submits like any other table — and
    calls ``finish()`` once they are all written, in the same transaction.
    """

    def __init__(self, head_seq: int, head_hash: str) -> None:
        self.start_seq = self.seq = head_seq
        self.prev = head_hash
        self.at = _time_after(head_seq)

    @classmethod
    def start(cls) -> BulkChain:
        return cls(*_lock_head())

    def entries(
        self,
        *,
        actor: User | None,
        organization: Organization | int | None,
        action: str,
        object_type: str,
        object_ids: Iterable[Any],
        fields: Sequence[str] = (),
    ) -> BulkRows:
        content = _content(actor, organization, action, object_type, fields)
        actor_id, org_id = content["actor_id"], content["organization_id"]
        action, object_type = content["action"], content["object_type"]
        field_list, channel = content["fields"], content["channel"]
        request_id, ip = content["request_id"], content["ip"]
        rows = BulkRows(AuditEntry, _BULK_COLUMNS)
        add = rows.rows.append
        now = self.at = chain.in_order(timezone.now(), self.at)
        hash_ = chain.BatchHasher(at=now, **content).hash
        seq, prev = self.seq, self.prev
        for object_id in object_ids:
            oid = "" if object_id is None else str(object_id)
            seq += 1
            digest = hash_(seq=seq, object_id=oid, prev_hash=prev)
            add((seq, now, actor_id, org_id, action, object_type, oid, field_list,
                 channel, request_id, ip, prev, digest))  # fmt: skip
            prev = digest
        self.seq, self.prev = seq, prev
        return rows

    def finish(self) -> None:
        if self.seq != self.start_seq:
            _advance_head(self.start_seq, self.seq, self.prev)


def record_many(
    *,
    actor: User | None,
    organization: Organization | int | None,
    action: str,
    object_type: str,
    object_ids: Iterable[Any],
    fields: Sequence[str] = (),
    batch_size: int = 1000,
) -> int:
    """One entry per object, written in bulk (imports, list views, exports).

    Rows go through ``core.bulk.BulkRows`` (executemany / COPY): at 100,000 imported
    people, building ``AuditEntry`` instances for ``bulk_create`` cost about 40% of the
    whole import. Hashes are computed here, for the whole batch, by ``chain.BatchHasher``.
    """
    oids = list(object_ids)
    if not oids:
        return 0
    texts = ["" if oid is None else str(oid) for oid in oids]
    content = _content(actor, organization, action, object_type, fields)
    _check_lengths(content, texts)
    if len(oids) <= batch_size:
        appended = _append_in_database(content, texts)
        if appended:
            return len(appended)
    with transaction.atomic(savepoint=False):
        bulk_chain = BulkChain.start()
        rows = bulk_chain.entries(
            actor=actor, organization=organization, action=action,
            object_type=object_type, object_ids=oids, fields=fields,
        )  # fmt: skip
        rows.insert(batch_size)
        bulk_chain.finish()
    return len(oids)


def record_view(
    *, actor: User | None, obj: Any, object_type: str, fields: Sequence[str]
) -> AuditEntry:
    """A read of one record's personal data (a page view, an API get). Filed under the
    record's organization by its id: a page view does not read the organization."""
    return record(
        actor=actor, organization=obj.organization_id, action=AuditAction.VIEW,
        object_type=object_type, object_id=obj.pk, fields=fields,
    )  # fmt: skip


def record_list_view(
    *,
    actor: User | None,
    objects: Iterable[Any],
    object_type: str,
    fields: Sequence[str],
    object_id: Callable[[Any], Any] = lambda obj: obj.pk,
    organization_id_of: Callable[[Any], Any] = lambda obj: obj.organization_id,
    action: AuditAction = AuditAction.VIEW,
) -> int:
    """A read of many records (a list page, an API page): one entry per record, filed
    under each record's owning organization — like ``record_view`` for one record, so a
    list read and a detail read land in the same auditor's log whatever the channel.
    ``action=AuditAction.EXPORT`` files a list downloaded as a file the same way.

    The organizations (``organization_id_of`` each record) are read in one query, not
    one per record: a page of 25 people cost 25 queries."""
    from mppdesk.accounts.models import Organization

    by_org: dict[Any, list[Any]] = {}
    for obj in objects:
        by_org.setdefault(organization_id_of(obj), []).append(object_id(obj))
    owners = Organization.objects.in_bulk([key for key in by_org if key is not None])
    return sum(
        record_many(
            actor=actor,
            organization=owners.get(key),
            action=action,
            object_type=object_type,
            object_ids=ids,
            fields=fields,
        )  # fmt: skip
        for key, ids in by_org.items()
    )
