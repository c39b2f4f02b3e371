"""The simulator page: chart and table in English and Spanish, who may open it, bad input."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from mppdesk.accounts.models import Membership
from mppdesk.sim.tests.conftest import member, signed_in

pytestmark = pytest.mark.django_db

URL = "/simulator/"
QUICK = {"scenario": "baseline-2019", "lever": "reminders", "runs": "4", "seed": "1"}


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_an_analyst_sees_the_comparison_as_a_chart_and_a_table(analyst: Any) -> None:
    response = signed_in(analyst).get(URL, QUICK)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'role="img"' in html
    assert "<table" in html and "<caption>Outcomes</caption>" in html
    assert "People who missed a hearing" in html and "What if" in html
    # The calibration table, with the sources.
    assert "Calibration" in html and "TRAC Dec 2019" in html
    assert "style=" not in html  # the Content-Security-Policy refuses inline styles
    assert "no-store" in response["Cache-Control"]
    # Every charted bar has its figure in the table too.
    bars = re.findall(r"<title>(?:Baseline|What if): ([^<]+)</title>", html)
    assert len(bars) == 16
    for figure in bars:
        assert figure in html.replace(f"<title>Baseline: {figure}</title>", "")


def test_the_page_is_in_spanish(analyst: Any) -> None:
    html = signed_in(analyst, "es").get(URL, QUICK).content.decode()
    assert "Simulador del programa" in html
    assert "Personas que faltaron a una audiencia" in html
    assert "Qué pasaría si" in html
    assert "," in re.search(r"(\d+,\d) %", html).group(0)  # decimal comma


def test_the_default_view_compares_reminders(analyst: Any, settings: Any) -> None:
    response = signed_in(analyst).get(URL)
    assert response.status_code == 200
    assert "Hearing reminders" in response.content.decode()


def test_a_coordinator_may_run_it(personas: Any) -> None:
    assert signed_in(personas.coordinator).get(URL, QUICK).status_code == 200


@pytest.mark.parametrize("role", [Membership.Role.CASEWORKER, Membership.Role.AUDITOR,
                                  Membership.Role.ATTORNEY])  # fmt: skip
def test_roles_without_sim_run_get_403(personas: Any, role: str) -> None:
    user = member(personas.org, role, f"u-{role}")
    assert signed_in(user).get(URL, QUICK).status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(db: Any) -> None:
    response = Client().get(URL, QUICK)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_posting_is_refused(analyst: Any) -> None:
    assert signed_in(analyst).post(URL, QUICK).status_code == 405


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"runs": "999"}, "Ensure this value is less than or equal to 50."),
        ({"lever": "counsel_rate", "value": ""}, "Give a value for this lever."),
        ({"lever": "counsel_rate", "value": "1.5"}, "A share between 0 and 1."),
        ({"lever": "wait_weeks", "value": "4.5"}, "Give whole weeks."),
        ({"scenario": "2030"}, "Select a valid choice."),
    ],
)
def test_bad_input_is_shown_next_to_its_field(
    analyst: Any, query: dict[str, str], message: str
) -> None:
    response = signed_in(analyst).get(URL, {**QUICK, **query})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert '<svg class="chart"' not in response.content.decode()


def test_current_with_nothing_to_project_is_a_message_not_an_error(analyst: Any) -> None:
    response = signed_in(analyst).get(URL, {**QUICK, "scenario": "current"})
    assert response.status_code == 400
    assert "Nothing to project" in response.content.decode()


def test_current_shows_the_installations_projection(installation: Any, analyst: Any) -> None:
    response = signed_in(analyst).get(URL, {**QUICK, "scenario": "current"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "This installation, next 26 weeks" in html
    assert "Calibration" not in html
    # No name or A-number of anyone waiting.
    for case in installation.cases:
        assert case.a_number not in html
        assert case.lead.family_names not in html


def test_fields_left_out_take_their_defaults(analyst: Any) -> None:
    response = signed_in(analyst).get(URL, {"lever": "transport", "runs": "4"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Transport to the port on hearing days" in html and "4 runs from seed 1" in html


def test_chart_coordinates_are_not_localized(analyst: Any) -> None:
    """Spanish writes 12,5; an SVG coordinate must stay 12.5."""
    html = signed_in(analyst, "es").get(URL, QUICK).content.decode()
    svg = html[html.index('<svg class="chart"') : html.index("</svg>")]
    svg = svg[svg.index(">") + 1 :]  # the shapes inside (the element itself is 100% wide)
    coordinates = re.findall(r'\b(?:x|y|x1|x2|y1|y2|width|height)="([^"]*)"', svg)
    assert coordinates
    assert all(re.fullmatch(r"-?\d+(\.\d+)?", value) for value in coordinates), coordinates
