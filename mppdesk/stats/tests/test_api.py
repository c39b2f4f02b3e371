"""GET /api/v1/stats: the same rounded figures as the page, for read tokens."""

from __future__ import annotations

from typing import Any

import pytest

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.stats import queries
from mppdesk.stats.tests.test_views import assert_nothing_personal

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats"


def api_for(user: Any, scopes: list[str] | None = None) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="stats", scopes=scopes)
    return ApiClient(secret)


def table(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(t for t in body["tables"] if t["name"] == name)


def test_an_analyst_token_reads_the_rounded_figures(world: Any, analyst: Any) -> None:
    response = api_for(analyst, ["read"]).get(URL)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"] == {"program_wide": False, "organizations": [world.org.slug]}
    assert body["suppression"] == {
        "threshold": 5, "small": "<5", "secondary": "*", "rounding_base": 5,
    }  # fmt: skip
    assert [t["name"] for t in body["tables"]] == queries.TABLE_NAMES
    nationality = table(body, "nationality")
    # The same cells as the page: the rounded count, or none where it rounds to 0.
    (page,) = queries.tables(queries.scope_for(analyst), queries.Filters(), ["nationality"])
    assert page.total is not None
    assert [r["cells"] for r in nationality["rows"]] == [
        [{"count": c.count, "display": c.display, "hidden": c.hidden} for c in row.cells]
        for row in page.rows
    ]
    for row in [*nationality["rows"], nationality["total"]]:
        for cell in row["cells"]:
            if cell["hidden"]:
                assert cell == {"count": None, "display": "<5", "hidden": "small"}
            else:
                assert cell["count"] % 5 == 0 and cell["display"] == str(cell["count"])
    assert nationality["total"]["cells"][0]["display"] == page.total.displays[0]
    assert_nothing_personal(response.content.decode(), world)


def test_filters_and_one_table(world: Any, analyst: Any) -> None:
    body = api_for(analyst).get(URL, {"table": "intake_month", "from_month": "2025-03"}).json()
    assert body["filters"]["from_month"] == "2025-03"
    (only,) = body["tables"]
    assert [(r["key"], r["cells"][0]["display"]) for r in only["rows"]] == [("2025-03", "5")]


def test_a_program_wide_token_sees_every_organization(world: Any, program_analyst: Any) -> None:
    client = api_for(program_analyst)
    body = client.get(URL, {"table": "nationality"}).json()
    assert body["scope"]["program_wide"] is True
    assert "VEN" in {r["key"] for r in body["tables"][0]["rows"]}
    body = client.get(URL, {"table": "nationality", "organization": world.other_org.slug}).json()
    assert {r["key"] for r in body["tables"][0]["rows"]} == {"VEN"}
    assert body["scope"]["organizations"] == [world.other_org.slug]


def test_bad_filters_are_422_naming_the_field(world: Any, analyst: Any) -> None:
    client = api_for(analyst)
    assert_error(client.get(URL, {"organization": world.other_org.slug}), 422, "organization")
    assert_error(client.get(URL, {"from_month": "2025-3"}), 422, "from_month")
    assert_error(client.get(URL, {"table": "people"}), 422, "table")


def test_an_auditor_token_is_refused(world: Any, auditor: Any) -> None:
    assert_error(api_for(auditor).get(URL), 403)


def test_without_a_token_it_is_401(world: Any) -> None:
    assert_error(ApiClient(None).get(URL), 401)


def test_a_token_without_the_read_scope_is_refused(world: Any, analyst: Any) -> None:
    assert_error(api_for(analyst, ["write"]).get(URL), 403)
