"""The LP relaxation of the scheduling objective, solved with HiGHS (``scipy.optimize``).

Relaxation: a unit may be split across dockets (people flow). Units that share venue,
port, needed language, earliest date and weight are interchangeable in it, so they form
one *class* whose supply is their people; dockets of one (venue, date, session) cost the
same, so a class sends people to a *column* (venue, date, session, language) and the
column passes them on to the dockets of that session that have the interpreter::

    minimize   sum_{c,k} rho_c * days_k * x[c,k]                  weighted waiting
             + sum_c rho_c * (H + P) * u[c]                       left out
             + lambda * sum_j (dp_j + dm_j)                       judges' spread
    s.t.       sum_k x[c,k] + u[c] = people_c                     every class
               sum_c x[c,k] = sum_s z[k,s]                        every column
               sum_k z[k,s] <= capacity_s - booked_s              every docket
               sum_{c from port p, k in cluster} x[c,k]
                   <= hourly_p * |windows of the cluster|         port reporting
               booked_j + sum_{s of judge j} z[.,s] - dp_j + dm_j = mean_j
               x, u, z, dp, dm >= 0

(a cluster: the sessions whose reporting windows at the port overlap). Any integer
schedule is a feasible point with the same cost, so the optimum is a lower bound.

Column generation: arcs x[c,k] are first built only near where a sorted fill would
put the class. Each solve's duals price every arc (reduced cost ``rho_c * days_k - y_c -
y_k - y_port``); the most negative ones are added and the LP solved again. Whatever
arcs are still missing, ``value + sum_c people_c * min(0, least reduced cost of c)`` is
a lower bound of the full LP (Lagrangian bound, the usual one in column generation):
that is the bound reported, and pricing stops once it is within ``BOUND_TOLERANCE``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import linprog
from scipy.sparse import coo_array

from mppdesk.lib.scheduling.common import Instance, need
from mppdesk.lib.scheduling.model import Unit

Session = tuple[str, dt.date, str]  # venue, date, session name
GroupKey = tuple[str, str, str, dt.date]  # venue, port ("" for none), language, earliest
IntArray = NDArray[np.int64]

#: Half-width of the initial band of columns around a class's sorted-fill position.
BAND_DAYS = 10
#: Most arcs a pricing round adds per class (the most negative reduced costs).
PRICE_PER_CLASS = 8
#: Stop pricing when the Lagrangian bound is this close (relative) to the LP value.
BOUND_TOLERANCE = 2e-4
#: Pricing rounds at most (then the Lagrangian bound is reported as it is).
MAX_ROUNDS = 30


@dataclass
class ComponentLP:
    """The LP of one component (venues linked by shared ports) and its solution."""

    venues: set[str]
    units: list[Unit]
    sessions: list[Session]
    session_slots: dict[Session, list[int]]
    #: A valid lower bound of the LP optimum (the Lagrangian bound of the last round).
    objective: float = 0.0
    #: The last restricted LP's optimum, whose solution guides the rounding.
    lp_value: float = 0.0
    #: People of each group per session, from the LP solution.
    group_flow: dict[GroupKey, dict[Session, float]] = field(default_factory=dict)
    #: People of each needed language per docket (slot index), from the LP solution.
    slot_flow: dict[tuple[str, int], float] = field(default_factory=dict)
    #: (venue, judge) pairs whose load the LP decides.
    judges: set[tuple[str, str]] = field(default_factory=set)
    arcs: int = 0
    rounds: int = 0


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Hashable, Hashable] = {}

    def find(self, a: Hashable) -> Hashable:
        parent = self.parent
        while parent.setdefault(a, a) != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def union(self, a: Hashable, b: Hashable) -> None:
        self.parent[self.find(a)] = self.find(b)


def components(inst: Instance) -> list[tuple[set[str], list[Unit]]]:
    """Venues that share a port are solved together (their port windows are shared)."""
    uf = _UnionFind()
    for unit in inst.placeable:
        uf.find(("venue", unit.venue))
        if unit.port is not None:
            uf.union(("port", unit.port), ("venue", unit.venue))
    found: dict[Hashable, tuple[set[str], list[Unit]]] = {}
    for unit in inst.placeable:
        venues, members = found.setdefault(uf.find(("venue", unit.venue)), (set(), []))
        venues.add(unit.venue)
        members.append(unit)
    return list(found.values())


def group_key(inst: Instance, unit: Unit) -> GroupKey:
    return (unit.venue, unit.port or "", need(unit.language), inst.earliest[unit.id])


def solve_component(
    inst: Instance, venues: set[str], units: list[Unit], *, time_limit: float = 600.0
) -> ComponentLP:
    lp = _ComponentModel(inst, venues, units)
    arc_cls, arc_col = lp.initial_arcs()
    comp = lp.comp
    while True:
        comp.rounds += 1
        res = lp.solve(arc_cls, arc_col, time_limit)
        new_cls, new_col, shortfall = lp.price(res, arc_cls, arc_col)
        comp.lp_value = float(res.fun)
        comp.objective = float(res.fun) + shortfall
        done = not len(new_cls) or -shortfall <= BOUND_TOLERANCE * abs(res.fun)
        if done or comp.rounds >= MAX_ROUNDS:
            break
        arc_cls = np.concatenate([arc_cls, new_cls])
        arc_col = np.concatenate([arc_col, new_col])
    comp.arcs = len(arc_cls)
    lp.read_solution(res, arc_cls, arc_col)
    return comp


class _ComponentModel:
    """Classes, columns, rows and arcs of one component's LP."""

    def __init__(self, inst: Instance, venues: set[str], units: list[Unit]) -> None:
        self.inst = inst
        sessions: dict[Session, list[int]] = defaultdict(list)
        for idx, slot in enumerate(inst.slots):
            if slot.venue in venues:
                sessions[(slot.venue, slot.date, slot.session)].append(idx)
        ordered = sorted(
            sessions, key=lambda s: (s[1], min(inst.slots[i].start() for i in sessions[s]), s)
        )
        self.sessions = sessions
        self.comp = ComponentLP(venues, units, ordered, dict(sessions))
        self._classes(units)
        self._columns(ordered)
        self._port_rows(ordered)
        self._judges()

    # -- model ---------------------------------------------------------------------

    def _classes(self, units: list[Unit]) -> None:
        index: dict[tuple[GroupKey, float], int] = {}
        people: list[int] = []
        rho: list[float] = []
        self.cls_group: list[GroupKey] = []
        for unit in units:
            key = (group_key(self.inst, unit), self.inst.rho[unit.id])
            if key not in index:
                index[key] = len(people)
                people.append(0)
                rho.append(key[1])
                self.cls_group.append(key[0])
            people[index[key]] += unit.size
        self.n_cls = len(people)
        self.people = np.array(people, dtype=float)
        self.rho = np.array(rho, dtype=float)

    def _columns(self, ordered: list[Session]) -> None:
        """A column per (session, language) where a docket has the interpreter."""
        inst = self.inst
        wanted: dict[str, set[str]] = defaultdict(set)
        for g in self.cls_group:
            wanted[g[0]].add(g[2])
        self.col_session: list[Session] = []
        self.col_lang: list[str] = []
        self.lang_cols: dict[tuple[str, str], list[int]] = defaultdict(list)
        z_col: list[int] = []
        z_slot: list[int] = []
        for sess in ordered:
            for language in sorted(wanted[sess[0]]):
                served = [i for i in self.sessions[sess] if inst.slots[i].serves(language)]
                if not served:
                    continue
                col = len(self.col_session)
                self.col_session.append(sess)
                self.col_lang.append(language)
                self.lang_cols[(sess[0], language)].append(col)
                z_col.extend([col] * len(served))
                z_slot.extend(served)
        self.n_col = len(self.col_session)
        self.col_days = np.array([(s[1] - inst.today).days for s in self.col_session], float)
        self.lang_dates = {
            key: [self.col_session[c][1] for c in cols] for key, cols in self.lang_cols.items()
        }
        self.z_col = np.array(z_col, dtype=np.int64)
        self.z_slot = np.array(z_slot, dtype=np.int64)
        self.slot_ids = sorted(set(z_slot))
        slot_row = {s: r for r, s in enumerate(self.slot_ids)}
        self.z_slot_row = np.array([slot_row[s] for s in z_slot], dtype=np.int64)
        # Every class's candidate columns: its (venue, language) ones from its earliest.
        self.cls_cols: list[IntArray] = []
        for venue, _port, language, earliest in self.cls_group:
            cols = self.lang_cols.get((venue, language), [])
            first = bisect.bisect_left(self.lang_dates.get((venue, language), []), earliest)
            self.cls_cols.append(np.array(cols[first:], dtype=np.int64))

    def _port_rows(self, ordered: list[Session]) -> None:
        """One row per port and cluster of sessions whose reporting windows overlap."""
        inst = self.inst
        self.ports_by_venue: dict[str, set[str]] = defaultdict(set)
        for g in self.cls_group:
            if g[1]:
                self.ports_by_venue[g[0]].add(g[1])
        rows: dict[tuple[str, Session], int] = {}
        self.port_caps: list[float] = []
        for port in sorted({p for ps in self.ports_by_venue.values() for p in ps}):
            touched = [s for s in ordered if port in self.ports_by_venue[s[0]]]
            uf = _UnionFind()
            for sess in touched:
                for i in self.sessions[sess]:
                    for w in inst.windows(i, port):
                        uf.union(("w", w), ("s", sess))
            windows_in: dict[Hashable, set[dt.datetime]] = defaultdict(set)
            for sess in touched:
                for i in self.sessions[sess]:
                    windows_in[uf.find(("s", sess))].update(inst.windows(i, port))
            cluster_row: dict[Hashable, int] = {}
            for sess in touched:
                root = uf.find(("s", sess))
                if root not in cluster_row:
                    cluster_row[root] = len(self.port_caps)
                    hourly = inst.ports[port].hourly_capacity
                    free = sum(
                        max(0, hourly - inst.port_booked.get((port, w), 0))
                        for w in windows_in[root]
                    )
                    self.port_caps.append(float(free))
                rows[(port, sess)] = cluster_row[root]
        # Per port, the row of each column (-1: none).
        self.col_port_row: dict[str, IntArray] = {
            port: np.array([rows.get((port, s), -1) for s in self.col_session], dtype=np.int64)
            for port in {g[1] for g in self.cls_group if g[1]}
        }

    def _judges(self) -> None:
        inst = self.inst
        self.judges = sorted({(inst.slots[s].venue, inst.slots[s].judge) for s in self.slot_ids})
        row = {j: r for r, j in enumerate(self.judges)}
        self.z_judge = np.array(
            [row[(inst.slots[s].venue, inst.slots[s].judge)] for s in self.z_slot.tolist()],
            dtype=np.int64,
        )
        booked = np.zeros(len(self.judges))
        for slot in inst.slots:
            key = (slot.venue, slot.judge)
            if key in row:
                booked[row[key]] += min(slot.booked, slot.capacity)
        target = np.array([inst.judge_targets[j] for j in self.judges])
        self.judge_rhs = target - booked
        self.comp.judges = set(self.judges)

    # -- arcs ----------------------------------------------------------------------

    def _session_seats(self) -> tuple[dict[str, list[dt.date]], dict[str, IntArray]]:
        """Per venue: session dates and cumulative usable seats (seats, and the ports'
        windows when fewer), from the first date anybody may be heard."""
        inst = self.inst
        first: dict[str, dt.date] = {}
        for g in self.cls_group:
            first[g[0]] = min(first.get(g[0], g[3]), g[3])
        dates: dict[str, list[dt.date]] = defaultdict(list)
        seats: dict[str, list[float]] = defaultdict(list)
        for sess in self.comp.sessions:
            venue, day, _name = sess
            dates[venue].append(day)
            n = float(sum(inst.slots[i].room for i in self.sessions[sess]))
            ports = self.ports_by_venue[venue]
            if ports:
                reporting = sum(
                    max(0, inst.ports[p].hourly_capacity - inst.port_booked.get((p, w), 0))
                    for p in ports
                    for w in {w for i in self.sessions[sess] for w in inst.windows(i, p)}
                )
                n = min(n, float(reporting))
            seats[venue].append(n if day >= first.get(venue, day) else 0.0)
        return dates, {v: np.cumsum(s) for v, s in seats.items()}

    def initial_arcs(self) -> tuple[IntArray, IntArray]:
        """Arcs within BAND_DAYS of where a sorted fill (heaviest first into the earliest
        usable seats of the venue) puts each class; for a language few dockets have,
        every column until twice its demand fits."""
        inst = self.inst
        venue_dates, venue_cum = self._session_seats()
        lang_cum: dict[tuple[str, str], IntArray] = {}
        for key, key_cols in self.lang_cols.items():
            lang_cum[key] = np.cumsum(
                [
                    sum(
                        inst.slots[i].room
                        for i in self.sessions[self.col_session[k]]
                        if inst.slots[i].serves(key[1])
                    )
                    for k in key_cols
                ]
            )
        demand: dict[tuple[str, str], float] = defaultdict(float)
        for c, g in enumerate(self.cls_group):
            demand[(g[0], g[2])] += self.people[c]
        band = dt.timedelta(days=BAND_DAYS)
        filled: dict[str, float] = defaultdict(float)
        parts_cls: list[IntArray] = []
        parts_col: list[IntArray] = []
        for c in sorted(range(self.n_cls), key=lambda c: -self.rho[c]):
            venue, _port, language, _earliest = self.cls_group[c]
            key = (venue, language)
            cols = self.cls_cols[c]
            lo = filled[venue]
            filled[venue] += self.people[c]
            if not len(cols):
                continue
            lcum, vcum = lang_cum[key], venue_cum[venue]
            if lcum[-1] < 0.5 * vcum[-1]:
                end = int(np.searchsorted(lcum, 2.0 * demand[key] + 50)) + 1
                end -= len(self.lang_cols[key]) - len(cols)
                start = 0
            else:
                dates = venue_dates[venue]
                d_lo = dates[min(int(np.searchsorted(vcum, lo)), len(dates) - 1)]
                d_hi = dates[min(int(np.searchsorted(vcum, filled[venue])), len(dates) - 1)]
                mine = self.lang_dates[key][len(self.lang_cols[key]) - len(cols) :]
                start = bisect.bisect_left(mine, d_lo - band)
                end = bisect.bisect_right(mine, d_hi + band)
            end = max(end, start + 8)
            chosen = cols[start:end]
            parts_cls.append(np.full(len(chosen), c, dtype=np.int64))
            parts_col.append(chosen)
        empty = np.zeros(0, dtype=np.int64)
        return (
            np.concatenate(parts_cls) if parts_cls else empty,
            np.concatenate(parts_col) if parts_col else empty,
        )

    # -- solve ---------------------------------------------------------------------

    def solve(self, arc_cls: IntArray, arc_col: IntArray, time_limit: float) -> Any:
        n_x, n_cls, n_col = len(arc_cls), self.n_cls, self.n_col
        n_z, n_j = len(self.z_col), len(self.judges)
        # Variables: x | u | z | dp | dm
        o_u, o_z = n_x, n_x + n_cls
        o_dp = o_z + n_z
        o_dm = o_dp + n_j
        n_var = o_dm + n_j
        penalty = self.rho * (self.inst.horizon_days + self.inst.weights.unassigned_penalty_days)
        cost = np.concatenate(
            [
                self.rho[arc_cls] * self.col_days[arc_col],
                penalty,
                np.zeros(n_z),
                np.full(2 * n_j, self.inst.weights.judge_weight),
            ]
        )
        # Equalities: class rows | column rows | judge rows
        r_col, r_j = n_cls, n_cls + n_col
        xs, us, zs = np.arange(n_x), np.arange(n_cls), np.arange(n_z)
        js = np.arange(n_j)
        eq = coo_array(
            (
                np.concatenate(
                    [
                        np.ones(2 * n_x + n_cls),
                        -np.ones(n_z),
                        np.ones(n_z),
                        -np.ones(n_j),
                        np.ones(n_j),
                    ]
                ),
                (
                    np.concatenate(
                        [
                            arc_cls,
                            r_col + arc_col,
                            us,
                            r_col + self.z_col,
                            r_j + self.z_judge,
                            r_j + js,
                            r_j + js,
                        ]
                    ),
                    np.concatenate([xs, xs, o_u + us, o_z + zs, o_z + zs, o_dp + js, o_dm + js]),
                ),
            ),
            shape=(r_j + n_j, n_var),
        ).tocsr()
        b_eq = np.concatenate([self.people, np.zeros(n_col), self.judge_rhs])
        # Inequalities: docket rows | port rows
        arc_port = self._arc_port_rows(arc_cls, arc_col)
        with_port = np.nonzero(arc_port >= 0)[0]
        n_slot = len(self.slot_ids)
        ub = coo_array(
            (
                np.ones(n_z + len(with_port)),
                (
                    np.concatenate([self.z_slot_row, n_slot + arc_port[with_port]]),
                    np.concatenate([o_z + zs, with_port]),
                ),
            ),
            shape=(n_slot + len(self.port_caps), n_var),
        ).tocsr()
        rooms = np.array([self.inst.slots[s].room for s in self.slot_ids], dtype=float)
        b_ub = np.concatenate([rooms, np.array(self.port_caps, dtype=float)])
        # No upper bounds (u <= people follows from the class rows): every variable of
        # the restricted LP then has a reduced cost >= 0, which the Lagrangian bound needs.
        res = linprog(
            cost,
            A_ub=ub,
            b_ub=b_ub,
            A_eq=eq,
            b_eq=b_eq,
            bounds=(0, None),
            method="highs-ipm",
            options={"time_limit": time_limit},
        )
        if res.status != 0:
            raise RuntimeError(f"LP relaxation not solved: {res.message}")
        return res

    def _arc_port_rows(self, arc_cls: IntArray, arc_col: IntArray) -> IntArray:
        out = np.full(len(arc_cls), -1, dtype=np.int64)
        ports = np.array([g[1] for g in self.cls_group], dtype=object)[arc_cls]
        for port, rows in self.col_port_row.items():
            mask = ports == port
            out[mask] = rows[arc_col[mask]]
        return out

    def price(
        self, res: Any, arc_cls: IntArray, arc_col: IntArray
    ) -> tuple[IntArray, IntArray, float]:
        """Arcs to add (the most negative reduced costs per class) and the Lagrangian
        shortfall: ``sum_c people_c * min(0, least reduced cost of c)`` (<= 0)."""
        y_eq = res.eqlin.marginals
        y_port = res.ineqlin.marginals[len(self.slot_ids) :]
        present = set(zip(arc_cls.tolist(), arc_col.tolist(), strict=True))
        new_cls: list[IntArray] = []
        new_col: list[IntArray] = []
        shortfall = 0.0
        for c in range(self.n_cls):
            cols = self.cls_cols[c]
            if not len(cols):
                continue
            red = self.rho[c] * self.col_days[cols] - y_eq[c] - y_eq[self.n_cls + cols]
            port = self.cls_group[c][1]
            if port:
                prow = self.col_port_row[port][cols]
                red = red - np.where(prow >= 0, y_port[np.maximum(prow, 0)], 0.0)
            shortfall += float(self.people[c]) * min(0.0, float(red.min()))
            tol = 1e-7 * max(1.0, float(self.rho[c] * self.col_days[cols].max()))
            neg = np.nonzero(red < -tol)[0]
            neg = neg[np.argsort(red[neg])]
            fresh = [k for k in cols[neg].tolist() if (c, k) not in present][:PRICE_PER_CLASS]
            if fresh:
                new_cls.append(np.full(len(fresh), c, dtype=np.int64))
                new_col.append(np.array(fresh, dtype=np.int64))
        empty = np.zeros(0, dtype=np.int64)
        return (
            np.concatenate(new_cls) if new_cls else empty,
            np.concatenate(new_col) if new_col else empty,
            min(0.0, shortfall),
        )

    def read_solution(self, res: Any, arc_cls: IntArray, arc_col: IntArray) -> None:
        comp = self.comp
        values = res.x[: len(arc_cls)].tolist()
        for c, k, v in zip(arc_cls.tolist(), arc_col.tolist(), values, strict=True):
            if v > 1e-9:
                flows = comp.group_flow.setdefault(self.cls_group[c], defaultdict(float))
                flows[self.col_session[k]] += v
        o_z = len(arc_cls) + self.n_cls
        zs = res.x[o_z : o_z + len(self.z_col)].tolist()
        for k, s, v in zip(self.z_col.tolist(), self.z_slot.tolist(), zs, strict=True):
            if v > 1e-9:
                key = (self.col_lang[k], s)
                comp.slot_flow[key] = comp.slot_flow.get(key, 0.0) + v
