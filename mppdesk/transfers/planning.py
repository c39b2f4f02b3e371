"""The pure part of the planner: which households go, and to which shelter.

No database here, so the invariants (a household is all in or all out, never across
shelters, no shelter over its free places, never over the target size) are tested with
hypothesis over random rosters in milliseconds (``tests/test_planning.py``).

Packing is first-fit decreasing: households in decreasing size (ties: the longest
detained first, then a stable key), each into the first shelter, in the given order,
with room for all of it. Larger households first packs shelters better (small ones
fill the gaps) and keeps the most people together; a household that fits no shelter's
free places is left out with rule ``capacity``; one that would push the group past its
target size with rule ``target_size`` (a smaller household later may still fit).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

RULE_CAPACITY = "capacity"
RULE_TARGET_SIZE = "target_size"


@dataclass(frozen=True)
class Unit:
    """A household (or one person alone) that goes whole or not at all."""

    key: Hashable
    size: int
    since: dt.date  # earliest detention of its members
    order: str  # stable tie-breaker (an id)


@dataclass
class Packing:
    shelter_of: dict[Hashable, int]  # unit key -> shelter id, in assignment order
    left_out: dict[Hashable, str]  # unit key -> RULE_CAPACITY | RULE_TARGET_SIZE
    included_people: int


def pack(
    units: Sequence[Unit], free: Mapping[int, int], shelter_order: Sequence[int], target: int
) -> Packing:
    """Fill up to ``target`` people from ``units`` into shelters with ``free`` places."""
    room = {sid: max(int(free.get(sid, 0)), 0) for sid in shelter_order}
    shelter_of: dict[Hashable, int] = {}
    left_out: dict[Hashable, str] = {}
    included = 0
    for unit in sorted(units, key=lambda u: (-u.size, u.since, u.order)):
        if included + unit.size > target:
            left_out[unit.key] = RULE_TARGET_SIZE
            continue
        chosen = next((sid for sid in shelter_order if room[sid] >= unit.size), None)
        if chosen is None:
            left_out[unit.key] = RULE_CAPACITY
            continue
        room[chosen] -= unit.size
        shelter_of[unit.key] = chosen
        included += unit.size
    return Packing(shelter_of=shelter_of, left_out=left_out, included_people=included)
