"""Issue 11, "Do no harm", through the screening services, API and pages: the protected
rules cannot be turned off or overridden, children alone and households of children
screen exempt, facts carry the age on the day asked."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.core.errors import FieldErrors
from mppdesk.people.models import PersonLanguage
from mppdesk.screening import engine, services
from mppdesk.screening.models import DecisionStatus, GuidanceVersion
from mppdesk.screening.tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db


def _years_ago(years: int, *, days: int = 0) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=1) - dt.timedelta(days=days)


@pytest.mark.parametrize("rule", sorted(engine.PROTECTED_RULES))
def test_an_admin_cannot_turn_off_a_protected_rule(admin: Any, rule: str) -> None:
    before = GuidanceVersion.objects.get(code="current").rules
    data = services.ruleset("current").to_json()
    data["enabled"] = [k for k in data["enabled"] if k != rule]
    with pytest.raises(FieldErrors) as exc:
        services.update_current_rules(actor=admin, data=data)
    assert list(exc.value.errors) == ["enabled"]
    assert f"current.{rule}" in exc.value.errors["enabled"][0]
    assert GuidanceVersion.objects.get(code="current").rules == before
    assert rule in services.ruleset("current").enabled


def test_turning_off_two_protected_rules_names_both(admin: Any) -> None:
    data = services.ruleset("current").to_json()
    data["enabled"] = [k for k in data["enabled"] if k not in ("fear", "unaccompanied_child")]
    with pytest.raises(FieldErrors) as exc:
        services.update_current_rules(actor=admin, data=data)
    text = " ".join(exc.value.errors["enabled"])
    assert "current.fear" in text and "current.unaccompanied_child" in text


def test_an_admin_may_still_turn_off_the_other_new_review_rules(admin: Any) -> None:
    data = services.ruleset("current").to_json()
    data["enabled"] = [k for k in data["enabled"] if k not in ("disability", "language_unknown")]
    services.update_current_rules(actor=admin, data=data)
    current = services.ruleset("current")
    assert "disability" not in current.enabled and "age_unknown" in current.enabled


def test_api_refuses_turning_off_the_child_rule_naming_it(admin: Any) -> None:
    _token, secret = create_api_token(actor=None, user=admin, name="t")
    api = ApiClient(secret)
    data = services.ruleset("current").to_json()
    data["enabled"] = [k for k in data["enabled"] if k != "unaccompanied_child"]
    response = api.patch("/api/v1/screening/rules/current", data)
    assert_error(response, 422, "enabled")
    assert "current.unaccompanied_child" in response.content.decode()


def test_rules_page_refuses_turning_off_fear_naming_it(admin_client: Client) -> None:
    data = services.ruleset("current").to_json()
    response = admin_client.post(
        reverse("screening:rules"),
        {
            "enabled": [k for k in data["enabled"] if k != "fear"],
            "elderly_age": "65",
            "health_vulnerabilities": data["health_vulnerabilities"],
            "fear_standard": data["fear_standard"],
            "counsel_hours": "24",
        },
    )
    assert response.status_code == 400
    assert "current.fear" in " ".join(response.context["form"].errors["enabled"])
    assert "cannot be turned off" in response.content.decode()


def test_a_stored_current_row_without_a_protected_rule_loads_as_the_2021_copy() -> None:
    row = GuidanceVersion.objects.get(code="current")
    data = engine.rules_for("2021").to_json()
    data["enabled"] = [k for k in data["enabled"] if k != "unaccompanied_child"]
    data["elderly_age"] = 70
    GuidanceVersion.objects.filter(pk=row.pk).update(rules=data)
    rules = services.ruleset("current")
    assert engine.PROTECTED_RULES <= rules.enabled
    assert rules.elderly_age == 65


def test_migration_puts_protected_and_new_review_rules_back_keeping_edits() -> None:
    migration = importlib.import_module(
        "mppdesk.screening.migrations.0003_current_rules_protect_children"
    )
    data = engine.rules_for("2021").to_json()
    data["enabled"] = [k for k in data["enabled"] if k not in {"fear", *engine.REVIEW_RULES}]
    data["elderly_age"] = 70
    GuidanceVersion.objects.filter(code="current").update(rules=data)
    migration.add_rules(django_apps, None)
    rules = services.ruleset("current")
    assert engine.PROTECTED_RULES | engine.REVIEW_RULES <= rules.enabled
    assert rules.elderly_age == 70


@pytest.mark.parametrize("version", engine.VERSIONS)
def test_a_lone_12_year_old_screens_exempt(personas: Any, version: str) -> None:
    child = make_person(personas.org, birth_date=_years_ago(12))
    services.record_facts(actor=personas.coordinator, person=child, fear_asked=True)
    result = services.screen_person(actor=personas.coordinator, person=child, version=version)
    assert result.records[0].result == "exempt"
    assert result.records[0].reasons[0]["rule"] == f"{version}.unaccompanied_child"


def test_a_household_of_two_young_children_screens_exempt(personas: Any) -> None:
    _household, people = make_household(
        personas.org, {"birth_date": _years_ago(9)}, {"birth_date": _years_ago(5)}
    )
    for p in people:
        services.record_facts(actor=personas.coordinator, person=p, fear_asked=True)
    result = services.screen_household(actor=personas.coordinator, people=people, version="2021")
    assert result.result == "review"
    assert [r.result for r in result.records] == ["exempt", "exempt"]


def test_a_reviewer_cannot_make_an_unaccompanied_child_amenable(personas: Any) -> None:
    child = make_person(personas.org, birth_date=_years_ago(12))
    services.record_facts(actor=personas.coordinator, person=child, fear_asked=True)
    row = services.screen_person(actor=personas.coordinator, person=child, version="2021")
    decision = row.records[0]
    with pytest.raises(FieldErrors) as exc:
        services.override_decision(
            actor=personas.coordinator, decision=decision, result="amenable", note="looks 20"
        )
    assert "2021.unaccompanied_child" in exc.value.errors["result"][0]
    with pytest.raises(FieldErrors):
        services.review_household(
            actor=personas.coordinator, decisions=[decision], result="amenable", note="x"
        )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PROPOSED
    # Confirming the exemption is of course fine.
    services.confirm_decision(actor=personas.coordinator, decision=decision)


def test_a_reviewer_cannot_make_a_pending_fear_interview_amenable(personas: Any) -> None:
    person = make_person(personas.org)
    services.record_facts(
        actor=personas.coordinator, person=person, fear_asked=True, fear_expressed=True
    )
    decision = services.screen_person(
        actor=personas.coordinator, person=person, version="2021"
    ).records[0]
    assert decision.result == "review"
    with pytest.raises(FieldErrors) as exc:
        services.override_decision(
            actor=personas.coordinator, decision=decision, result="amenable", note="no"
        )
    assert "2021.fear_interview_pending" in exc.value.errors["result"][0]
    # Other review reasons may still be decided by a reviewer (a disability).
    other = make_person(personas.org, vulnerabilities=["disability"])
    services.record_facts(actor=personas.coordinator, person=other, fear_asked=True)
    row = services.screen_person(actor=personas.coordinator, person=other, version="2021")
    done = services.override_decision(
        actor=personas.coordinator, decision=row.records[0], result="amenable", note="walks"
    )
    assert done.effective_result == "amenable"


def test_facts_carry_the_age_on_the_day_asked(personas: Any) -> None:
    today = timezone.localdate()
    birthday = today + dt.timedelta(days=10)  # the 18th birthday, ten days from now
    if (birthday.month, birthday.day) == (2, 29):
        birthday += dt.timedelta(days=1)
    birth = dt.date(birthday.year - 18, birthday.month, birthday.day)
    turning = make_person(personas.org, birth_date=birth)
    year_only = make_person(personas.org, birth_date=None, birth_year=today.year - 30)
    unknown = make_person(personas.org, birth_date=None, birth_year=None)
    facts = services.facts_for([turning, year_only, unknown], on=today)
    assert facts[turning.pk].age == 17
    assert services.facts_for([turning], on=birthday)[turning.pk].age == 18
    assert facts[year_only.pk].birth_year_only and facts[year_only.pk].age == 30
    assert not facts[turning.pk].birth_year_only
    assert facts[unknown.pk].age is None


def test_no_language_and_indigenous_language_through_the_database(personas: Any) -> None:
    silent = make_person(personas.org)
    PersonLanguage.objects.filter(person=silent).delete()
    mam = make_person(personas.org)
    PersonLanguage.objects.filter(person=mam).update(code="mam")
    for p in (silent, mam):
        services.record_facts(actor=personas.coordinator, person=p, fear_asked=True)
    silent_row = services.screen_person(actor=personas.coordinator, person=silent, version="2021")
    assert silent_row.records[0].reasons[0]["rule"] == "2021.language_unknown"
    mam_row = services.screen_person(actor=personas.coordinator, person=mam, version="current")
    assert [r["rule"] for r in mam_row.records[0].reasons] == ["current.indigenous"]
