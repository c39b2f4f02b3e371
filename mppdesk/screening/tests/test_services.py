"""Screening services: facts, households never split, reviews, interviews, rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mppdesk.audit.models import AuditEntry
from mppdesk.core.errors import FieldErrors
from mppdesk.screening import services
from mppdesk.screening.models import DecisionStatus, GuidanceVersion, ScreeningDecision
from mppdesk.screening.tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db


def test_versions_are_seeded() -> None:
    assert set(GuidanceVersion.objects.values_list("code", flat=True)) == {
        "2019",
        "2021",
        "current",
    }


def test_record_facts_and_facts_for(personas: Any) -> None:
    person = make_person(personas.org, vulnerabilities=["pregnant"])
    services.record_facts(
        actor=personas.coordinator, person=person, flags=["lpr"], fear_expressed=True
    )
    facts = services.facts_for([person], on=timezone.localdate())[person.pk]
    assert facts.flags == frozenset({"lpr"})
    assert facts.fear_expressed and facts.fear_volunteered and not facts.fear_asked
    assert facts.vulnerabilities == frozenset({"pregnant"})
    assert facts.languages == frozenset({"spa"})
    assert AuditEntry.objects.filter(object_type="screening_facts").exists()


def test_record_facts_names_unknown_flag(personas: Any) -> None:
    person = make_person(personas.org)
    with pytest.raises(FieldErrors) as exc:
        services.record_facts(actor=personas.coordinator, person=person, flags=["nope"])
    assert "flags" in exc.value.errors


def test_caseworker_may_not_screen(personas: Any) -> None:
    person = make_person(personas.org)
    with pytest.raises(PermissionDenied):
        services.screen_household(actor=personas.caseworker, people=[person], version="2021")
    with pytest.raises(PermissionDenied):
        services.record_facts(actor=personas.caseworker, person=person, flags=[])


def test_facts_for_uses_few_queries(personas: Any) -> None:
    people = [make_person(personas.org) for _ in range(12)]
    with CaptureQueriesContext(connection) as ctx:
        services.facts_for(people, on=timezone.localdate())
    assert len(ctx) <= 3


def test_household_with_one_exempt_member_goes_to_review(personas: Any) -> None:
    _household, people = make_household(personas.org, {}, {"vulnerabilities": ["pregnant"]}, {})
    for p in people:
        services.record_facts(actor=personas.coordinator, person=p, fear_asked=True)
    result = services.screen_household(actor=personas.coordinator, people=people, version="2021")
    assert result.result == "review"
    assert [r.result for r in result.records] == ["amenable", "exempt", "amenable"]
    assert {r.household_result for r in result.records} == {"review"}
    assert any(r.member == 1 and r.rule == "2021.pregnant" for r in result.decision.reasons)
    latest = services.decisions_for([p.pk for p in people])
    assert {latest[p.pk].pk for p in people} == {r.pk for r in result.records}


def test_confirming_one_member_amenable_while_another_is_exempt_is_refused(
    personas: Any,
) -> None:
    _household, people = make_household(personas.org, {}, {"nationality": "MEX"})
    for p in people:
        services.record_facts(actor=personas.coordinator, person=p, fear_asked=True)
    result = services.screen_household(actor=personas.coordinator, people=people, version="2021")
    amenable, exempt = result.records
    assert (amenable.result, exempt.result) == ("amenable", "exempt")
    with pytest.raises(FieldErrors) as exc:
        services.confirm_decision(actor=personas.coordinator, decision=amenable)
    assert "result" in exc.value.errors
    amenable.refresh_from_db()
    assert amenable.status == DecisionStatus.PROPOSED
    # Deciding the exempt member alone is fine: nobody is finally amenable.
    services.confirm_decision(actor=personas.coordinator, decision=exempt)
    # The whole household together, one result for all.
    rows = services.review_household(
        actor=personas.coordinator, decisions=[amenable, exempt], result="exempt", note="family"
    )
    assert {r.effective_result for r in rows} == {"exempt"}
    assert {r.status for r in rows} == {DecisionStatus.OVERRIDDEN, DecisionStatus.CONFIRMED}


def test_review_household_needs_every_member(personas: Any) -> None:
    _household, people = make_household(personas.org, {}, {})
    result = services.screen_household(actor=personas.coordinator, people=people, version="2019")
    with pytest.raises(FieldErrors) as exc:
        services.review_household(
            actor=personas.coordinator, decisions=result.records[:1], result="amenable"
        )
    assert "decisions" in exc.value.errors


def test_override_needs_a_reason(personas: Any) -> None:
    person = make_person(personas.org)
    row = services.screen_household(
        actor=personas.coordinator, people=[person], version="2019"
    ).records[0]
    with pytest.raises(FieldErrors) as exc:
        services.override_decision(
            actor=personas.coordinator, decision=row, result="exempt", note=""
        )
    assert "note" in exc.value.errors
    done = services.override_decision(
        actor=personas.coordinator, decision=row, result="exempt", note="medical record"
    )
    assert done.status == DecisionStatus.OVERRIDDEN and done.reviewer == personas.coordinator
    assert ScreeningDecision.objects.get(pk=row.pk).note == "medical record"


def test_2021_interview_within_24_hours_of_counsel_is_refused(personas: Any) -> None:
    person = make_person(personas.org)
    notified = timezone.now()
    with pytest.raises(FieldErrors) as exc:
        services.record_interview(
            actor=personas.coordinator,
            person=person,
            version="2021",
            fear_how="asked",
            counsel_notified_at=notified,
            interview_at=notified + dt.timedelta(hours=23, minutes=59),
        )
    assert list(exc.value.errors) == ["interview_at"]
    interview = services.record_interview(
        actor=personas.coordinator,
        person=person,
        version="2021",
        fear_how="asked",
        counsel_notified_at=notified,
        interview_at=notified + dt.timedelta(hours=24),
        outcome="positive",
    )
    assert interview.earliest_interview_at == notified + dt.timedelta(hours=24)
    assert interview.standard == "reasonable_possibility"
    decision = services.screen_household(
        actor=personas.coordinator, people=[person], version="2021"
    ).records[0]
    assert decision.result == "exempt"
    assert [r["rule"] for r in decision.reasons] == ["2021.fear"]


def test_2021_interview_time_needs_counsel_notice(personas: Any) -> None:
    person = make_person(personas.org)
    with pytest.raises(FieldErrors) as exc:
        services.record_interview(
            actor=personas.coordinator,
            person=person,
            version="2021",
            fear_how="asked",
            interview_at=timezone.now(),
        )
    assert "counsel_notified_at" in exc.value.errors


def test_2019_interview_only_for_volunteered_fear(personas: Any) -> None:
    person = make_person(personas.org)
    with pytest.raises(FieldErrors) as exc:
        services.record_interview(
            actor=personas.coordinator, person=person, version="2019", fear_how="asked"
        )
    assert "fear_how" in exc.value.errors
    interview = services.record_interview(
        actor=personas.coordinator,
        person=person,
        version="2019",
        fear_how="volunteered",
        interview_at=timezone.now(),
        outcome="negative",
    )
    assert interview.standard == "more_likely_than_not"
    decision = services.screen_household(
        actor=personas.coordinator, people=[person], version="2019"
    ).records[0]
    assert decision.result == "amenable"


def test_only_an_admin_edits_the_current_rules(personas: Any, admin: Any) -> None:
    data = services.ruleset("current").to_json()
    data["elderly_age"] = 60
    with pytest.raises(PermissionDenied):
        services.update_current_rules(actor=personas.coordinator, data=data)
    services.update_current_rules(actor=admin, data=data)
    assert services.ruleset("current").elderly_age == 60
    assert services.ruleset("2021").elderly_age == 65
    with pytest.raises(FieldErrors) as exc:
        services.update_current_rules(actor=admin, data={**data, "elderly_age": 5})
    assert "elderly_age" in exc.value.errors
    person = make_person(
        personas.org, birth_date=timezone.localdate() - dt.timedelta(days=365 * 62)
    )
    services.record_facts(actor=personas.coordinator, person=person, fear_asked=True)
    row = services.screen_household(
        actor=personas.coordinator, people=[person], version="current"
    ).records[0]
    assert [r["rule"] for r in row.reasons] == ["current.elderly"]
