"""Check the audit log's hash chain: every entry intact, none deleted, none inserted.

``verify_chain`` streams the entries in ``seq`` order (a database iterator in chunks,
so memory stays flat for millions of entries), recomputes each hash and checks each
link, then compares the last entry against the chain head. It stops at the first bad
entry and says what is wrong with it:

- **altered**: the entry's hash does not match its content (an UPDATE), or a
  self-consistent entry is not the one the next entry links to (altered and re-hashed,
  or replaced);
- **deleted**: a gap in ``seq``, an entry whose ``prev_hash`` matches no entry before it,
  or fewer entries than the chain head counts (the last ones were deleted);
- **inserted**: an entry that links to the same predecessor as the entry after it, or
  entries beyond the chain head.

What a hash chain cannot show on its own is a rewrite of the whole chain from some
entry on by someone who recomputes every later hash and the head. Keep the last
``seq``/``hash`` that ``verify`` prints (a ticket, an e-mail to the auditors): a later
chain that does not contain that hash at that seq was rewritten.

The command-line (``mppdesk audit verify``), the management command (``audit_verify``)
and the auditor's page all call ``verify_chain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from mppdesk.audit import chain
from mppdesk.audit.models import AuditChainHead, AuditEntry

ALTERED, DELETED, INSERTED = "altered", "deleted", "inserted"

_COLUMNS = (
    "id",
    "seq",
    "at",
    "actor_id",
    "organization_id",
    "action",
    "object_type",
    "object_id",
    "fields",
    "channel",
    "request_id",
    "ip",
    "prev_hash",
    "hash",
)


@dataclass(frozen=True)
class Problem:
    """The first bad entry: what is wrong (``kind``), its seq and id, and why."""

    kind: str  # altered, deleted, inserted
    seq: int
    entry_id: int | None  # None when the entry itself is gone
    reason: str


@dataclass(frozen=True)
class VerifyResult:
    count: int  # entries checked
    last_seq: int
    last_hash: str
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def message(self) -> str:
        if self.problem is None:
            return _(
                "Audit log intact: %(count)d entries checked, last seq %(seq)d, last hash %(hash)s."
            ) % {"count": self.count, "seq": self.last_seq, "hash": self.last_hash}
        problem = self.problem
        kinds = {ALTERED: _("altered"), DELETED: _("deleted"), INSERTED: _("inserted")}
        entry = (
            _("entry seq %(seq)d (id %(id)d)") % {"seq": problem.seq, "id": problem.entry_id}
            if problem.entry_id is not None
            else _("entry seq %(seq)d") % {"seq": problem.seq}
        )
        return _("Audit log NOT intact: %(entry)s %(kind)s: %(reason)s") % {
            "entry": entry,
            "kind": kinds[problem.kind],
            "reason": problem.reason,
        }


@dataclass(frozen=True)
class _Row:
    id: int
    seq: int
    prev_hash: str
    hash: str
    computed: str | None  # None: the content cannot even be serialized (a bad IP, no time)


def _row(values: tuple[Any, ...]) -> _Row:
    (pk, seq, at, actor_id, org_id, action, object_type, object_id, fields, channel,
     request_id, ip, prev_hash, hash_) = values  # fmt: skip
    try:
        computed: str | None = chain.entry_hash(
            seq=seq,
            at=at,
            actor_id=actor_id,
            organization_id=org_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            fields=fields,
            channel=channel,
            request_id=request_id,
            ip=ip,
            prev_hash=prev_hash,
        )
    except (ValueError, TypeError, AttributeError):
        computed = None
    return _Row(id=pk, seq=seq, prev_hash=prev_hash, hash=hash_, computed=computed)


def _head() -> tuple[int, str] | None:
    row = AuditChainHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return (int(row[0]), str(row[1])) if row else None


def _check(row: _Row, prev: _Row | None) -> Problem | None:
    """What is wrong at ``row``, given the (good) entry before it; None if nothing."""
    if prev is None:
        if row.seq > 1:
            return Problem(
                DELETED,
                1,
                None,
                _("the chain starts at seq %(seq)d (id %(id)d); the entries before it are missing")
                % {"seq": row.seq, "id": row.id},
            )
        if row.seq < 1:
            return Problem(INSERTED, row.seq, row.id, _("seq below 1"))
        if row.prev_hash != chain.GENESIS:
            return Problem(
                ALTERED, row.seq, row.id, _("the first entry does not link to the genesis hash")
            )
    else:
        if row.prev_hash != prev.hash:
            if row.prev_hash == prev.prev_hash:
                return Problem(
                    INSERTED,
                    prev.seq,
                    prev.id,
                    _(
                        "the next entry (seq %(seq)d, id %(id)d) links past it to the entry before it"
                    )
                    % {"seq": row.seq, "id": row.id},
                )
            if row.seq > prev.seq + 1:
                return _gap(row, prev)
            if row.computed is None or row.computed != row.hash:
                return Problem(
                    DELETED,
                    row.seq,
                    row.id,
                    _(
                        "its prev_hash matches no entry before it: the entry before it was "
                        "deleted (and later entries renumbered), or it was altered"
                    ),
                )
            return Problem(
                ALTERED,
                prev.seq,
                prev.id,
                _(
                    "its hash is not the one the next entry (seq %(seq)d, id %(id)d) links to: "
                    "altered and re-hashed, or replaced"
                )
                % {"seq": row.seq, "id": row.id},
            )
        if row.seq > prev.seq + 1:
            return _gap(row, prev)
        if row.seq <= prev.seq:
            return Problem(INSERTED, row.seq, row.id, _("seq out of order"))
    if row.computed is None or row.computed != row.hash:
        return Problem(ALTERED, row.seq, row.id, _("its hash does not match its content"))
    return None


def _gap(row: _Row, prev: _Row) -> Problem:
    return Problem(
        DELETED,
        prev.seq + 1,
        None,
        _("seq %(first)d to %(last)d missing between seq %(before)d and seq %(after)d (id %(id)d)")
        % {
            "first": prev.seq + 1,
            "last": row.seq - 1,
            "before": prev.seq,
            "after": row.seq,
            "id": row.id,
        },
    )


def verify_chain(*, chunk_size: int = 2000) -> VerifyResult:
    """Walk the whole chain in seq order; stop at the first bad entry."""
    head_before = _head()
    prev: _Row | None = None
    count = 0
    rows = AuditEntry.objects.order_by("seq").values_list(*_COLUMNS)
    for values in rows.iterator(chunk_size=chunk_size):
        row = _row(values)
        count += 1
        problem = _check(row, prev)
        if problem is not None:
            last = prev or row
            return VerifyResult(count, last.seq, last.hash, problem)
        prev = row
    last_seq, last_hash = (prev.seq, prev.hash) if prev else (0, chain.GENESIS)
    # Entries and the head are committed together; the head read before the walk counts
    # entries that were all visible to it, the head read after covers entries appended
    # by writers while the walk ran.
    head_after = _head()
    problem = _check_tail(prev, head_before, head_after)
    return VerifyResult(count, last_seq, last_hash, problem)


def _check_tail(
    last: _Row | None, head_before: tuple[int, str] | None, head_after: tuple[int, str] | None
) -> Problem | None:
    last_seq = last.seq if last else 0
    if head_after is None:
        if last is None:
            return None  # an empty log that nobody has written to yet
        return Problem(DELETED, last_seq + 1, None, _("the chain head is missing"))
    if head_before is not None and head_before[0] > last_seq:
        return Problem(
            DELETED,
            last_seq + 1,
            None,
            _("the chain head counts %(head)d entries, the log ends at seq %(seq)d")
            % {"head": head_before[0], "seq": last_seq},
        )
    if last is not None and head_after[0] < last_seq:
        first = (
            AuditEntry.objects.filter(seq__gt=head_after[0])
            .order_by("seq")
            .values_list("seq", "id")
            .first()
        )
        seq, pk = first if first else (last.seq, last.id)
        return Problem(
            INSERTED,
            seq,
            pk,
            _("it comes after the chain head (seq %(head)d)") % {"head": head_after[0]},
        )
    for head in (head_after, head_before):
        if last is not None and head is not None and head[0] == last_seq and head[1] != last.hash:
            return Problem(
                ALTERED,
                last.seq,
                last.id,
                _("the last entry's hash is not the one the chain head recorded"),
            )
    return None
