"""The figures: counts on a known population, scope, filters, erasure, suppression."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from mppdesk.people.validation import FieldErrors
from mppdesk.privacy import services as privacy_services
from mppdesk.privacy.models import Erasure
from mppdesk.stats import queries
from mppdesk.stats.queries import Filters, Scope

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


def test_published_tables_hide_small_cells_and_their_complements(world: Any) -> None:
    a = Scope((world.org.pk,))
    assert shown(a, "nationality") == {"HND": ["12"], "GTM": ["*"], "CUB": ["<5"], "total": ["20"]}
    assert shown(a, "birth_decade") == {"1990-1999": ["*"], "2010-2019": ["<5"], "total": ["20"]}
    border = shown(a, "border_city")
    assert border == {world.p1.code: ["*"], world.p2.code: ["<5"], "": ["9"], "total": ["20"]}
    # Each language row: people, who need an interpreter, who do not.
    assert shown(a, "languages") == {"spa": ["20", "<5", "*"], "kek": ["6", "<5", "<5"]}
    assert shown(a, "vulnerabilities")["pregnant"] == ["<5"]
    # 5 active + 1 closed: "<5" and "*" could only be 1 and 5, so the total goes too.
    status = shown(a, "case_status")
    assert status["closed"] == ["<5"] and status["active"] == ["*"] and status["total"] == ["*"]
    assert shown(a, "household_size")["total"] == ["<5"]
    # The overview repeats those totals as shown there, never the hidden number.
    overview = shown(a, "overview")
    assert overview["cases"] == ["*"] and overview["households"] == ["<5"]
    assert overview["people"] == ["20"] and overview["erased"] == ["0"]


def test_rows_with_shown_figures_come_first_largest_first(world: Any) -> None:
    a = Scope((world.org.pk,))
    (table,) = queries.tables(a, Filters(), ["nationality"])
    # Hidden rows follow in name order (Cuba, Guatemala): the order reveals nothing.
    assert [row.key for row in table.rows] == ["HND", "CUB", "GTM"]
    (table,) = queries.tables(a, Filters(), ["border_city"])
    assert table.rows[-1].key == ""  # "not recorded" last


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
