"""Screening pages: a person's panel, a household, the review queue, the current rules.

Viewing needs ``person.read`` (the records are personal data, scoped like the person);
acting needs ``screening.decide`` in the person's organization; the rules page needs
``screening.rules.manage``. URLs carry random UUIDs only."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mppdesk.accounts.models import User
from mppdesk.accounts.permissions import Action
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.people import queries as people_queries
from mppdesk.people.models import Person
from mppdesk.screening import queries, services
from mppdesk.screening.forms import (
    FactsForm,
    InterviewForm,
    ReviewForm,
    RulesForm,
    ScreenForm,
)
from mppdesk.screening.labels import FLAG_LABELS, display_reasons
from mppdesk.screening.models import VersionCode
from mppdesk.web.access import requires
from mppdesk.web.request import current_user


def _decision_context(decision: Any) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {"row": decision, "reasons": display_reasons(decision.reasons)}


def _person_page(
    request: HttpRequest, person: Person, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = current_user(request)
    facts, decision = queries.screening_for_view(user, person)
    household = people_queries.household_of(person)
    may_decide = queries.may_decide(user, person.organization_id)
    facts_form = forms.get("facts_form") or FactsForm(
        initial={
            "flags": facts.flags if facts else [],
            "fear_asked": facts.fear_asked if facts else False,
            "fear_expressed": facts.fear_expressed if facts else False,
            "fear_how": facts.fear_how if facts else "",
        }
    )
    context = {
        "person": person,
        "facts": facts,
        "flag_labels": [FLAG_LABELS[f] for f in (facts.flags if facts else []) if f in FLAG_LABELS],
        "decision": _decision_context(decision),
        "interviews": list(queries.interviews_of(user, person)),
        "household": household,
        "may_decide": may_decide,
        "facts_form": facts_form,
        "screen_form": forms.get("screen_form") or ScreenForm(initial={"version": "current"}),
        "review_form": forms.get("review_form")
        or ReviewForm(initial={"result": decision.result if decision else ""}),
        "interview_form": forms.get("interview_form")
        or InterviewForm(initial={"version": decision.version if decision else "current"}),
    }
    return render(request, "screening/person.html", context, status=status)


def _require_decide(user: User, organization_id: int) -> None:
    """Acting needs ``screening.decide`` in the record's (owning) organization; a record
    shared with the user's organization may be read but not decided."""
    if not queries.may_decide(user, organization_id):
        raise PermissionDenied


def _saved(
    request: HttpRequest, form: Form, save: Callable[[dict[str, Any]], object], message: str
) -> bool:
    """Whether a posted ``form`` was valid and ``save(cleaned_data)`` succeeded (then
    ``message`` is shown on the next page). A service's ``FieldErrors`` go back on the
    form's fields."""
    if not form.is_valid():
        return False
    try:
        save(form.cleaned_data)
    except FieldErrors as exc:
        apply_field_errors(form, exc.errors)
        return False
    messages.success(request, message)
    return True


def _decide_person(request: HttpRequest, pk: UUID) -> Person:
    user = current_user(request)
    person: Person = people_queries.get_person(user, pk)
    _require_decide(user, person.organization_id)
    return person


@requires(Action.PERSON_READ)
@require_GET
def person_screening(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A person's screening: facts, fear, interviews, the latest decision and its reasons."""
    person = people_queries.get_person(current_user(request), pk)
    return _person_page(request, person)


@requires(Action.SCREENING_DECIDE)
@require_POST
def person_facts(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = _decide_person(request, pk)
    form = FactsForm(request.POST)

    def save(data: dict[str, Any]) -> None:
        services.record_facts(
            actor=current_user(request),
            person=person,
            flags=data["flags"],
            fear_asked=data["fear_asked"],
            fear_expressed=data["fear_expressed"],
            fear_how=data["fear_how"] or None,
        )

    if _saved(request, form, save, _("Screening facts saved.")):
        return redirect("screening:person", pk=person.pk)
    return _person_page(request, person, status=400, facts_form=form)


@requires(Action.SCREENING_DECIDE)
@require_POST
def person_screen(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Screens the person with their whole household."""
    person = _decide_person(request, pk)
    form = ScreenForm(request.POST)
    if form.is_valid():
        services.screen_person(
            actor=current_user(request), person=person, version=form.cleaned_data["version"]
        )
        messages.success(request, _("Screened; the decision is proposed for review."))
        return redirect("screening:person", pk=person.pk)
    return _person_page(request, person, status=400, screen_form=form)


@requires(Action.SCREENING_DECIDE)
@require_POST
def person_interview(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = _decide_person(request, pk)
    form = InterviewForm(request.POST)

    def save(data: dict[str, Any]) -> None:
        services.record_interview(
            actor=current_user(request),
            person=person,
            version=data["version"],
            fear_how=data["fear_how"],
            counsel_notified_at=data["counsel_notified_at"],
            interview_at=data["interview_at"],
            outcome=data["outcome"],
            notes=data["notes"],
        )

    if _saved(request, form, save, _("Interview recorded.")):
        return redirect("screening:person", pk=person.pk)
    return _person_page(request, person, status=400, interview_form=form)


@requires(Action.SCREENING_DECIDE)
@require_POST
def decision_review(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Confirms (same result) or overrides (another result, with a reason) a decision."""
    user = current_user(request)
    decision = queries.get_decision(user, pk)
    _require_decide(user, decision.organization_id)
    form = ReviewForm(request.POST)

    def save(data: dict[str, Any]) -> None:
        result, note = data["result"], data["note"]
        if result == decision.result:
            services.confirm_decision(actor=user, decision=decision, note=note)
        else:
            services.override_decision(actor=user, decision=decision, result=result, note=note)

    if _saved(request, form, save, _("Decision recorded.")):
        return redirect("screening:person", pk=decision.person_id)
    return _person_page(request, decision.person, status=400, review_form=form)


def _household_page(
    request: HttpRequest, pk: UUID, *, status: int = 200, form: ReviewForm | None = None
) -> HttpResponse:
    user = current_user(request)
    household = people_queries.get_household(user, pk)
    members = list(household.members.select_related("person").order_by("id"))
    latest = services.decisions_for([m.person_id for m in members])
    rows = [
        {"member": m, "person": m.person, "decision": _decision_context(latest.get(m.person_id))}
        for m in members
    ]
    household_result = (
        "amenable"
        if latest
        and len(latest) == len(members)
        and all(d.effective_result == "amenable" for d in latest.values())
        else "review"
    )
    queries.record_household_screening_viewed(user, household)
    context = {
        "household": household,
        "rows": rows,
        "household_result": household_result,
        "all_screened": len(latest) == len(members),
        "may_decide": queries.may_decide(user, household.organization_id),
        "review_form": form or ReviewForm(),
        "screen_form": ScreenForm(initial={"version": "current"}),
    }
    return render(request, "screening/household.html", context, status=status)


@requires(Action.PERSON_READ)
@require_GET
def household_screening(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Every member of a household, each latest decision, and the household's result."""
    return _household_page(request, pk)


@requires(Action.SCREENING_DECIDE)
@require_POST
def household_review(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Decides the whole household together (one result for all: never split)."""
    user = current_user(request)
    household = people_queries.get_household(user, pk)
    _require_decide(user, household.organization_id)
    form = ReviewForm(request.POST)

    def save(data: dict[str, Any]) -> None:
        decisions = services.latest_household_decisions(household)
        if not decisions:
            raise FieldErrors({"result": [_("Screen the household first.")]})
        services.review_household(
            actor=user, decisions=decisions, result=data["result"], note=data["note"]
        )

    if _saved(request, form, save, _("Household decision recorded.")):
        return redirect("screening:household", pk=household.pk)
    return _household_page(request, pk, status=400, form=form)


@requires(Action.SCREENING_DECIDE)
@require_POST
def household_screen(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    household = people_queries.get_household(user, pk)
    _require_decide(user, household.organization_id)
    form = ScreenForm(request.POST)
    people = [m.person for m in household.members.select_related("person").order_by("id")]
    if form.is_valid() and people:
        services.screen_household(actor=user, people=people, version=form.cleaned_data["version"])
        messages.success(request, _("Screened; the decision is proposed for review."))
    return redirect("screening:household", pk=household.pk)


@requires(Action.SCREENING_DECIDE)
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    """Households (and people alone) whose latest screening is in review."""
    rows = [
        {"row": row, "reasons": display_reasons(row.reasons)}
        for row in queries.review_queue(current_user(request))
    ]
    return render(request, "screening/queue.html", {"rows": rows})


@requires(Action.SCREENING_RULES_MANAGE)
@require_http_methods(["GET", "POST"])
def current_rules(request: HttpRequest) -> HttpResponse:
    """The administrator's page to edit the "current" rules and parameters."""
    rules = services.ruleset(VersionCode.CURRENT)
    if request.method == "POST":
        form = RulesForm(request.POST)

        def save(data: dict[str, Any]) -> None:
            services.update_current_rules(actor=current_user(request), data=form.rules_json())

        if _saved(request, form, save, _("The current rules were saved.")):
            return redirect("screening:rules")
        return render(request, "screening/rules.html", {"form": form}, status=400)
    form = RulesForm(initial=rules.to_json())
    return render(request, "screening/rules.html", {"form": form})
