"""Web pages for dockets, hearings, notices, roll-call, follow-ups and the scheduler.

Every view asks the permission matrix first (``web.access.requires``: ``docket.read`` to
read dockets and hearings, ``docket.manage`` to generate dockets and schedule,
``person.write`` for notices, outcomes and roll-call) and reads through
``hearings.queries``: a hearing, follow-up or person the viewer may not read is a 404,
like a missing one. Writes go through the hearings services (``dockets``, ``hearing_services``,
``notice_services``, ``outcomes``) and ``hearings.scheduling``.

URLs carry docket numbers and random UUIDs only. Pages showing personal data record a
view in the audit log; PDF and ZIP downloads record an export, under file names that
hold no personal data. Times are shown on the clock they are read by: the hearing on the
court's (``Venue.timezone``), the reporting time on the port's Mexican city's
(``Port.timezone``), with the zone's name beside each.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mppdesk.accounts.permissions import Action
from mppdesk.cases import queries as case_queries
from mppdesk.cases.models import CaseMember
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.hearings import calendar as court_days
from mppdesk.hearings import coordination, hearing_services, notice_services, queries
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings import notices as notice_pdf
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.evidence import evidence_for
from mppdesk.hearings.forms import (
    ROLL_CALL_DECISIONS,
    ROLL_CALL_MAIN,
    CancelForm,
    FollowUpForm,
    GenerateDocketsForm,
    NoticeServedForm,
    OutcomeForm,
    ProposeForm,
    RecordNoticeForm,
    ReplaceForm,
    RollCallForm,
    WeekForm,
    week_value,
)
from mppdesk.hearings.models import (
    Docket,
    FollowUpStatus,
    Hearing,
    HearingStatus,
    InAbsentiaFollowUp,
    Notice,
    NoticeLanguage,
    Outcome,
    Session,
)
from mppdesk.hearings.pdf import build_evidence_zip, render_evidence_packet
from mppdesk.hearings.pdf.texts import NOTICE_LANGUAGES, PACKET_LANGUAGES
from mppdesk.hearings.times import court_today, utc_today
from mppdesk.people import queries as people_queries
from mppdesk.places.models import Port, Venue
from mppdesk.web.access import requires
from mppdesk.web.request import current_user, export_response, is_htmx

if TYPE_CHECKING:
    from django import forms

    from mppdesk.accounts.models import User

PAGE_SIZE = 50
#: "My upcoming hearings" looks this many days ahead.
UPCOMING_DAYS = 30
#: The reschedule/continue docket picker lists at most this many dockets.
DOCKET_CHOICES = 200


def _errors_text(errors: dict[str, list[str]]) -> str:
    return " ".join(message for messages_ in errors.values() for message in messages_)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _display_name(user: User) -> str:
    return str(user.get_full_name() or user.username)


# --- docket calendar ----------------------------------------------------------------------


def _default_venue() -> Venue | None:
    """The venue with the most dockets ahead (the busiest court), else the first one."""
    from django.db.models import Count, Q

    today = utc_today()
    return (
        Venue.objects.annotate(ahead=Count("dockets", filter=Q(dockets__date__gte=today)))
        .order_by("-ahead", "name")
        .first()
    )


def _week_grid(dockets: Sequence[Docket], monday: dt.date) -> list[dict[str, Any]]:
    """Days × sessions × courtrooms; weekend days only when they have dockets."""
    by_day: dict[dt.date, dict[str, list[Docket]]] = defaultdict(lambda: defaultdict(list))
    for docket in dockets:
        by_day[docket.date][docket.session].append(docket)
    days = []
    for offset in range(7):
        day = monday + dt.timedelta(days=offset)
        if offset >= 5 and day not in by_day:
            continue
        sessions = by_day.get(day, {})
        days.append(
            {
                "date": day,
                "am": sorted(sessions.get(Session.AM, []), key=lambda d: d.courtroom),
                "pm": sorted(sessions.get(Session.PM, []), key=lambda d: d.courtroom),
            }
        )
    return days


def _calendar(
    request: HttpRequest,
    venue: Venue | None,
    monday: dt.date,
    *,
    week_form: WeekForm | None = None,
    generate_form: GenerateDocketsForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    sunday = monday + dt.timedelta(days=6)
    dockets = list(queries.dockets_in(user, venue, monday, sunday)) if venue else []
    court_days.mark_closed(dockets)
    may_generate = queries.may_manage_dockets(user)
    if may_generate and generate_form is None:
        generate_form = GenerateDocketsForm(
            initial={
                "venue": venue.code if venue else None,
                "start": monday,
                "end": monday + dt.timedelta(weeks=4, days=-1),
            }
        )
    context = {
        "venue": venue,
        "monday": monday,
        "sunday": sunday,
        "week": week_value(monday),
        "previous_week": week_value(monday - dt.timedelta(weeks=1)),
        "next_week": week_value(monday + dt.timedelta(weeks=1)),
        "this_week": week_value(utc_today()),
        "days": _week_grid(dockets, monday),
        "booked": sum(d.booked for d in dockets),
        "capacity": sum(d.capacity for d in dockets),
        "docket_count": len(dockets),
        "week_form": week_form
        or WeekForm(initial={"venue": venue.code if venue else None, "week": week_value(monday)}),
        "generate_form": generate_form if may_generate else None,
    }
    return render(request, "hearings/calendar.html", context, status=status)


@requires(Action.DOCKET_READ)
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """A venue's dockets for one ISO week: ``?venue=<code>&week=YYYY-Www``."""
    form = WeekForm(request.GET or None)
    venue: Venue | None = None
    monday: dt.date | None = None
    if form.is_bound and form.is_valid():
        venue = form.cleaned_data.get("venue")
        monday = form.cleaned_data.get("week")
    venue = venue or _default_venue()
    if monday is None:
        today = utc_today()
        monday = today - dt.timedelta(days=today.weekday())
    return _calendar(
        request,
        venue,
        monday,
        week_form=form if form.is_bound and not form.is_valid() else None,
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@requires(Action.DOCKET_MANAGE)
@require_POST
def generate(request: HttpRequest) -> HttpResponse:
    """Generate a venue's dockets for a period from its weekly templates (idempotent)."""
    user = current_user(request)
    form = GenerateDocketsForm(request.POST)
    if form.is_valid():
        venue: Venue = form.cleaned_data["venue"]
        start: dt.date = form.cleaned_data["start"]
        try:
            result = docket_services.generate_dockets(
                actor=user, venue=venue, start=start, end=form.cleaned_data["end"]
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            created = ngettext(
                "%(count)d docket created", "%(count)d dockets created", result.created
            ) % {"count": result.created}
            skipped = ngettext(
                "%(count)d already existed", "%(count)d already existed", result.skipped
            ) % {"count": result.skipped}
            closed = ngettext(
                "%(count)d day the court does not sit",
                "%(count)d days the court does not sit",
                result.closed_days,
            ) % {"count": result.closed_days}
            messages.success(request, f"{created}; {skipped}; {closed}.")
            url = reverse("hearings:calendar")
            return redirect(f"{url}?venue={venue.code}&week={week_value(start)}")
    chosen: Venue | None = form.cleaned_data.get("venue") if hasattr(form, "cleaned_data") else None
    today = utc_today()
    return _calendar(
        request,
        chosen or _default_venue(),
        today - dt.timedelta(days=today.weekday()),
        generate_form=form,
        status=400,
    )


# --- docket page and roll-call ------------------------------------------------------------


def _with_people(hearings: QuerySet[Hearing]) -> QuerySet[Hearing]:
    return hearings.select_related("case__lead").prefetch_related(
        Prefetch(
            "case__members",
            queryset=CaseMember.objects.select_related("person").order_by("role", "id"),
        )
    )


@requires(Action.DOCKET_READ)
@require_GET
def docket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One docket and its hearings: names only of the cases the viewer may read."""
    user = current_user(request)
    docket = queries.get_docket(user, pk)
    # A row names the case's lead only: no members (each one a person to decrypt).
    readable = queries.docket_hearings_for(user, docket)
    visible = {h.pk: h for h in readable}
    # A program-wide coordinator moves hearings of cases they may not read: they get the
    # actions, and of such a case only program data (seats, the hearing's id, the
    # language an interpreter is needed for), never a name or an A-number.
    schedulable = set(queries.schedulable_org_ids(user))
    hearings = list(Hearing.objects.filter(docket=docket).order_by("scheduled_at", "id"))
    movable = {h.pk for h in hearings if h.is_open and h.organization_id in schedulable}
    unread = [h for h in hearings if h.pk in movable and h.pk not in visible]
    summaries = coordination.case_summaries(user, (h.case_id for h in unread), record=False)
    rows: list[dict[str, Any]] = []
    others = 0
    for hearing in hearings:
        mine = visible.get(hearing.pk)
        manage = hearing.pk in movable
        if mine is not None:
            rows.append({"hearing": mine, "visible": True, "manage": manage})
        elif hearing.status in (HearingStatus.SCHEDULED, HearingStatus.HELD):
            # Another organization's case: only that a place is taken, and how many.
            row: dict[str, Any] = {"hearing": None, "visible": False, "seats": hearing.seats}
            if manage:
                row.update(manage=True, pk=hearing.pk, case=summaries[str(hearing.case_id)])
            rows.append(row)
            others += 1
    queries.hearings_shown(user, visible.values())
    queries.hearings_shown(user, unread, fields=queries.PROGRAM_VIEW_FIELDS)
    writable = set(queries.recording_org_ids(user))
    context = {
        "docket": docket,
        "starts_at": docket.starts_at_utc(),
        "week": week_value(docket.date),
        "rows": rows,
        "others": others,
        "may_manage": bool(movable),
        "may_roll_call": any(h.organization_id in writable for h in visible.values()),
    }
    return render(request, "hearings/docket.html", context)


def _roll_call_hearings(user: User, docket: Docket) -> list[Hearing]:
    """The hearings on ``docket`` the user records attendance for: their own
    organizations' (``person.write``), scheduled or held, lead respondent first."""
    hearings = _with_people(queries.roll_call_hearings(user, docket)).prefetch_related(
        "replaced_by"
    )
    rows = list(hearings.order_by("scheduled_at", "id"))
    follow_ups = {
        f.hearing_id: f for f in InAbsentiaFollowUp.objects.filter(hearing__in=[h.pk for h in rows])
    }
    for hearing in rows:
        hearing.roll_follow_up = follow_ups.get(hearing.pk)  # type: ignore[attr-defined]
        # A continued hearing (chained to the next) or one with a follow-up is settled.
        hearing.roll_locked = bool(  # type: ignore[attr-defined]
            hearing.roll_follow_up or list(hearing.replaced_by.all())  # type: ignore[attr-defined]
        )
    return rows


def _roll_call_page(
    request: HttpRequest,
    docket: Docket,
    hearings: list[Hearing],
    form: RollCallForm,
    status: int = 200,
) -> HttpResponse:
    cards = []
    decisions = {o.value for o in ROLL_CALL_DECISIONS}
    for hearing in hearings:
        key = str(hearing.pk)
        field_name = f"outcome-{key}"
        chosen = str(form[field_name].value() or "") if field_name in form.fields else ""
        cards.append(
            {
                "hearing": hearing,
                "key": key,
                "members": [m.person for m in hearing.case.members.all()],
                "locked": hearing.roll_locked,  # type: ignore[attr-defined]
                "follow_up": hearing.roll_follow_up,  # type: ignore[attr-defined]
                "chosen": chosen,
                "decision_chosen": chosen in decisions,
                "absentia": bool(form[f"absentia-{key}"].value())
                if f"absentia-{key}" in form.fields
                else False,
                "errors": [
                    *(form.errors.get(field_name) or []),
                    *(form.errors.get(f"absentia-{key}") or []),
                ],
            }
        )
    context = {
        "docket": docket,
        "starts_at": docket.starts_at_utc(),
        "cards": cards,
        "form": form,
        "main_outcomes": [(o.value, o.label) for o in ROLL_CALL_MAIN],
        "decisions": [(o.value, o.label) for o in ROLL_CALL_DECISIONS],
        "not_yet": docket.date > court_today(docket.venue),
        "open_cards": sum(1 for card in cards if not card["locked"]),
    }
    return render(request, "hearings/roll_call.html", context, status=status)


@requires(Action.PERSON_WRITE)
def roll_call(request: HttpRequest, pk: int) -> HttpResponse:
    """Attendance at one docket, on a phone: an outcome per case, saved in one POST."""
    user = current_user(request)
    docket = queries.get_docket(user, pk)
    hearings = _roll_call_hearings(user, docket)
    editable = [h for h in hearings if not h.roll_locked]  # type: ignore[attr-defined]
    if request.method != "POST":
        queries.hearings_shown(user, hearings, fields=queries.ROLL_CALL_FIELDS)
        return _roll_call_page(request, docket, hearings, RollCallForm(hearings=editable))
    form = RollCallForm(request.POST, hearings=editable)
    if form.is_valid():
        outcomes = form.outcomes()
        if not outcomes:
            messages.info(request, _("Nothing to save: no outcome was chosen."))
            return redirect("hearings:roll_call", pk=docket.pk)
        try:
            done = outcome_services.record_attendance(actor=user, docket=docket, outcomes=outcomes)
        except FieldErrors as exc:
            _roll_call_errors(form, exc.errors)
        else:
            opened = sum(1 for h in done if h.outcome == Outcome.REMOVAL_IN_ABSENTIA)
            text = ngettext(
                "Roll-call saved: %(count)d outcome recorded.",
                "Roll-call saved: %(count)d outcomes recorded.",
                len(done),
            ) % {"count": len(done)}
            if opened:
                text += " " + ngettext(
                    "%(count)d in absentia follow-up opened.",
                    "%(count)d in absentia follow-ups opened.",
                    opened,
                ) % {"count": opened}
            messages.success(request, text)
            return redirect("hearings:roll_call", pk=docket.pk)
    return _roll_call_page(request, docket, hearings, form, status=400)


def _roll_call_errors(form: RollCallForm, errors: dict[str, list[str]]) -> None:
    """``outcomes[<id>]`` and ``outcomes[<id>].<field>`` go next to that hearing's card."""
    for name, messages_ in errors.items():
        target: str | None = None
        if name.startswith("outcomes[") and "]" in name:
            key = name[len("outcomes[") : name.index("]")]
            if f"outcome-{key}" in form.fields:
                target = f"outcome-{key}"
        for message in messages_:
            form.add_error(target, message)


# --- hearing page -------------------------------------------------------------------------


def _port_of(hearing: Hearing) -> Port | None:
    return hearing.port or hearing.case.port


def _replacement_dockets(user: User, hearing: Hearing) -> QuerySet[Docket]:
    """Dockets of the same venue from today with room for everyone on the case."""
    seats = hearing_services.people_on(hearing.case)
    dockets = (
        queries.dockets_in(user, hearing.docket.venue, start=court_today(hearing.docket.venue))
        .exclude(pk=hearing.docket_id)
        .filter(booked__lte=F("capacity") - seats)
        .order_by("date", "session", "courtroom")
    )
    # The first ones only, as a queryset the form field can still filter to validate.
    first = list(dockets.values_list("pk", flat=True)[:DOCKET_CHOICES])
    return dockets.filter(pk__in=first)


def _hearing_context(request: HttpRequest, hearing: Hearing, **forms: Any) -> dict[str, Any]:
    user = current_user(request)
    port = _port_of(hearing)
    zone = port.timezone if port else "UTC"
    chain = queries.chain_of(hearing)
    notices = list(queries.notices_of(hearing))
    follow_up = InAbsentiaFollowUp.objects.filter(hearing=hearing).first()
    replaced_by = next((h for h in chain if h.replaces_id == hearing.pk), None)
    can_write = queries.may_record(user, hearing.organization_id)
    can_manage = hearing.is_open and queries.may_manage_hearing(user, hearing)
    outcome_open = (
        can_write
        and hearing.status in (HearingStatus.SCHEDULED, HearingStatus.HELD)
        and follow_up is None
        and replaced_by is None
    )
    context: dict[str, Any] = {
        "hearing": hearing,
        "case": hearing.case,
        "docket": hearing.docket,
        "venue": hearing.docket.venue,
        "port": port,
        "chain": chain,
        "replaced_by": replaced_by,
        "notices": notices,
        "languages": [(code, NoticeLanguage(code).label) for code in NOTICE_LANGUAGES],
        "follow_up": follow_up,
        "can_write": can_write,
        "can_manage": can_manage,
        "outcome_open": outcome_open,
        "before_hearing_day": hearing.docket.date > court_today(hearing.docket.venue),
        "zone": zone,
    }
    form_kwargs = {"zone": zone}
    if can_write:
        context["notice_form"] = forms.get("notice_form") or RecordNoticeForm(**form_kwargs)
        served_forms = forms.get("served_forms", {})
        for notice in notices:
            if notice.served_at is None:
                notice.served_form = served_forms.get(notice.pk) or NoticeServedForm(  # type: ignore[attr-defined]
                    initial={"method": notice.method, "address": notice.address}, **form_kwargs
                )
    if outcome_open:
        context["outcome_form"] = forms.get("outcome_form") or OutcomeForm(
            initial={"outcome": hearing.outcome}
        )
    if can_manage:
        dockets = _replacement_dockets(user, hearing)
        context["reschedule_form"] = forms.get("reschedule_form") or ReplaceForm(
            dockets=dockets, prefix="reschedule", **form_kwargs
        )
        context["continue_form"] = forms.get("continue_form") or ReplaceForm(
            dockets=dockets, prefix="continue", **form_kwargs
        )
        context["cancel_form"] = forms.get("cancel_form") or CancelForm(
            prefix="cancel", **form_kwargs
        )
    context["open_form"] = forms.get("open_form", "")
    return context


def _hearing_page(
    request: HttpRequest, hearing: Hearing, status: int = 200, **forms: Any
) -> HttpResponse:
    return render(
        request, "hearings/detail.html", _hearing_context(request, hearing, **forms), status=status
    )


@requires(Action.DOCKET_READ)
@require_GET
def hearing_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    try:
        hearing = queries.get_hearing_for_view(user, pk)
    except Http404:
        # A coordinator who scheduled a case they may not read: program data only.
        program = coordination.program_hearing(user, pk)
        return render(request, "hearings/program_hearing.html", {"program": program})
    return _hearing_page(request, hearing)


@requires(Action.PERSON_WRITE)
@require_POST
def record_notice(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Record one more notice of the hearing (served again, another way)."""
    user = current_user(request)
    hearing = queries.get_hearing_for_update(user, pk)
    port = _port_of(hearing)
    form = RecordNoticeForm(
        request.POST,
        zone=port.timezone if port else "UTC",
    )
    if form.is_valid():
        kwargs = form.notice_kwargs()
        try:
            notice_services.record_notice(
                actor=user,
                hearing=hearing,
                served_by=user if kwargs["served_at"] else None,
                **kwargs,
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            messages.success(request, _("Notice recorded."))
            return redirect("hearings:detail", pk=hearing.pk)
    return _hearing_page(request, hearing, status=400, notice_form=form, open_form="notice")


@requires(Action.PERSON_WRITE)
@require_POST
def mark_served(request: HttpRequest, pk: UUID, notice_pk: UUID) -> HttpResponse:
    """Record when, how and where a notice not yet marked served was served."""
    user = current_user(request)
    hearing = queries.get_hearing_for_update(user, pk)
    notice = queries.get_notice(hearing, notice_pk)
    port = _port_of(hearing)
    form = NoticeServedForm(
        request.POST,
        zone=port.timezone if port else "UTC",
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice_services.mark_notice_served(
                actor=user,
                notice=notice,
                served_at=data.get("served_at"),  # type: ignore[arg-type] # the service names it
                served_by=user,
                method=data.get("method") or None,
                address=data.get("address") or "",
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            messages.success(request, _("Notice marked as served."))
            return redirect("hearings:detail", pk=hearing.pk)
    return _hearing_page(request, hearing, status=400, served_forms={notice.pk: form})


@requires(Action.DOCKET_READ)
@require_GET
def notice_download(request: HttpRequest, pk: UUID, notice_pk: UUID) -> HttpResponse:
    """The printed notice as a PDF: ``?lang=`` es, en, pt, ht or fr (default: the
    notice's own language). Recorded in the audit log as an export."""
    user = current_user(request)
    try:
        hearing, notice, pdf = queries.export_notice_pdf(
            user, pk, notice_pk, request.GET.get("lang")
        )
    except notice_pdf.NoticeUnavailable:
        messages.error(
            request,
            _("This notice cannot be printed: the case has no port of entry. Set it first."),
        )
        return redirect("hearings:detail", pk=pk)
    language = request.GET.get("lang") or notice.language
    if language not in NOTICE_LANGUAGES:
        language = notice.language
    return _attachment(pdf, "application/pdf", notice_pdf.file_name(notice, language))


def _managed(request: HttpRequest, pk: UUID) -> tuple[Hearing, Hearing | None]:
    """The hearing to reschedule, continue or cancel, and the same hearing if the user
    may also read it (a program-wide coordinator may place a case they cannot read)."""
    user = current_user(request)
    hearing = queries.get_hearing_to_manage(user, pk)
    try:
        readable: Hearing | None = queries.get_hearing(user, pk)
    except Http404:
        readable = None
    return hearing, readable


def _change_form(
    request: HttpRequest, hearing: Hearing, action: str, data: Any = None
) -> ReplaceForm | CancelForm:
    port = _port_of(hearing)
    zone_kwargs = {"zone": port.timezone if port else "UTC"}
    if action == "cancel":
        return CancelForm(data, prefix="cancel", **zone_kwargs)
    return ReplaceForm(
        data,
        dockets=_replacement_dockets(current_user(request), hearing),
        prefix=action,
        **zone_kwargs,
    )


def _change_page(
    request: HttpRequest,
    hearing: Hearing,
    readable: Hearing | None,
    action: str,
    form: forms.Form,
    status: int = 200,
) -> HttpResponse:
    """One change (reschedule, continue, cancel) on a page of its own: what the docket
    page links to. It shows program data only (docket, time, seats, the hearing's id and
    the language of the case), so that a program-wide coordinator who may not read the
    case can move it; a name is on the hearing page, for those who may read it."""
    port = _port_of(hearing)
    case = coordination.case_summaries(current_user(request), [hearing.case_id], record=False)
    queries.hearings_shown(current_user(request), [hearing], fields=queries.PROGRAM_VIEW_FIELDS)
    context = {
        "hearing": hearing,
        "readable": readable is not None,
        "docket": hearing.docket,
        "venue": hearing.docket.venue,
        "port": port,
        "case_summary": case[str(hearing.case_id)],
        "action": action,
        "form": form,
        "open": hearing.is_open,
    }
    return render(request, "hearings/change.html", context, status=status)


def _after_change(request: HttpRequest, new: Hearing, text: str) -> HttpResponse:
    messages.success(request, text)
    try:
        queries.get_hearing(current_user(request), new.pk)
    except Http404:
        return redirect("hearings:docket", pk=new.docket_id)
    return redirect("hearings:detail", pk=new.pk)


def _change_failed(
    request: HttpRequest,
    hearing: Hearing,
    readable: Hearing | None,
    form: forms.Form,
    errors: dict[str, list[str]] | None,
    form_name: str,
) -> HttpResponse:
    if errors:
        apply_field_errors(form, errors)
    if readable is None or request.POST.get("page") == "change":
        # Sent from the change page (or by someone who may not read the case): back to it,
        # with the errors beside their fields.
        return _change_page(request, hearing, readable, form_name, form, status=400)
    return _hearing_page(
        request, readable, status=400, **{f"{form_name}_form": form, "open_form": form_name}
    )


def _replace(request: HttpRequest, pk: UUID, action: str) -> HttpResponse:
    user = current_user(request)
    hearing, readable = _managed(request, pk)
    if request.method != "POST":
        return _change_page(
            request, hearing, readable, action, _change_form(request, hearing, action)
        )
    form = _change_form(request, hearing, action, request.POST)
    assert isinstance(form, ReplaceForm)  # noqa: S101 - narrows the type
    errors: dict[str, list[str]] | None = None
    if form.is_valid():
        docket = form.cleaned_data.get("docket")
        if docket is None:
            errors = {"docket": [_("Choose a docket.")]}
        else:
            change = (
                hearing_services.reschedule
                if action == "reschedule"
                else hearing_services.continue_hearing
            )
            kwargs = form.notice_kwargs()
            try:
                new = change(
                    actor=user,
                    hearing=hearing,
                    new_docket=docket,
                    reason=form.cleaned_data.get("reason") or "",
                    served_by=user if kwargs["served_at"] else None,
                    **kwargs,
                )
            except FieldErrors as exc:
                errors = exc.errors
            else:
                text = (
                    _("Hearing rescheduled; a notice of the change was recorded.")
                    if action == "reschedule"
                    else _("Hearing continued; a notice of the new date was recorded.")
                )
                return _after_change(request, new, text)
    return _change_failed(request, hearing, readable, form, errors, action)


@requires(Action.DOCKET_MANAGE)
@require_http_methods(["GET", "POST"])
def reschedule(request: HttpRequest, pk: UUID) -> HttpResponse:
    """GET: the change page (program data only); POST: reschedule."""
    return _replace(request, pk, "reschedule")


@requires(Action.DOCKET_MANAGE)
@require_http_methods(["GET", "POST"])
def continue_hearing(request: HttpRequest, pk: UUID) -> HttpResponse:
    """GET: the change page (program data only); POST: continue to another docket."""
    return _replace(request, pk, "continue")


@requires(Action.DOCKET_MANAGE)
@require_http_methods(["GET", "POST"])
def cancel(request: HttpRequest, pk: UUID) -> HttpResponse:
    """GET: the change page (program data only); POST: cancel the hearing."""
    user = current_user(request)
    hearing, readable = _managed(request, pk)
    if request.method != "POST":
        return _change_page(
            request, hearing, readable, "cancel", _change_form(request, hearing, "cancel")
        )
    form = _change_form(request, hearing, "cancel", request.POST)
    errors: dict[str, list[str]] | None = None
    if form.is_valid():
        kwargs = form.notice_kwargs()
        try:
            cancelled = hearing_services.cancel(
                actor=user,
                hearing=hearing,
                reason=form.cleaned_data.get("reason") or "",
                served_by=user if kwargs["served_at"] else None,
                **kwargs,
            )
        except FieldErrors as exc:
            errors = exc.errors
        else:
            return _after_change(
                request,
                cancelled,
                _("Hearing cancelled; a notice of the cancellation was recorded."),
            )
    return _change_failed(request, hearing, readable, form, errors, "cancel")


@requires(Action.PERSON_WRITE)
@require_POST
def record_outcome(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    hearing = queries.get_hearing_for_update(user, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            hearing = outcome_services.record_outcome(
                actor=user,
                hearing=hearing,
                outcome=data["outcome"],
                in_absentia_order=bool(data.get("in_absentia_order")),
                order_date=data.get("order_date"),
                reason=data.get("reason") or "",
                notes=data.get("notes") or "",
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            follow_up = InAbsentiaFollowUp.objects.filter(hearing=hearing).first()
            if follow_up is not None and hearing.outcome == Outcome.REMOVAL_IN_ABSENTIA:
                messages.success(request, _("Outcome recorded; an in absentia follow-up is open."))
                return redirect("hearings:follow_up", pk=follow_up.pk)
            messages.success(request, _("Outcome recorded."))
            return redirect("hearings:detail", pk=hearing.pk)
    hearing = queries.get_hearing(user, pk)
    return _hearing_page(request, hearing, status=400, outcome_form=form, open_form="outcome")


# --- lists: upcoming, no confirmed contact ------------------------------------------------


def _hearing_list(
    request: HttpRequest, hearings: QuerySet[Hearing], template: str, **extra: Any
) -> HttpResponse:
    user = current_user(request)
    sort = queries.HEARINGS_SORTING.parse(request.GET.get("sort"))
    page = Paginator(
        queries.HEARINGS_SORTING.apply(
            hearings.select_related("case__lead", "case__port", "docket__venue"), sort
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    queries.hearings_shown(user, rows)
    own = set(queries.own_org_ids(user))
    for hearing in rows:
        hearing.shared = hearing.organization_id not in own  # type: ignore[attr-defined]
        hearing.report_port = _port_of(hearing)  # type: ignore[attr-defined]
    context = {
        "page": page,
        "rows": rows,
        "sort": sort,
        "sorting": queries.HEARINGS_SORTING,
        **extra,
    }
    return render(request, template, context)


def _hearing_export(
    request: HttpRequest, hearings: QuerySet[Hearing], name: str, page: str
) -> HttpResponse:
    sort = queries.HEARINGS_SORTING.parse(request.GET.get("sort"))
    return export_response(
        request,
        lambda: queries.export_hearings(
            current_user(request), queries.HEARINGS_SORTING.apply(hearings, sort), name
        ),
        f"{reverse(page)}?{request.GET.urlencode()}",
    )


@requires(Action.DOCKET_READ)
@require_GET
def upcoming(request: HttpRequest) -> HttpResponse:
    """Hearings of the next 30 days of the cases the user reads (own organizations',
    and those shared with them by referral): an attorney's or case worker's list."""
    hearings = queries.upcoming_for(current_user(request), days=UPCOMING_DAYS)
    return _hearing_list(
        request,
        hearings,
        "hearings/upcoming.html",
        days=UPCOMING_DAYS,
        export_url=reverse("hearings:upcoming_export"),
    )


@requires(Action.DOCKET_READ)
@require_GET
def no_contact(request: HttpRequest) -> HttpResponse:
    """Hearings of the next 14 days where nobody on the case has a confirmed contact."""
    hearings = queries.without_confirmed_contact(current_user(request))
    return _hearing_list(
        request,
        hearings,
        "hearings/no_contact.html",
        days=settings.MPPDESK_NO_CONTACT_DAYS,
        export_url=reverse("hearings:no_contact_export"),
    )


@requires(Action.LIST_EXPORT)
@require_GET
def upcoming_export(request: HttpRequest) -> HttpResponse:
    """The upcoming hearings as CSV, in the page's order."""
    hearings = queries.upcoming_for(current_user(request), days=UPCOMING_DAYS)
    return _hearing_export(request, hearings, "upcoming-hearings.csv", "hearings:upcoming")


@requires(Action.LIST_EXPORT)
@require_GET
def no_contact_export(request: HttpRequest) -> HttpResponse:
    """The hearings without confirmed contact as CSV, in the page's order."""
    hearings = queries.without_confirmed_contact(current_user(request))
    return _hearing_export(request, hearings, "hearings-without-contact.csv", "hearings:no_contact")


# --- in absentia follow-ups ---------------------------------------------------------------


def _days_left(follow_up: InAbsentiaFollowUp) -> int:
    return (follow_up.exceptional_circumstances_deadline - utc_today()).days


@requires(Action.DOCKET_READ)
@require_GET
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """Follow-ups, nearest deadline first: ``?status=open`` (default), motion_filed,
    closed or all."""
    user = current_user(request)
    status = request.GET.get("status", FollowUpStatus.OPEN)
    follow_ups = queries.follow_ups_for(user).select_related("hearing__case__lead", "organization")
    if status in FollowUpStatus.values:
        follow_ups = follow_ups.filter(status=status)
    else:
        status = "all"
    page = Paginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for follow_up in rows:
        follow_up.days_left = _days_left(follow_up)  # type: ignore[attr-defined]
        follow_up.days_over = -follow_up.days_left  # type: ignore[attr-defined]
    queries.follow_ups_shown(user, rows)
    statuses = [("all", _("All")), *FollowUpStatus.choices]
    return render(
        request,
        "hearings/follow_ups.html",
        {"page": page, "rows": rows, "status": status, "statuses": statuses},
    )


def _follow_up_page(
    request: HttpRequest,
    follow_up: InAbsentiaFollowUp,
    form: FollowUpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = current_user(request)
    hearing = queries.get_hearing(user, follow_up.hearing_id)
    packet = evidence_for(hearing)
    can_write = queries.may_record(user, follow_up.organization_id)
    context = {
        "follow_up": follow_up,
        "hearing": hearing,
        "case": hearing.case,
        "packet": packet,
        "days_left": _days_left(follow_up),
        "days_over": -_days_left(follow_up),
        "can_write": can_write,
        "form": (
            form or FollowUpForm(initial={"status": follow_up.status, "notes": follow_up.notes})
        )
        if can_write
        else None,
    }
    return render(request, "hearings/follow_up.html", context, status=status)


@requires(Action.DOCKET_READ)
@require_GET
def follow_up_detail(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    follow_up = queries.get_follow_up_for_view(user, pk)
    return _follow_up_page(request, follow_up)


@requires(Action.PERSON_WRITE)
@require_POST
def follow_up_update(request: HttpRequest, pk: UUID) -> HttpResponse:
    user = current_user(request)
    follow_up = queries.get_follow_up_for_update(user, pk)  # shared: read-only, 403
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            outcome_services.update_follow_up(
                actor=user,
                follow_up=follow_up,
                status=form.cleaned_data["status"],
                notes=form.cleaned_data.get("notes") or "",
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            messages.success(request, _("Follow-up updated."))
            return redirect("hearings:follow_up", pk=follow_up.pk)
    return _follow_up_page(request, follow_up, form=form, status=400)


def _packet_language(request: HttpRequest) -> str:
    language = (translation.get_language() or "en").split("-")[0]
    return language if language in PACKET_LANGUAGES else "en"


def _evidence(request: HttpRequest, pk: UUID) -> tuple[InAbsentiaFollowUp, Hearing, Any, str]:
    user = current_user(request)
    follow_up = queries.get_follow_up(user, pk)
    language = _packet_language(request)
    with translation.override(language):
        hearing, packet = queries.get_evidence_for_view(user, follow_up.hearing_id)
    return follow_up, hearing, packet, language


@requires(Action.DOCKET_READ)
@require_GET
def evidence_pdf(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The evidence packet (PDF) of an in absentia follow-up."""
    follow_up, _hearing, packet, language = _evidence(request, pk)
    pdf = render_evidence_packet(
        packet, language=language, generated_by=_display_name(current_user(request))
    )
    return _attachment(pdf, "application/pdf", f"evidence-{follow_up.pk}.pdf")


@requires(Action.DOCKET_READ)
@require_GET
def evidence_zip(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The evidence packet, the records behind it and every printed notice (ZIP)."""
    follow_up, hearing, packet, language = _evidence(request, pk)
    chain = [h.pk for h in queries.chain_of(hearing)]
    notices = list(
        Notice.objects.filter(hearing__in=chain).select_related(
            "hearing__docket__venue",
            "hearing__port",
            "hearing__case__lead",
            "hearing__case__port",
            "hearing__replaces",
        )  # fmt: skip
    )
    archive = build_evidence_zip(
        packet,
        notice_pdf.notice_pdfs(notices),
        language=language,
        generated_by=_display_name(current_user(request)),
    )
    return _attachment(archive, "application/zip", f"evidence-{follow_up.pk}.zip")


# --- panels on the person and case pages --------------------------------------------------


def _next_hearing(hearings: Sequence[Hearing]) -> Hearing | None:
    """The first hearing still ahead (scheduled, no outcome, not before today at court)."""
    ahead = [h for h in hearings if h.is_open and h.docket.date >= court_today(h.docket.venue)]
    return min(ahead, key=lambda h: h.scheduled_at) if ahead else None


def _panel(
    request: HttpRequest,
    hearings: QuerySet[Hearing],
    *,
    fragment: str,
    page_template: str,
    **extra: Any,
) -> HttpResponse:
    user = current_user(request)
    rows = list(hearings.select_related("case__port").order_by("-scheduled_at", "-id"))
    for hearing in rows:
        hearing.report_port = _port_of(hearing)  # type: ignore[attr-defined]
    queries.hearings_shown(user, rows)
    context = {"hearings": rows, "next_hearing": _next_hearing(rows), **extra}
    return render(request, fragment if is_htmx(request) else page_template, context)


@requires(Action.DOCKET_READ)
@require_GET
def person_panel(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The person's hearings, the next one first (loaded into the person page by htmx)."""
    user = current_user(request)
    person = people_queries.get_person(user, pk)
    hearings = queries.hearings_for(user).filter(case__members__person=person).distinct()
    return _panel(
        request,
        hearings,
        fragment="hearings/_person_panel.html",
        page_template="hearings/person_hearings.html",
        person=person,
    )


@requires(Action.DOCKET_READ)
@require_GET
def case_panel(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The case's hearings (loaded into the case page by htmx)."""
    user = current_user(request)
    case = case_queries.get_case(user, pk)
    return _panel(
        request,
        queries.hearings_of_case(user, case),
        fragment="hearings/_case_panel.html",
        page_template="hearings/case_hearings.html",
        case=case,
    )


# --- the scheduler: propose, review, commit -----------------------------------------------


@requires(Action.DOCKET_MANAGE)
def schedule(request: HttpRequest) -> HttpResponse:
    """Run the scheduler for venues and a period; the proposal is shown before commit."""
    from mppdesk.hearings import scheduling

    user = current_user(request)
    status = 200
    if request.method == "POST":
        form = ProposeForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                proposal = scheduling.propose(
                    actor=user,
                    venue_codes=[venue.code for venue in data["venues"]],
                    start=data["start"],
                    end=data["end"],
                )
            except FieldErrors as exc:
                apply_field_errors(
                    form, exc.errors, {"from": "start", "to": "end", "venue": "venues"}
                )
            else:
                return redirect("hearings:proposal", pk=proposal.pk)
        status = 400
    else:
        today = utc_today()
        form = ProposeForm(
            initial={"start": today + dt.timedelta(days=14), "end": today + dt.timedelta(weeks=8)}
        )
    proposals = list(scheduling.proposals_for(user)[:20])
    for proposal in proposals:
        proposal.venue_names = coordination.venue_names(proposal.venue_codes)  # type: ignore[attr-defined]
    return render(
        request, "hearings/schedule.html", {"form": form, "proposals": proposals}, status=status
    )


def _proposal_groups(rows: Sequence[Any]) -> list[dict[str, Any]]:
    """Placed rows grouped by docket, in docket order."""
    groups: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row.docket_id is None:
            continue
        group = groups.get(row.docket_id)
        if group is None:
            try:
                session = str(Session(row.session).label)
            except ValueError:
                session = row.session
            group = groups[row.docket_id] = {
                "docket_id": row.docket_id,
                "date": row.docket_date,
                "session": session,
                "courtroom": row.courtroom,
                "judge": row.judge,
                "venue_code": row.venue_code,
                "rows": [],
                "seats": 0,
            }
        group["rows"].append(row)
        group["seats"] += row.seats
    return list(groups.values())


@requires(Action.DOCKET_MANAGE)
@require_GET
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A proposal's figures and its items by docket: a case by its lead's name where the
    viewer may read it, else summarized ("household of 4, Spanish, vulnerable"; a program
    coordinator places cases of organizations whose people they may not read)."""
    from mppdesk.hearings import scheduling
    from mppdesk.hearings.models_scheduling import UnassignedReason

    user = current_user(request)
    proposal = scheduling.get_proposal_or_404(user, pk)
    rows = scheduling.proposal_rows(proposal)
    page = Paginator(_proposal_groups(rows), PAGE_SIZE).get_page(request.GET.get("page"))
    left_out = [row for row in rows if row.docket_id is None]
    # Names of the cases the viewer may read, summaries of the others (recorded).
    placed = [row for group in page.object_list for row in group["rows"]]
    reviewed = iter(coordination.review_rows(user, placed + left_out[:PAGE_SIZE]))
    for group in page.object_list:
        group["rows"] = [next(reviewed) for _row in group["rows"]]
        group["venue"] = group["rows"][0].venue_name
    reasons = []
    for code, count in sorted(proposal.unassigned_counts.items(), key=lambda item: -int(item[1])):
        try:
            label = str(UnassignedReason(code).label)
        except ValueError:
            label = code
        reasons.append({"code": code, "label": label, "count": int(count)})
    venues = {v.code: v for v in Venue.objects.filter(code__in=proposal.venue_codes)}
    context = {
        "proposal": proposal,
        "page": page,
        "groups": page.object_list,
        "left_out": list(reviewed),
        "left_out_count": len(left_out),
        "reasons": reasons,
        "method": coordination.solver_summary(proposal.method),
        "venues": [venues[code] for code in proposal.venue_codes if code in venues],
        "improvement_pct": proposal.improvement * 100 if proposal.improvement is not None else None,
        "gap_pct": proposal.gap * 100 if proposal.gap is not None else None,
    }
    return render(request, "hearings/proposal.html", context)


@requires(Action.DOCKET_MANAGE)
@require_POST
def proposal_commit(request: HttpRequest, pk: int) -> HttpResponse:
    """Schedule every placed case of the proposal, all or nothing."""
    from mppdesk.hearings import scheduling

    user = current_user(request)
    proposal = scheduling.get_proposal_or_404(user, pk)
    try:
        proposal = scheduling.commit_proposal(actor=user, proposal=proposal)
    except scheduling.ProposalConflict:
        messages.error(
            request,
            _(
                "A docket of this proposal filled up meanwhile: nothing was scheduled. "
                "Propose again."
            ),
        )
    except scheduling.ProposalStale as exc:
        messages.error(request, str(exc) or _("This proposal is out of date. Propose again."))
    except FieldErrors as exc:
        messages.error(request, _errors_text(exc.errors))
    else:
        messages.success(
            request,
            ngettext(
                "Proposal committed: %(count)d case scheduled; the notices are recorded.",
                "Proposal committed: %(count)d cases scheduled; the notices are recorded.",
                proposal.cases_placed,
            )
            % {"count": proposal.cases_placed},
        )
    return redirect("hearings:proposal", pk=proposal.pk)


@requires(Action.DOCKET_MANAGE)
@require_POST
def proposal_discard(request: HttpRequest, pk: int) -> HttpResponse:
    from mppdesk.hearings import scheduling

    user = current_user(request)
    proposal = scheduling.get_proposal_or_404(user, pk)
    try:
        scheduling.discard_proposal(actor=user, proposal=proposal)
    except scheduling.ProposalStale as exc:
        messages.error(request, str(exc) or _("This proposal is out of date. Propose again."))
    else:
        messages.success(request, _("Proposal discarded: nothing was scheduled."))
    return redirect("hearings:schedule")
