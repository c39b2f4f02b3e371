"""Web pages: a person's documents, needs and service referrals (with htmx forms), the
case worker's list, the provider directory, the hearing-day transport list and the letter.

Views parse, call one domain function and render. URLs carry only random UUIDs; the
ids of a person's documents, needs and referrals travel in the POSTed form and are
looked up within the person (404 otherwise).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from mppdesk.accounts.permissions import Action
from mppdesk.assistance import letters, queries, services
from mppdesk.assistance.models import (
    DocumentKind,
    DocumentStatus,
    NeedKind,
    NeedPriority,
    NeedStatus,
    ReferralOutcome,
    ServiceProvider,
)
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.web.access import requires
from mppdesk.web.request import current_user, is_htmx


def _context(request: HttpRequest, pk: UUID, **extra: Any) -> dict[str, Any]:
    data = queries.get_person_assistance_for_view(current_user(request), pk)
    from mppdesk.assistance.models import ServiceProvider as Provider
    from mppdesk.places.models import Shelter

    return {
        "data": data,
        "person": data.person,
        "document_kinds": DocumentKind.choices,
        "document_statuses": DocumentStatus.choices,
        "need_kinds": NeedKind.choices,
        "need_priorities": NeedPriority.choices,
        "need_statuses": NeedStatus.choices,
        "outcomes": ReferralOutcome.choices,
        "providers": Provider.objects.filter(is_active=True).order_by("city", "name"),
        "shelters": Shelter.objects.filter(active=True).order_by("city", "name"),
        "hearings": _hearings(data.person),
        "purposes": letters.PURPOSES,
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        **extra,
    }


def _hearings(person: Any) -> list[Any]:
    from mppdesk.hearings.models import Hearing, HearingStatus

    return list(
        Hearing.objects.filter(
            case__members__person=person,
            status=HearingStatus.SCHEDULED,
            scheduled_at__gt=timezone.now(),
        ).select_related("docket__venue")
    )


def _panel(request: HttpRequest, pk: UUID, status: int = 200, **extra: Any) -> HttpResponse:
    template = "assistance/_panel.html" if is_htmx(request) else "assistance/person.html"
    return render(request, template, _context(request, pk, **extra), status=status)


@requires(Action.PERSON_READ)
@require_GET
def person(request: HttpRequest, pk: UUID) -> HttpResponse:
    return _panel(request, pk)


def _done(request: HttpRequest, pk: UUID, notice: str) -> HttpResponse:
    if is_htmx(request):
        return _panel(request, pk, notice=notice)
    messages.success(request, notice)
    return redirect("assistance:person", pk=pk)


def _failed(request: HttpRequest, pk: UUID, exc: FieldErrors, form: str) -> HttpResponse:
    return _panel(request, pk, status=400, errors=exc.errors, failed_form=form)


def _owned(rows: Any, raw: str, field: str) -> Any:
    """The row with id ``raw`` among ``rows`` (the person's), else a field error."""
    try:
        return rows.get(pk=UUID(str(raw)))
    except (ValueError, ValidationError, rows.model.DoesNotExist):
        raise FieldErrors({field: [_("Choose one of the person's records.")]}) from None


def _family_need(person: Any, raw: str) -> Any:
    """The need ``raw`` of someone on the person's cases, else a field error on "need"."""
    from mppdesk.assistance.models import Need

    family = [p.pk for p in queries.family_of(person)]
    return _owned(Need.objects.filter(person_id__in=family), raw, "need")


@requires(Action.PERSON_WRITE)
@require_POST
def add_document(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = queries.people_queries.get_person(current_user(request), pk)
    post = request.POST
    try:
        services.add_document(
            actor=current_user(request), person=person, kind=post.get("kind", ""),
            status=post.get("status", ""), office=post.get("office", ""),
            number=post.get("number", ""), on=post.get("on"),
            expires_on=post.get("expires_on"),
        )  # fmt: skip
    except FieldErrors as exc:
        return _failed(request, pk, exc, "document")
    return _done(request, pk, _("Document recorded."))


@requires(Action.PERSON_WRITE)
@require_POST
def document_status(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = queries.people_queries.get_person(current_user(request), pk)
    post = request.POST
    try:
        document = _owned(person.documents.all(), post.get("document", ""), "document")
        services.change_document_status(
            actor=current_user(request), document=document, status=post.get("status", ""),
            on=post.get("on"), office=post.get("office", ""),
            number=post.get("number") or None, expires_on=post.get("expires_on"),
        )  # fmt: skip
    except FieldErrors as exc:
        return _failed(request, pk, exc, "status")
    return _done(request, pk, _("Document status recorded."))


@requires(Action.PERSON_WRITE)
@require_POST
def add_need(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    person = queries.people_queries.get_person(user, pk)
    post = request.POST
    from mppdesk.places.models import Shelter

    try:
        subject = person
        if post.get("for_person"):
            family = {str(p.pk): p for p in queries.family_of(person)}
            subject = family.get(post["for_person"])  # type: ignore[assignment]
            if subject is None:
                raise FieldErrors({"for_person": [_("Choose someone on the person's cases.")]})
        hearing = None
        if post.get("hearing"):
            hearing = {str(h.pk): h for h in _hearings(subject)}.get(post["hearing"])
            if hearing is None:
                raise FieldErrors({"hearing": [_("Choose one of the person's hearings.")]})
        shelter = None
        if post.get("shelter"):
            shelter = (
                Shelter.objects.filter(pk=post["shelter"]).first()
                if post["shelter"].isdigit()
                else None
            )
            if shelter is None:
                raise FieldErrors({"shelter": [_("Choose a shelter from the list.")]})
        services.add_need(
            actor=user, person=subject, kind=post.get("kind", ""),
            priority=post.get("priority", ""), note=post.get("note", ""), hearing=hearing,
            shelter=shelter, accompaniment=post.get("accompaniment") == "on",
        )  # fmt: skip
    except FieldErrors as exc:
        return _failed(request, pk, exc, "need")
    return _done(request, pk, _("Need recorded."))


@requires(Action.PERSON_WRITE)
@require_POST
def need_status(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    person = queries.people_queries.get_person(user, pk)
    try:
        need = _family_need(person, request.POST.get("need", ""))
        services.set_need_status(actor=user, need=need, status=request.POST.get("status", ""))
    except FieldErrors as exc:
        return _failed(request, pk, exc, "need_status")
    return _done(request, pk, _("Need updated."))


@requires(Action.PERSON_WRITE)
@require_POST
def refer(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    person = queries.people_queries.get_person(user, pk)
    post = request.POST
    try:
        need = _family_need(person, post.get("need", ""))
        provider = None
        if post.get("provider", "").isdigit():
            provider = ServiceProvider.objects.filter(pk=int(post["provider"])).first()
        consent = _datetime(post.get("consent_given_at", ""), "consent_given_at")
        services.refer_need(
            actor=user, need=need, provider=provider, consent_given_at=consent,
            consent_method=post.get("consent_method", ""),
            follow_up_on=post.get("follow_up_on"), note=post.get("note", ""),
        )  # fmt: skip
    except FieldErrors as exc:
        return _failed(request, pk, exc, "refer")
    return _done(request, pk, _("Referral recorded; its follow-up is on the work list."))


def _datetime(raw: str, field: str) -> dt.datetime | None:
    if not raw:
        return None
    value = parse_datetime(raw) if "T" in raw or " " in raw else None
    if value is None:
        raise FieldErrors({field: [_("Write the date and time as YYYY-MM-DD HH:MM.")]})
    return timezone.make_aware(value) if timezone.is_naive(value) else value


@requires(Action.PERSON_WRITE)
@require_POST
def referral_outcome(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    person = queries.people_queries.get_person(user, pk)
    from mppdesk.assistance.models import ServiceReferral

    try:
        family = [p.pk for p in queries.family_of(person)]
        referral = _owned(
            ServiceReferral.objects.filter(
                person_id__in=family, organization_id=person.organization_id
            ),
            request.POST.get("referral", ""),
            "referral",
        )
        services.record_referral_outcome(
            actor=user, referral=referral, outcome=request.POST.get("outcome", ""),
            follow_up_on=request.POST.get("follow_up_on"),
        )  # fmt: skip
    except FieldErrors as exc:
        return _failed(request, pk, exc, "outcome")
    return _done(request, pk, _("Outcome recorded."))


@requires(Action.PERSON_EXPORT)
@require_POST
def letter(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    try:
        pdf = letters.letter_for(actor=user, person_pk=pk, purpose=request.POST.get("purpose", ""))
    except FieldErrors as exc:
        return _failed(request, pk, exc, "letter")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="carta-letter.pdf"'
    return response


@requires(Action.PERSON_READ)
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    data = queries.worklist(current_user(request))
    return render(request, "assistance/worklist.html", {"work": data, "today": utc_today()})


@requires(Action.PERSON_READ)
@require_GET
def providers(request: HttpRequest) -> HttpResponse:
    city = request.GET.get("city", "")
    service = request.GET.get("service", "")
    rows = list(queries.providers(city=city, service=service))
    names = dict(NeedKind.choices)
    for row in rows:
        row.service_labels = [str(names.get(code, code)) for code in row.services]  # type: ignore[attr-defined]
    cities = sorted(set(ServiceProvider.objects.values_list("city", flat=True)))
    return render(
        request, "assistance/providers.html",
        {"rows": rows, "cities": cities, "city": city, "service": service, "kinds": NeedKind.choices},
    )  # fmt: skip


@requires(Action.PERSON_READ)
@require_GET
def transport(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("day", "")
    error = ""
    try:
        day = dt.date.fromisoformat(raw) if raw else utc_today() + dt.timedelta(days=1)
    except ValueError:
        day, error = utc_today() + dt.timedelta(days=1), _("Write the day as YYYY-MM-DD.")
    mornings = queries.transport_list(current_user(request), day=day) if not error else []
    if request.GET.get("format") == "pdf" and not error:
        pdf = letters.transport_pdf(mornings, day=day)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="transport-{day.isoformat()}.pdf"'
        return response
    return render(
        request, "assistance/transport.html",
        {"mornings": mornings, "day": day, "error": error},
        status=400 if error else 200,
    )  # fmt: skip
