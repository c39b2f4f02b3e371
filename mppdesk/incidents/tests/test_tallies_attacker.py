"""The monitor as attacker on the incident tallies, the statistics' attacker test
(``stats/tests/test_attacker.py``) turned on incidents.

The world has the small cells that give people away: one attempted kidnapping alone in
its city and month, two extortions by the police, three robberies across two months, an
incident with two kinds, two organizations. The attacker fetches the tallies under every
combination of city, perpetrator and period (``tallies.tallies``, which the page, CSV,
API and CLI all call), then

1. subtracts every pair of views and every row from its total, looking for a small count
   (1–4) that a difference gives exactly;
2. checks every published figure is exactly the sum of rounded base cells — so nothing
   but the rounded cells can be learned, whatever is combined;
3. works out with an integer program (HiGHS, ``stats.tests.attacker.Model``) over each
   group the smallest and largest true count consistent with everything published;
4. builds a neighbouring world (one incident more) that publishes the same figures under
   some key.

Plus a hypothesis property over random incident sets.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mppdesk.incidents import tallies
from mppdesk.incidents.models import IncidentKind, Perpetrator
from mppdesk.incidents.tests.conftest import record
from mppdesk.stats.queries import Month, Scope
from mppdesk.stats.rounding import BASE, Rounder
from mppdesk.stats.tests.attacker import Model, inverse
from mppdesk.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db

MONTHS = ["2026-01", "2026-02", "2026-03"]
BOUNDS = [None, *MONTHS]


def _day(month: str, day: int = 10) -> dt.date:
    y, m = (int(x) for x in month.split("-"))
    return dt.date(y, m, day)


@pytest.fixture
def town(family: Any, personas: Any) -> dict[str, Any]:
    shelter_person = family.father
    legal_person = PersonFactory(organization=personas.org)
    rows = [
        (personas.outsider, shelter_person, "laredo", "2026-01", ["attempted_kidnapping"], "criminal_group"),
        (personas.outsider, shelter_person, "el-paso", "2026-02", ["extortion"], "mexican_police"),
        (personas.outsider, shelter_person, "el-paso", "2026-02", ["extortion"], "mexican_police"),
        (personas.caseworker, legal_person, "el-paso", "2026-01", ["robbery"], "individual"),
        (personas.caseworker, legal_person, "el-paso", "2026-03", ["robbery"], "individual"),
        (personas.caseworker, legal_person, "el-paso", "2026-03", ["robbery", "threats"], "individual"),
        (personas.caseworker, legal_person, "el-paso", "2026-03", ["threats"], "criminal_group"),
    ]  # fmt: skip
    for actor, person, port, month, kinds, perp in rows:
        record(actor, person, port=port, occurred_on=_day(month), kinds=kinds, perpetrator=perp)
    # Seven more in one cell, so that some figures are not "<5".
    for _ in range(7):
        record(personas.outsider, shelter_person, port="el-paso", occurred_on=_day("2026-01"))
    return {"ports": ["el-paso", "laredo"]}


def _views(ports: list[str]) -> list[tuple[tallies.TallyFilters, tallies.Tallies]]:
    out = []
    perps = [None, *Perpetrator.values]
    for port, perp, start, end in itertools.product([None, *ports], perps, BOUNDS, BOUNDS):
        if start and end and start > end:
            continue
        filters = tallies.clean_filters(port=port, perpetrator=perp, from_month=start, to_month=end)
        out.append((filters, tallies.tallies(Scope(None), filters)))
    return out


def _figures(result: tallies.Tallies) -> dict[str, int]:
    values: dict[str, int] = {}
    for table in result.tables.values():
        for row in [*table.rows, *([table.total] if table.total else [])]:
            for i, cell in enumerate(row.cells):
                values[f"{table.name}:{row.key}:{i}"] = cell.value
    for month, city, kind, perp, display in result.cross:
        values[f"cross:{month}:{city}:{kind}:{perp}"] = (
            0 if display.startswith("<") else int(display)
        )
    return values


def test_differencing_views_gives_no_small_count(town: dict[str, Any]) -> None:
    views = _views(town["ports"])
    assert len(views) > 100
    figures = [_figures(r) for _f, r in views]
    for values in figures:
        for value in values.values():
            assert value % BASE == 0  # every figure, total and line a multiple of 5
    # Any difference of two figures — of one view or of two — is a multiple of 5 too:
    # no subtraction gives a count from 1 to 4.
    keys = sorted({k for values in figures for k in values})
    for a, b in itertools.combinations(figures[:40], 2):
        for key in keys:
            diff = a.get(key, 0) - b.get(key, 0)
            assert diff % BASE == 0


def test_every_figure_is_a_sum_of_rounded_base_cells(town: dict[str, Any]) -> None:
    rounder = Rounder.from_settings()
    everything = tallies.round_cells(
        tallies.base_cells(Scope(None), tallies.TallyFilters()), rounder
    )
    for filters, result in _views(town["ports"]):
        groups = [
            g for g in everything.totals
            if (filters.port is None or g[1] == filters.port.code)
            and (filters.from_month is None or Month.parse(g[2]) >= filters.from_month)
            and (filters.to_month is None or Month.parse(g[2]) <= filters.to_month)
        ]  # fmt: skip
        perps = [filters.perpetrator] if filters.perpetrator else Perpetrator.values
        expected_total = sum(everything.perpetrators[g].get(p, 0) for g in groups for p in perps)
        shown = result.tables["by_perpetrator"]
        assert sum(r.cells[0].value for r in shown.rows) == expected_total
        if not filters.perpetrator:
            assert result.total.cells[0].value == sum(everything.totals[g] for g in groups)
        for row in result.tables["by_kind"].rows:
            assert row.cells[0].value == sum(
                everything.kinds.get(g, {}).get((row.key, p), 0) for g in groups for p in perps
            )


def test_an_integer_program_pins_no_small_cell(town: dict[str, Any]) -> None:
    """Per group, everything published: the perpetrator partition and its total, and the
    kind × perpetrator cells. The attacker bounds each true count; no small one is pinned."""
    rounder = Rounder.from_settings()
    true = tallies.base_cells(Scope(None), tallies.TallyFilters())
    rounded = tallies.round_cells(true, rounder)
    pinned_small = []
    for group, per in true.perpetrators.items():
        model = Model()
        total = model.var("total", *inverse(rounded.totals[group]))
        perp_vars = {
            p: model.var(p, *inverse(rounded.perpetrators[group].get(p, 0)))
            for p in Perpetrator.values
        }
        model.sum_equals(list(perp_vars.values()), total)
        kind_vars = {}
        for kind in IncidentKind.values:
            for p in Perpetrator.values:
                published = rounded.kinds.get(group, {}).get((kind, p), 0)
                index = model.var(f"{kind}:{p}", *inverse(published))
                kind_vars[(kind, p)] = index
                model.at_most(index, perp_vars[p])  # no more of a kind than incidents
        for p, var in perp_vars.items():
            # Every incident has a kind: the kinds of a perpetrator cover its incidents.
            coefficients = {kind_vars[(k, p)]: 1 for k in IncidentKind.values}
            coefficients[var] = -1
            model.constrain(coefficients, 0, float("inf"))
        for p, n in per.items():
            low, high = model.bounds(perp_vars[p])
            assert low <= n <= high
            if 0 < n < BASE and low == high:
                pinned_small.append((group, p, n))
        for (kind, p), n in true.kinds.get(group, {}).items():
            low, high = model.bounds(kind_vars[(kind, p)])
            assert low <= n <= high
            if 0 < n < BASE and low == high:
                pinned_small.append((group, kind, p, n))
    assert pinned_small == []


def test_a_neighbouring_world_can_publish_the_same(
    town: dict[str, Any], personas: Any, family: Any
) -> None:
    """One more attempted kidnapping in Nuevo Laredo in January: under some keys the
    tallies do not change at all, so seeing them cannot tell whether it happened."""
    before = tallies.base_cells(Scope(None), tallies.TallyFilters())
    record(
        personas.outsider, family.father, port="laredo", occurred_on=_day("2026-01"),
        kinds=["attempted_kidnapping"], perpetrator="criminal_group",
    )  # fmt: skip
    after = tallies.base_cells(Scope(None), tallies.TallyFilters())
    same = 0
    for key in range(40):
        rounder = Rounder(f"attacker-key-{key}".encode())
        a = tallies.publish(tallies.round_cells(before, rounder), tallies.TallyFilters())
        b = tallies.publish(tallies.round_cells(after, rounder), tallies.TallyFilters())
        same += _figures(a) == _figures(b)
    assert 0 < same < 40


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["el-paso", "laredo", "san-ysidro"]),
            st.sampled_from(MONTHS),
            st.lists(st.sampled_from(IncidentKind.values), min_size=1, max_size=3, unique=True),
            st.sampled_from(Perpetrator.values),
            st.booleans(),
        ),
        max_size=25,
    )
)
def test_random_incident_sets(family: Any, personas: Any, rows: list[Any]) -> None:
    from mppdesk.incidents.models import Incident

    Incident.objects.all().delete()
    consented: dict[str, int] = defaultdict(int)
    for port, month, kinds, perp, report in rows:
        record(
            personas.outsider, family.father, port=port, occurred_on=_day(month), kinds=kinds,
            perpetrator=perp, uses=["keep", "report"] if report else ["keep"],
        )  # fmt: skip
        if report:
            consented[perp] += 1
    cells = tallies.base_cells(Scope(None), tallies.TallyFilters())
    # Only consented incidents are counted, each once per perpetrator.
    counted: dict[str, int] = defaultdict(int)
    for per in cells.perpetrators.values():
        for p, n in per.items():
            counted[p] += n
    assert dict(counted) == dict(consented)
    result = tallies.tallies(Scope(None), tallies.TallyFilters())
    by_perp = result.tables["by_perpetrator"]
    total = result.total.cells[0].value
    assert sum(r.cells[0].value for r in by_perp.rows) == total  # rows add up to the total
    assert by_perp.total is not None and by_perp.total.cells[0].value == total
    assert sum(r.cells[0].value for r in result.tables["by_month"].rows) == total
    assert sum(r.cells[0].value for r in result.tables["by_city"].rows) == total
    groups = len(cells.perpetrators)
    assert abs(total - sum(consented.values())) < BASE * max(groups, 1)
    for values in _figures(result).values():
        assert values % BASE == 0
