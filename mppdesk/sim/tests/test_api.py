"""GET /api/v1/simulations: the simulator for tokens whose role has ``sim.run``."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.sim import services
from mppdesk.sim.report import OUTCOME_NAMES

pytestmark = pytest.mark.django_db

URL = "/api/v1/simulations"
QUICK = {"runs": 4, "seed": 2}


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def api_for(user: Any, scopes: list[str] | None = None) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="sim", scopes=scopes)
    return ApiClient(secret)


def test_a_read_token_runs_a_what_if(analyst: Any) -> None:
    response = api_for(analyst, ["read"]).get(URL, {**QUICK, "reminders": "true"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scenario"] == "baseline-2019" and body["levers"] == {"reminders": True}
    assert [o["name"] for o in body["outcomes"]] == list(OUTCOME_NAMES)
    missed = next(o for o in body["outcomes"] if o["name"] == "failure_to_appear_rate")
    assert missed["scenario"]["mean"] < missed["baseline"]["mean"]
    assert {"mean", "low", "high"} == set(missed["change"])
    assert body["scale"] == services.WEB_SCALE
    assert body["parameters"]["reminder_effect"]["value"] == [0.13, 0.4]
    assert "Fishbane" in body["parameters"]["reminder_effect"]["source"]
    assert len(body["calibration"]) >= 6


def test_the_same_question_gets_the_same_answer(analyst: Any) -> None:
    client = api_for(analyst)
    first = client.get(URL, QUICK).json()
    cache.clear()
    again = client.get(URL, QUICK).json()
    first.pop("seconds"), again.pop("seconds")
    assert first == again


def test_a_case_worker_token_is_refused(personas: Any) -> None:
    assert_error(api_for(personas.caseworker).get(URL, QUICK), 403)


def test_no_token_is_401(db: Any) -> None:
    assert ApiClient(None).get(URL).status_code == 401


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"runs": 51}, "runs"),
        ({"runs": 0}, "runs"),
        ({"scenario": "mpp-2030"}, "scenario"),
        ({"counsel_rate": 2}, "counsel_rate"),
        ({"judges_factor": 0}, "judges_factor"),
        ({"wait_weeks": -1}, "wait_weeks"),
        ({"reminders": "true", "transport": "true"}, "levers"),
        ({"seed": -5}, "seed"),
        ({"runs": "many"}, "runs"),
    ],
)
def test_bad_input_names_the_field(analyst: Any, query: dict[str, Any], field: str) -> None:
    assert_error(api_for(analyst).get(URL, {**QUICK, **query}), 422, field)


def test_current_counts_the_tokens_organization(installation: Any, analyst: Any) -> None:
    body = api_for(analyst).get(URL, {**QUICK, "scenario": "current"}).json()
    assert body["parameters"]["initial"]["value"]["people"] == 30
    assert body["calibration"] == []
    # A small installation is simulated whole: scaling it down would only add noise.
    assert body["scale"] == 1.0
    people = next(o for o in body["outcomes"] if o["name"] == "people")
    assert people["baseline"]["mean"] == 30 + 40
