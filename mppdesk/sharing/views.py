"""Web pages for referrals: the "Access and referrals" panel of a person, the incoming
and outgoing lists, and the POSTed actions (refer, accept, reject, revoke).

The panel is loaded into the person page with htmx from its own URL, so the people app
does not depend on this one; without JavaScript the panel's link opens the same content
as a page. Reads go through ``people.queries`` and ``sharing.queries`` (404 for what the
user may not see); writes through ``sharing.services``. URLs carry only random UUIDs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mppdesk.accounts.permissions import Action
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.people import queries as people_queries
from mppdesk.sharing import queries, services
from mppdesk.sharing.forms import DecisionForm, ReferralForm
from mppdesk.sharing.models import ReferralStatus
from mppdesk.web.access import requires
from mppdesk.web.request import current_user, is_htmx

if TYPE_CHECKING:
    from mppdesk.people.models import Person

PAGE_SIZE = 25


# --- the person's panel ----------------------------------------------------------------


def _panel_context(
    request: HttpRequest, person: Person, form: ReferralForm | None = None, notice: str = ""
) -> dict[str, Any]:
    user = current_user(request)
    owner_side, referrals = queries.person_referrals_for_view(user, person)
    may_refer = queries.may_refer(user, person)
    for referral in referrals:
        referral.may_revoke = queries.may_revoke(user, referral)  # type: ignore[attr-defined]
    targets = queries.referral_targets(person) if may_refer else None
    if may_refer and form is None:
        form = ReferralForm(organizations=targets, initial={"consent_given_at": timezone.now()})
    return {
        "person": person,
        "access": queries.access_list(person),
        "owner_side": owner_side,
        "may_refer": may_refer and targets is not None and targets.exists(),
        "referrals": referrals,
        "form": form if may_refer else None,
        "notice": notice,
    }


def _render_panel(
    request: HttpRequest, person: Person, status: int = 200, **extra: Any
) -> HttpResponse:
    context = _panel_context(request, person, **extra)
    if is_htmx(request):
        # htmx swaps only 2xx responses: form errors come back as 200 with the errors shown.
        return render(request, "sharing/_access_panel.html", context)
    return render(request, "sharing/person_access.html", context, status=status)


@requires(Action.PERSON_READ)
@require_GET
def person_access(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Who has access to the person, their referrals and (owner only) the Refer form."""
    person = people_queries.get_person(current_user(request), pk)
    return _render_panel(request, person)


@requires(Action.REFERRAL_SEND)
@require_POST
def refer(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    person = people_queries.get_person(user, pk)
    form = ReferralForm(request.POST, organizations=queries.referral_targets(person))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.refer_person(
                actor=user,
                person=person,
                to_organization=data.get("to_organization"),
                consent_given_at=data.get("consent_given_at"),
                consent_method=data.get("consent_method") or "",
                consent_note=data.get("consent_note") or "",
                purpose=data.get("purpose") or "",
                purpose_note=data.get("purpose_note") or "",
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            notice = _("Referral sent. The other organization sees the person once it accepts.")
            if is_htmx(request):
                return _render_panel(request, person, notice=notice)
            messages.success(request, notice)
            return redirect("people:detail", pk=person.pk)
    return _render_panel(request, person, status=400, form=form)


@requires(Action.REFERRAL_SEND)
@require_POST
def revoke(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    referral = queries.get_referral(user, pk)
    notice = _("Referral revoked. The other organization no longer sees the person.")
    try:
        services.revoke_referral(actor=user, referral=referral)
    except FieldErrors as exc:
        notice = " ".join(m for msgs in exc.errors.values() for m in msgs)
        if not is_htmx(request):
            messages.error(request, notice)
    else:
        if not is_htmx(request):
            messages.success(request, notice)
    if is_htmx(request):
        return _render_panel(request, referral.person, notice=notice)
    if request.POST.get("next") == "outgoing":
        return redirect("sharing:outgoing")
    return redirect("people:detail", pk=referral.person_id)


# --- incoming and outgoing lists -------------------------------------------------------


@requires(Action.PERSON_READ)
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    """Referrals to the user's organizations: pending ones to decide, accepted ones."""
    user = current_user(request)
    received = queries.incoming_for(user)
    pending = list(received.filter(status=ReferralStatus.PENDING).order_by("created_at", "id"))
    for referral in pending:
        referral.may_decide = queries.may_decide(user, referral)  # type: ignore[attr-defined]
    accepted = Paginator(
        received.filter(status=ReferralStatus.ACCEPTED).order_by("-decided_at", "id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    queries.record_referrals_viewed(user, [*pending, *accepted.object_list])
    context = {
        "pending": pending,
        "page": accepted,
        "decision_form": DecisionForm(),
        "max_note": services.MAX_NOTE,
    }
    return render(request, "sharing/incoming.html", context)


@requires(Action.PERSON_READ)
@require_GET
def outgoing(request: HttpRequest) -> HttpResponse:
    """Referrals made by the user's organizations, newest first, filtered by status."""
    user = current_user(request)
    referrals = queries.outgoing_for(user).order_by("-created_at", "id")
    status = request.GET.get("status") or ""
    if status in ReferralStatus.values:
        referrals = referrals.filter(status=status)
    else:
        status = ""
    page = Paginator(referrals, PAGE_SIZE).get_page(request.GET.get("page"))
    for referral in page.object_list:
        referral.may_revoke = queries.may_revoke(user, referral)  # type: ignore[attr-defined]
    context = {"page": page, "status": status, "statuses": ReferralStatus.choices}
    return render(request, "sharing/outgoing.html", context)


def _flash_errors(request: HttpRequest, errors: Mapping[str, Iterable[Any]]) -> None:
    for field_messages in errors.values():
        for message in field_messages:
            messages.error(request, str(message))


def _decide(request: HttpRequest, pk: UUID, accept: bool) -> HttpResponse:
    user = current_user(request)
    referral = queries.get_referral(user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _flash_errors(request, form.errors)
        return redirect("sharing:incoming")
    note = form.cleaned_data.get("note") or ""
    decide = services.accept_referral if accept else services.reject_referral
    try:
        decide(actor=user, referral=referral, note=note)
    except FieldErrors as exc:
        _flash_errors(request, exc.errors)
        return redirect("sharing:incoming")
    if accept:
        messages.success(request, _("Referral accepted. Your organization now sees this person."))
        return redirect("people:detail", pk=referral.person_id)
    messages.success(request, _("Referral rejected."))
    return redirect("sharing:incoming")


@requires(Action.REFERRAL_DECIDE)
@require_POST
def accept(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _decide(request, pk, accept=True)


@requires(Action.REFERRAL_DECIDE)
@require_POST
def reject(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _decide(request, pk, accept=False)
