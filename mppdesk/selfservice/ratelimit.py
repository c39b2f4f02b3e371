"""Rate limits and A-number locks on database rows (``LookupCounter``).

Each function runs exactly one SQL statement whatever the state of the counter (no row
yet, a row in its window, an expired one), so the number and shape of the queries of a
lookup never depend on what was looked up before (``services.lookup_hearing``).

Windows are fixed (they start at the first hit after the previous one expired): a
sender may place up to twice the limit across a window boundary, which is still a
handful of guesses an hour.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from mppdesk.lib.crypto import blind_index
from mppdesk.selfservice.models import LookupCounter, Scope

COUNTER_PURPOSE = "selfservice_counter"
_TABLE = LookupCounter._meta.db_table


def counter_digest(scope: str, value: str) -> str:
    """The HMAC a counter is stored under (one purpose per scope, never the value)."""
    return blind_index(f"{COUNTER_PURPOSE}:{scope}", value)


def anumber_keys(a_number: str) -> dict[str, tuple[str, str]]:
    """The A-number's two lock counters, ``{scope: (scope, digest)}``: for the web and
    phones not on file (``Scope.A_NUMBER``), and for phones on file
    (``Scope.A_NUMBER_ON_FILE``). HMACs of the number: they exist for any well-formed
    A-number, whether a case holds it or not."""
    return {
        scope: (scope, counter_digest(scope, a_number))
        for scope in (Scope.A_NUMBER, Scope.A_NUMBER_ON_FILE)
    }


def ip_network(address: str) -> str:
    """The client's address as counted: an IPv4 address, or the /64 of an IPv6 one
    (one subscriber usually holds a whole /64)."""
    try:
        parsed = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return "unknown"
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{parsed}/64", strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Count:
    hits: int
    locked_until: int
    # Start of the counter's current window (epoch seconds; 0 without a row).
    window_start: int = 0

    def locked(self, now: int) -> bool:
        return self.locked_until > now

    def hits_within(self, now: int, window: int) -> int:
        """What the counter holds for ``now``: nothing once its window has expired."""
        return self.hits if self.window_start > now - window else 0


#: The state of a key that has no row: nothing counted, never locked.
EMPTY = Count(hits=0, locked_until=0, window_start=0)


_BUMP = f"""
INSERT INTO {_TABLE} (scope, digest, window_start, hits, locked_until)
VALUES (%s, %s, %s, %s, %s)
ON CONFLICT (scope, digest) DO UPDATE SET
    hits = CASE WHEN {_TABLE}.window_start > %s
        THEN {_TABLE}.hits + excluded.hits ELSE excluded.hits END,
    window_start = CASE WHEN {_TABLE}.window_start > %s
        THEN {_TABLE}.window_start ELSE excluded.window_start END,
    locked_until = CASE
        WHEN {_TABLE}.locked_until <= %s AND (CASE WHEN {_TABLE}.window_start > %s
            THEN {_TABLE}.hits + excluded.hits ELSE excluded.hits END) >= %s
        THEN %s ELSE {_TABLE}.locked_until END
RETURNING hits, locked_until, window_start
"""  # noqa: S608 - the table name is the model's, every value is a parameter


def bump(
    *,
    scope: str,
    digest: str,
    now: int,
    window: int,
    add: int = 1,
    lock_at: int = 0,
    lock_for: int = 0,
) -> Count:
    """Add ``add`` to the counter's current window (a new window if it expired).

    With ``lock_at`` > 0, reaching ``lock_at`` hits in the window (and not being locked
    already) locks the key until ``now + lock_for``. One statement; returns the new state.
    """
    cutoff = now - window
    threshold = lock_at if lock_at > 0 else 2**31 - 1
    until = now + lock_for
    initial_lock = until if add >= threshold else 0
    with connection.cursor() as cursor:
        cursor.execute(
            _BUMP,
            [scope, digest, now, add, initial_lock, cutoff, cutoff, now, cutoff, threshold, until],
        )
        row = cursor.fetchone()
    return Count(hits=int(row[0]), locked_until=int(row[1]), window_start=int(row[2]))


def locked_until(*, scope: str, digest: str) -> int:
    """When the key's lock ends (epoch seconds; 0 without a row). One statement."""
    return read(((scope, digest),))[(scope, digest)].locked_until


def read(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Count]:
    """The state of each ``(scope, digest)`` (``EMPTY`` without a row). One statement
    whatever the rows (none without keys), so a caller's queries never depend on the
    state."""
    wanted = list(dict.fromkeys(keys))
    match = Q(pk__in=[])
    for scope, digest in wanted:
        match |= Q(scope=scope, digest=digest)
    found = {
        (scope, digest): Count(hits=hits, locked_until=until, window_start=start)
        for scope, digest, hits, until, start in LookupCounter.objects.filter(match).values_list(
            "scope", "digest", "hits", "locked_until", "window_start"
        )
    }
    return {key: found.get(key, EMPTY) for key in wanted}


def reset(keys: Iterable[tuple[str, str]]) -> int:
    """Forget the counts and locks of these keys (a case worker's unlock); how many
    counters held something. A key without a row is the same as a reset one."""
    match = Q(pk__in=[])
    for scope, digest in keys:
        match |= Q(scope=scope, digest=digest)
    deleted, _per_model = LookupCounter.objects.filter(match).delete()
    return deleted
