"""Cell-key controlled rounding of the published figures (docs/statistics.md).

Every figure the statistics publish is a sum of **base cells**: the count of one row of
one table within one **group**, the records of one organization, one port of entry and one
month. Filters (organization, port, months) and scopes only choose whole groups, so any
view, total or difference of views is a sum of base cells, and the published figure is
the same sum of the *rounded* base cells. Nothing else is published: whatever figures an
analyst combines, they learn the rounded base cells and no more.

Base cells are rounded to a multiple of ``BASE`` (5):

- **A count** ``t`` (a group's total, a language's speakers, an independent figure such
  as a vulnerability) becomes ``5⌊t/5⌋`` or ``5⌈t/5⌉``, upwards with probability
  ``(t mod 5)/5``, so it is right on average. The coin is a keyed hash of what is
  counted, the group and the count (the "cell key"): the same figure is rounded the same
  way every time, in every table, view, download and channel, so asking again — or
  asking for the same records through another filter — gives no second draw to average.
- **The rows of a table that adds up to a total** (people by nationality within a group,
  say) are rounded so that they add up to the rounded total exactly (*controlled*
  rounding). Each row is rounded up with probability ``(t mod 5)/5`` too; which rows go
  up is drawn by the pivotal method (Deville and Tillé, 1998) in a keyed random order,
  with the total's own coin deciding the last one. Every table about the same records
  therefore shows the same total, and the rows never contradict it.

The key is derived from ``SECRET_KEY``; nobody without it can tell which way a cell was
rounded. Why this means no hidden count can be worked out is argued in
docs/statistics.md and tested by ``tests/test_attacker.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping

from django.utils.crypto import salted_hmac

BASE = 5
KEY_SALT = "mppdesk.stats.rounding"
_SCALE = 1 << 64  # coins are 64-bit integers, read as fractions of 2**64

# A group: organization id, port code ("" without a port), month "YYYY-MM" ("" unknown).
Group = tuple[int, str, str]
# Decides a duel of the pivotal method: True when the first unit wins. Arguments: the
# step and the first unit's chance as numerator and denominator.
Chooser = Callable[[int, int, int], bool]


def support(count: int) -> tuple[int, ...]:
    """The values a count can be rounded to: itself if a multiple of 5, else the
    multiples of 5 on either side."""
    if count < 0:
        raise ValueError("counts are never negative")
    low = count - count % BASE
    return (low,) if count % BASE == 0 else (low, low + BASE)


def pivotal(units: list[tuple[str, int]], choose: Chooser, last_up: bool) -> set[str]:
    """Which of ``units`` (name, residue 1–4) are rounded up.

    Each unit carries a probability of ``residue/5`` (kept in fifths, so the arithmetic is
    exact). Two units duel: if their probabilities add up to less than one, one takes
    both and the other drops out; otherwise one is selected and the other keeps what is
    left over. The unit left at the end holds the fractional part of the sum and is
    selected when ``last_up``, the coin of the rounded total, says so. Every unit is thus
    selected with probability exactly ``residue/5``, the number selected is the one that
    makes the rows add up to the rounded total, and, the order being random, any set of
    that size can come out (tests/test_rounding.py enumerates them).
    """
    selected: set[str] = set()
    active: tuple[str, int] | None = None
    for step, (name, mass) in enumerate(units):
        if not 0 < mass < BASE:
            raise ValueError("a unit carries a residue from 1 to 4")
        if active is None:
            active = (name, mass)
            continue
        first, p = active
        q = mass
        if p + q < BASE:
            active = (first if choose(step, p, p + q) else name, p + q)
            continue
        # One of them is selected: the first with probability (1 - q) / (2 - p - q).
        winner, loser = (first, name) if choose(step, BASE - q, 2 * BASE - p - q) else (name, first)
        selected.add(winner)
        left = p + q - BASE
        active = (loser, left) if left else None
    if active is not None and last_up:
        selected.add(active[0])
    return selected


class _Hasher:
    """HMAC-SHA256 under one key with the padded key hashed once (RFC 2104)."""

    __slots__ = ("inner", "outer")

    def __init__(self, key: bytes) -> None:
        block = key.ljust(64, b"\0")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def coin(self, message: str) -> int:
        inner = self.inner.copy()
        inner.update(message.encode())
        outer = self.outer.copy()
        outer.update(inner.digest())
        return int.from_bytes(outer.digest()[:8], "big")


class Rounder:
    """The rounding of base cells under one key (``from_settings`` in the application)."""

    def __init__(self, key: bytes) -> None:
        self._hasher = _Hasher(key)

    @classmethod
    def from_settings(cls) -> Rounder:
        # A key for this purpose only, derived from SECRET_KEY: it never leaves the server,
        # and it tells which way each cell was rounded, nothing else.
        return cls(salted_hmac(KEY_SALT, "cell-key", algorithm="sha256").digest())

    def _coin(self, *parts: object) -> int:
        return self._hasher.coin("\x1f".join(str(p) for p in parts))

    def _up(self, label: str, group: Group, count: int) -> bool:
        # Upwards with probability (count mod 5)/5: coin/2**64 < residue/5.
        return self._coin("count", label, *group, count) * BASE < (count % BASE) * _SCALE

    def count(self, label: str, group: Group, count: int) -> int:
        """The count ``label`` of ``group``, rounded. The same count under the same label
        in the same group always gives the same result, in whichever table it appears."""
        low = support(count)[0]
        return low + BASE if count % BASE and self._up(label, group, count) else low

    def partition(
        self, table: str, total_label: str, group: Group, rows: Mapping[str, int]
    ) -> tuple[int, dict[str, int]]:
        """Round the rows of ``table`` in ``group`` and their total together.

        Returns the rounded total — ``count(total_label, ...)`` of the sum, so the same in
        every table of the same records — and each row rounded, adding up to it exactly.
        """
        total = sum(rows.values())
        rounded_total = self.count(total_label, group, total)
        residues = [(name, t % BASE) for name, t in rows.items() if t % BASE]
        residues.sort(key=lambda unit: self._coin("order", table, *group, unit[0], rows[unit[0]]))

        def choose(step: int, numerator: int, denominator: int) -> bool:
            coin = self._coin("duel", table, *group, total, step)
            return coin * denominator < numerator * _SCALE

        up = pivotal(residues, choose, last_up=rounded_total > total)
        rounded = {name: t - t % BASE + (BASE if name in up else 0) for name, t in rows.items()}
        if sum(rounded.values()) != rounded_total:  # pragma: no cover - pivotal guarantees it
            raise AssertionError("controlled rounding lost its total")
        return rounded_total, rounded
