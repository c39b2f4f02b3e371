"""The hash chain of the audit log: the canonical form of an entry and its SHA-256.

Kept free of database access so that the writer (``services``), the checker
(``verify``) and the migration that chained the entries written before the chain
existed all hash exactly the same bytes. The form is documented on ``AuditEntry``;
changing anything here invalidates every stored hash.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import json
import uuid
from collections.abc import Sequence
from typing import Any

GENESIS = "0" * 64  # prev_hash of the first entry (seq 1)

_UTC = dt.UTC
_encode_str = json.encoder.encode_basestring_ascii


def canonical_ip(value: Any) -> str | None:
    """IPv4 dotted quad, IPv6 fully exploded (lowercase, 8 groups of 4 digits), or None.

    Whatever text the database hands back for an address (PostgreSQL ``inet`` and
    Python's ``ipaddress`` write IPv4-mapped IPv6 addresses differently), the hash covers
    one spelling of it.
    """
    if value is None or value == "":
        return None
    return _canonical_ip(str(value))


@functools.lru_cache(maxsize=4096)  # a log has few distinct addresses; verify sees each often
def _canonical_ip(text: str) -> str:
    address = ipaddress.ip_address(text)
    if address.version == 4:
        return str(address)
    return address.exploded


def storable_ip(value: str | None) -> str | None:
    """The client address to store: None unless it parses as an IP address without a
    zone (``fe80::1%eth0`` parses, but neither ``canonical_ip`` nor PostgreSQL's ``inet``
    takes it: the request would fail on its audit entry)."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if getattr(address, "scope_id", None):
        return None
    return value


#: How far behind the previous entry's time a writer's clock may be and still take that
#: time instead of its own (``in_order``).
CLOCK_STEP = dt.timedelta(seconds=5)


def in_order(now: dt.datetime, previous: dt.datetime | None) -> dt.datetime:
    """The time of a new entry whose writer's clock says ``now``, after an entry at
    ``previous``.

    Writers racing for the chain head (threads of one machine, or machines with clocks a
    little apart) take the previous entry's time when theirs is up to ``CLOCK_STEP``
    behind it, so the chain's times stay in order. A clock further off keeps its own
    time: one machine's wrong clock shows on its own entries instead of pinning every
    later entry, from every machine, to its time. ``audit_append`` does the same.
    """
    if previous is not None and now < previous <= now + CLOCK_STEP:
        return previous
    return now


def canonical_at(value: dt.datetime) -> str:
    """UTC with microseconds: ``2026-01-31T14:05:09.000123Z``."""
    return value.astimezone(_UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _key(value: Any) -> int | str | None:
    """A foreign key as JSON: integers stay integers, anything else (UUID) is text."""
    if value is None or isinstance(value, int):
        return value
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def canonical(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: Any,
    organization_id: Any,
    action: str,
    object_type: str,
    object_id: str,
    fields: Sequence[str],
    channel: str,
    request_id: str,
    ip: Any,
    prev_hash: str,
) -> str:
    """The canonical serialization (see ``AuditEntry``): compact, key-sorted, ASCII JSON."""
    return json.dumps(
        {
            "seq": seq,
            "at": canonical_at(at),
            "actor": _key(actor_id),
            "organization": _key(organization_id),
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "fields": list(fields),
            "channel": channel,
            "request_id": request_id,
            "ip": canonical_ip(ip),
            "prev_hash": prev_hash,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )


def entry_hash(**content: Any) -> str:
    """Hex SHA-256 of ``canonical(**content)``."""
    return hashlib.sha256(canonical(**content).encode("ascii")).hexdigest()


class Parts(tuple[str, str, str, str]):
    """The canonical JSON of an entry cut around its four holes, in key order: ``at``,
    ``object_id`` (JSON-encoded), ``prev_hash`` and ``seq``.

    ``parts[0] + at + parts[1] + encoded object id + parts[2] + prev_hash + parts[3] +
    seq + "}"`` is ``canonical(...)`` byte for byte (a test checks it over random
    entries). The writer on PostgreSQL hands the parts to the ``audit_append`` function,
    which fills the holes under the chain head's lock (``audit.sql``); ``BatchHasher``
    fills them in Python.
    """

    __slots__ = ()

    @classmethod
    def of(
        cls,
        *,
        actor_id: Any,
        organization_id: Any,
        action: str,
        object_type: str,
        fields: Sequence[str],
        channel: str,
        request_id: str,
        ip: Any,
    ) -> Parts:
        # Keys in sorted order: action, actor, at, channel, fields, ip, object_id,
        # object_type, organization, prev_hash, request_id, seq.
        return cls(
            (
                f'{{"action":{_enc(action)},"actor":{_enc(_key(actor_id))},"at":"',
                f'","channel":{_enc(channel)},"fields":{_enc(list(fields))},'
                f'"ip":{_enc(canonical_ip(ip))},"object_id":',
                f',"object_type":{_enc(object_type)},'
                f'"organization":{_enc(_key(organization_id))},"prev_hash":"',
                f'","request_id":{_enc(request_id)},"seq":',
            )
        )


def _enc(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def encode_object_id(object_id: str) -> str:
    """An object id as the canonical JSON has it (quoted, non-ASCII escaped)."""
    return _encode_str(object_id)


class BatchHasher:
    """Hashes for many entries that differ only in object id, seq and prev_hash.

    ``record_many`` writes 100,000 entries for a 100,000-row import; building and
    encoding a dict per entry would cost several times more than the insert itself.
    The constant parts of the canonical JSON are encoded once (``Parts``); a test checks
    that the result is byte for byte what ``canonical`` gives.
    """

    def __init__(self, *, at: dt.datetime, **content: Any) -> None:
        """``content``: what ``Parts.of`` takes (every field but seq, object id, prev hash)."""
        parts = Parts.of(**content)
        self._head = parts[0] + canonical_at(at) + parts[1]
        self._middle = parts[2]
        self._tail = parts[3]

    def canonical(self, *, seq: int, object_id: str, prev_hash: str) -> str:
        return (
            self._head
            + _encode_str(object_id)
            + self._middle
            + prev_hash
            + self._tail
            + str(seq)
            + "}"
        )

    def hash(self, *, seq: int, object_id: str, prev_hash: str) -> str:
        return hashlib.sha256(
            self.canonical(seq=seq, object_id=object_id, prev_hash=prev_hash).encode("ascii")
        ).hexdigest()
