"""The figures: counts on a known population, scope, filters, erasure, rounding."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from mppdesk.core.errors import FieldErrors
from mppdesk.privacy import services as privacy_services
from mppdesk.privacy.models import Erasure
from mppdesk.stats import queries
from mppdesk.stats.queries import Filters, Scope
from mppdesk.stats.rounding import Rounder, support

pytestmark = pytest.mark.django_db


def raw(scope: Scope, name: str, filters: Filters | None = None) -> dict[str, list[int]]:
    (table,) = queries.raw_tables(scope, filters or Filters(), [name])
    return {key: counts for key, _label, counts in table.rows}


def shown(scope: Scope, name: str, filters: Filters | None = None) -> dict[str, list[str]]:
    (table,) = queries.tables(scope, filters or Filters(), [name])
    rows = {row.key: row.displays for row in table.rows}
    if table.total:
        rows["total"] = table.total.displays
    return rows


def test_counts_on_the_known_population(world: Any) -> None:
    a = Scope((world.org.pk,))
    assert raw(a, "nationality") == {"HND": [12], "GTM": [6], "CUB": [2]}
    assert raw(a, "sex") == {"F": [11], "M": [9], "X": [0], "": [0]}
    assert raw(a, "birth_decade") == {"1990-1999": [16], "2010-2019": [4]}
    assert raw(a, "border_city") == {world.p1.code: [8], world.p2.code: [3], "": [9]}
    assert raw(a, "languages") == {"spa": [20, 2, 18], "kek": [6, 3, 3]}
    vulnerabilities = raw(a, "vulnerabilities")
    assert vulnerabilities["child"] == [7] and vulnerabilities["pregnant"] == [3]
    assert vulnerabilities["elderly"] == [0]
    assert raw(a, "case_status") == {
        "intake": [0], "active": [5], "in_absentia": [0], "decided": [0], "closed": [1],
    }  # fmt: skip
    assert raw(a, "case_venue") == {world.v1.code: [6]}
    assert raw(a, "household_size") == {"1": [0], "2": [0], "3-4": [1], "5-6": [0], "7+": [1]}
    assert raw(a, "intake_month") == {"2025-01": [15], "2025-02": [0], "2025-03": [5]}
    overview = raw(a, "overview")
    assert overview["erased"] == [0] and overview["interpreter"] == [5]


def possible(scope: Scope, name: str, key: str, filters: Filters | None = None) -> set[int]:
    """Every value the first column of row ``key`` (``"total"``: the total) can show: each
    group's true count rounded down or up, added up over the groups."""
    (base,) = queries.base_tables(scope, filters or Filters(), [name])
    sums = {0}
    for rows in base.cells.values():
        if key == "total":
            true = sum(counts[0] for counts in rows.values())
        else:
            true = rows.get(key, [0])[0]
        sums = {s + v for s in sums for v in support(true)}
    return sums


def value(display: str) -> int:
    return 0 if display == "<5" else int(display)


def test_published_figures_are_the_true_ones_rounded_group_by_group(world: Any) -> None:
    a = Scope((world.org.pk,))
    for name in queries.TABLE_NAMES:
        (table,) = queries.tables(a, Filters(), [name])
        rows = [*table.rows, *([table.total] if table.total else [])]
        for row in rows:
            for cell in row.cells:
                # A multiple of 5, or "<5" for 0: never a count from 1 to 4.
                assert cell.display == "<5" or (int(cell.display) % 5 == 0 and cell.count)
            assert value(row.displays[0]) in possible(a, name, row.key), (name, row.key)
        if table.total:
            assert value(table.total.displays[0]) == sum(value(r.displays[0]) for r in table.rows)
    # 12 Hondurans in three groups (8 at P1, 3 at P2, 1 without a household, all January):
    # each rounded on its own, so 5 to 20 — never 12.
    assert possible(a, "nationality", "HND") == {5, 10, 15, 20}
    # The 5 active cases are one group (P1, January): a multiple of 5 stays exact; the one
    # closed case (P2) shows "<5" or 5, and the total agrees with the rows.
    status = shown(a, "case_status")
    assert status["active"] == ["5"] and status["closed"] in (["<5"], ["5"])
    assert status["total"] == [str(5 + value(status["closed"][0]))]
    assert shown(a, "intake_month")["2025-03"] == ["5"]  # five people, one group


def test_tables_about_the_same_records_show_the_same_total(world: Any, personas: Any) -> None:
    a = Scope((world.org.pk,))
    privacy_services.erase_person(
        actor=personas.coordinator, person=world.people[12], reason=Erasure.Reason.REQUEST
    )
    for filters in (Filters(), queries.clean_filters(a, port=world.p1.code)):
        overview = shown(a, "overview", filters)
        for name in ("border_city", "intake_month"):
            assert shown(a, name, filters)["total"] == overview["people"]
        assert shown(a, "household_size", filters)["total"] == overview["households"]
        for name in ("case_status", "case_venue"):
            assert shown(a, name, filters)["total"] == overview["cases"]
        # Nationality, sex and year of birth count the same (erased ones from their
        # de-identified rows): one total among them.
        assert (
            len({shown(a, n, filters)["total"][0] for n in ("nationality", "sex", "birth_decade")})
            == 1
        )


def test_only_fixed_lists_show_categories_that_round_to_zero(world: Any) -> None:
    a = Scope((world.org.pk,))
    rounder = Rounder.from_settings()
    # Sex is a fixed list: "Other" and "Not recorded" (nobody) are listed, as "<5".
    sex = shown(a, "sex")
    assert list(sex) == ["F", "M", "X", "", "total"]
    assert sex["X"] == ["<5"] and sex[""] == ["<5"]
    # Nationalities are not: Cuba (2 people) is listed only if it rounds to 5, so that
    # being listed says nothing a rounded figure does not.
    (base,) = queries.base_tables(a, Filters(), ["nationality"])
    sums, _total = queries.rounded_sums(base, rounder)
    nationality = shown(a, "nationality")
    assert ("CUB" in nationality) == (sums["CUB"][0] > 0)
    for key in nationality:
        assert key == "total" or value(nationality[key][0]) > 0


def test_rows_come_largest_first_by_the_shown_figure(world: Any) -> None:
    a = Scope((world.org.pk,))
    for name in ("nationality", "border_city", "languages", "case_venue"):
        (table,) = queries.tables(a, Filters(), [name])
        figures = [(row.key == "", -value(row.displays[0])) for row in table.rows]
        assert figures == sorted(figures), name
    (table,) = queries.tables(a, Filters(), ["border_city"])
    assert table.rows[-1].key == ""  # "not recorded" last (9 people: always shown)


def test_an_analyst_sees_only_their_organization(world: Any, analyst: Any) -> None:
    scope = queries.scope_for(analyst)
    assert scope == Scope((world.org.pk,))
    assert "VEN" not in raw(scope, "nationality")
    assert list(queries.organizations(scope)) == [world.org]


def test_a_program_wide_analyst_sees_every_organization(world: Any, program_analyst: Any) -> None:
    scope = queries.scope_for(program_analyst)
    assert scope.program_wide
    assert raw(scope, "nationality") == {"HND": [12], "GTM": [6], "CUB": [2], "VEN": [7]}
    only_b = queries.clean_filters(scope, organization=world.other_org.slug)
    assert raw(scope, "nationality", only_b) == {"VEN": [7]}


def test_roles_without_stats_read_get_404(world: Any, auditor: Any) -> None:
    with pytest.raises(Http404):
        queries.scope_for(auditor)
    with pytest.raises(Http404):
        queries.scope_for(None)


def test_a_case_worker_has_stats_of_their_own_organization(personas: Any, world: Any) -> None:
    assert queries.scope_for(personas.outsider) == Scope((world.other_org.pk,))


def test_an_organization_outside_the_scope_is_an_unknown_one(world: Any) -> None:
    a = Scope((world.org.pk,))
    for slug in (world.other_org.slug, "nope"):
        with pytest.raises(FieldErrors) as exc:
            queries.clean_filters(a, organization=slug)
        assert list(exc.value.errors) == ["organization"]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"port": "atlantis"}, "port"),
        ({"from_month": "2025-13"}, "from_month"),
        ({"to_month": "january"}, "to_month"),
        ({"from_month": "2025-03", "to_month": "2025-01"}, "to_month"),
    ],
)
def test_bad_filters_name_the_field(world: Any, values: dict[str, str], field: str) -> None:
    with pytest.raises(FieldErrors) as exc:
        queries.clean_filters(Scope(None), **values)
    assert field in exc.value.errors


def test_port_filter(world: Any) -> None:
    a = Scope((world.org.pk,))
    at_p1 = queries.clean_filters(a, port=world.p1.code)
    assert raw(a, "nationality", at_p1) == {"HND": [8]}
    assert raw(a, "border_city", at_p1) == {world.p1.code: [8]}
    assert raw(a, "case_status", at_p1)["active"] == [5]
    assert raw(a, "household_size", at_p1)["7+"] == [1]


def test_period_filter(world: Any) -> None:
    a = Scope((world.org.pk,))
    march = queries.clean_filters(a, from_month="2025-02", to_month="2025-03")
    assert raw(a, "intake_month", march) == {"2025-03": [5]}
    assert raw(a, "nationality", march) == {"GTM": [3], "CUB": [2]}
    assert sum(c[0] for c in raw(a, "case_status", march).values()) == 0  # opened in January
    january = queries.clean_filters(a, from_month="2025-01", to_month="2025-01")
    assert raw(a, "case_status", january)["active"] == [5]


def test_erasure_does_not_distort_the_counts(world: Any, personas: Any) -> None:
    a = Scope((world.org.pk,))
    # An HND person with a case, and a GTM person without one.
    for person in (world.people[0], world.people[12]):
        privacy_services.erase_person(
            actor=personas.coordinator, person=person, reason=Erasure.Reason.REQUEST
        )
    assert raw(a, "nationality") == {"HND": [12], "GTM": [6], "CUB": [2]}
    assert raw(a, "sex") == {"F": [11], "M": [9], "X": [0], "": [0]}
    assert raw(a, "birth_decade") == {"1990-1999": [16], "2010-2019": [4]}
    assert raw(a, "border_city")[world.p1.code] == [8]
    assert raw(a, "intake_month")["2025-01"] == [15]
    assert raw(a, "case_status")["active"] == [5]
    assert raw(a, "overview")["erased"] == [2]
    # Languages and vulnerabilities are not kept at erasure.
    assert raw(a, "languages")["spa"] == [18, 1, 17]
    # The erased person's case is at P1: the port filter still counts them.
    assert raw(a, "nationality", queries.clean_filters(a, port=world.p1.code)) == {"HND": [8]}


def test_no_encrypted_column_is_read(world: Any, program_analyst: Any) -> None:
    scope = queries.scope_for(program_analyst)
    with CaptureQueriesContext(connection) as captured:
        queries.tables(scope, Filters())
    sql = " ".join(q["sql"] for q in captured.captured_queries).lower()
    for column in ("given_names", "family_names", "other_names", "birth_date", "notes",
                   "a_number", '"value"', "summary"):  # fmt: skip
        assert column not in sql, column
