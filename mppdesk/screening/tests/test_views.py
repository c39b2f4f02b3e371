"""Screening pages: who sees and acts, field errors, the household rule, the rules page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mppdesk.screening import services
from mppdesk.screening.models import ScreeningDecision
from mppdesk.screening.tests.conftest import make_household, make_person

pytestmark = pytest.mark.django_db


def test_coordinator_sees_a_persons_screening_with_reasons(
    personas: Any, coordinator_client: Client
) -> None:
    person = make_person(personas.org, nationality="MEX")
    services.screen_household(actor=personas.coordinator, people=[person], version="2021")
    response = coordinator_client.get(reverse("screening:person", kwargs={"pk": person.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "2021.mexican_national" in body
    assert "Mexican citizens or nationals are not amenable." in body


def test_reasons_are_shown_in_spanish(personas: Any, coordinator_client: Client) -> None:
    person = make_person(personas.org, nationality="MEX")
    services.screen_household(actor=personas.coordinator, people=[person], version="2021")
    coordinator_client.cookies["django_language"] = "es"
    response = coordinator_client.get(reverse("screening:person", kwargs={"pk": person.pk}))
    body = response.content.decode()
    assert "Los ciudadanos o nacionales mexicanos no son elegibles." in body


def test_outsider_gets_404(personas: Any, outsider_client: Client) -> None:
    _household, people = make_household(personas.org, {}, {})
    services.screen_household(actor=personas.coordinator, people=people, version="2021")
    decision = ScreeningDecision.objects.filter(person=people[0]).get()
    for url in (
        reverse("screening:person", kwargs={"pk": people[0].pk}),
        reverse("screening:household", kwargs={"pk": _household.pk}),
    ):
        assert outsider_client.get(url).status_code == 404
    # The outsider is a case worker: acting is refused before any lookup.
    url = reverse("screening:decision_review", kwargs={"pk": decision.pk})
    assert outsider_client.post(url, {"result": "amenable"}).status_code == 403


def test_caseworker_sees_but_may_not_screen(personas: Any, caseworker_client: Client) -> None:
    person = make_person(personas.org)
    url = reverse("screening:person", kwargs={"pk": person.pk})
    response = caseworker_client.get(url)
    assert response.status_code == 200
    assert (
        reverse("screening:person_screen", kwargs={"pk": person.pk})
        not in response.content.decode()
    )
    post = caseworker_client.post(
        reverse("screening:person_screen", kwargs={"pk": person.pk}), {"version": "2021"}
    )
    assert post.status_code == 403
    assert caseworker_client.get(reverse("screening:queue")).status_code == 403


def test_screen_and_review_a_household_never_split(
    personas: Any, coordinator_client: Client
) -> None:
    household, people = make_household(personas.org, {}, {"vulnerabilities": ["lgbtq"]})
    for p in people:
        services.record_facts(actor=personas.coordinator, person=p, fear_asked=True)
    response = coordinator_client.post(
        reverse("screening:household_screen", kwargs={"pk": household.pk}), {"version": "2021"}
    )
    assert response.status_code == 302
    queue = coordinator_client.get(reverse("screening:queue")).content.decode()
    assert reverse("screening:household", kwargs={"pk": household.pk}) in queue
    lead_decision = services.decisions_for([people[0].pk])[people[0].pk]
    refused = coordinator_client.post(
        reverse("screening:decision_review", kwargs={"pk": lead_decision.pk}),
        {"result": "amenable", "note": ""},
    )
    assert refused.status_code == 400
    assert "never split" in refused.content.decode()
    together = coordinator_client.post(
        reverse("screening:household_review", kwargs={"pk": household.pk}),
        {"result": "exempt", "note": "family stays together"},
    )
    assert together.status_code == 302
    latest = services.decisions_for([p.pk for p in people])
    assert {d.effective_result for d in latest.values()} == {"exempt"}
    page = coordinator_client.get(reverse("screening:household", kwargs={"pk": household.pk}))
    assert page.status_code == 200


def test_interview_form_names_the_field(personas: Any, coordinator_client: Client) -> None:
    person = make_person(personas.org)
    notified = timezone.localtime().replace(second=0, microsecond=0)
    response = coordinator_client.post(
        reverse("screening:person_interview", kwargs={"pk": person.pk}),
        {
            "version": "2021",
            "fear_how": "asked",
            "counsel_notified_at": notified.strftime("%Y-%m-%dT%H:%M"),
            "interview_at": (notified + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    form = response.context["interview_form"]
    assert "interview_at" in form.errors


def test_facts_form_saves(personas: Any, coordinator_client: Client) -> None:
    person = make_person(personas.org)
    response = coordinator_client.post(
        reverse("screening:person_facts", kwargs={"pk": person.pk}),
        {"flags": ["lpr"], "fear_asked": "on"},
    )
    assert response.status_code == 302
    facts = services.facts_for([person], on=timezone.localdate())[person.pk]
    assert facts.flags == frozenset({"lpr"}) and facts.fear_asked


def test_only_an_admin_edits_the_current_rules(
    personas: Any, coordinator_client: Client, admin_client: Client
) -> None:
    url = reverse("screening:rules")
    assert coordinator_client.get(url).status_code == 403
    assert admin_client.get(url).status_code == 200
    data = services.ruleset("current").to_json()
    bad = admin_client.post(url, {**data, "elderly_age": "7", "enabled": data["enabled"]})
    assert bad.status_code == 400
    assert "elderly_age" in bad.context["form"].errors
    ok = admin_client.post(
        url,
        {
            "enabled": [k for k in data["enabled"] if k != "lgbtq"],
            "elderly_age": "60",
            "health_vulnerabilities": data["health_vulnerabilities"],
            "fear_standard": data["fear_standard"],
            "counsel_hours": "24",
        },
    )
    assert ok.status_code == 302
    current = services.ruleset("current")
    assert current.elderly_age == 60 and "lgbtq" not in current.enabled
