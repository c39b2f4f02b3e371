"""Scheduling, rescheduling, continuing and cancelling hearings.

Each function takes a keyword-only ``actor`` (``docket.manage`` in the case's
organization or a program-wide one: ``support.require_scheduler``), runs in one
transaction, books or releases the docket's places (``dockets.book``/``release``),
writes the notice, the case timeline entry and the audit entries, and sends the
hearing signal (``signals``) after which reminders are planned.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.cases.models import Case, CaseMember, CaseStatus
from mppdesk.core.audit_vocabulary import AuditAction
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import signals
from mppdesk.hearings.dockets import book, check_court_day, release
from mppdesk.hearings.models import (
    Docket,
    Hearing,
    HearingKind,
    HearingStatus,
    NoticeKind,
    NoticeMethod,
    Outcome,
)
from mppdesk.hearings.notice_services import add_notice, case_language, notice_values
from mppdesk.hearings.support import (
    MAX_REASON,
    add_case_event,
    audit_hearing,
    clean_choice,
    clean_text,
    require_scheduler,
    user_or_none,
)
from mppdesk.hearings.times import court_today, reporting_time, scheduled_time

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.places.models import Port


HEARING_FIELDS = [
    "case", "docket", "kind", "scheduled_at", "seats", "port", "report_at", "report_place",
    "status", "replaces",
]  # fmt: skip


def people_on(case: Case) -> int:
    return max(CaseMember.objects.filter(case=case).count(), 1)


def _check_docket_for_case(
    case: Case, docket: Docket, field: str, errors: dict[str, list[str]]
) -> None:
    if case.venue_id is not None and case.venue_id != docket.venue_id:
        errors.setdefault(field, []).append(_("This docket is at another venue than the case's."))
    language = case_language(case)
    if language and language != "eng" and language not in (docket.interpreter_languages or []):
        errors.setdefault(field, []).append(
            _("This docket has no interpreter for the case's language (%(code)s).")
            % {"code": language}
        )


def _new_hearing(
    *,
    actor: User | None,
    case: Case,
    docket: Docket,
    kind: str,
    port: Port | None,
    seats: int,
    report_at: dt.datetime | None,
    replaces: Hearing | None,
) -> Hearing:
    scheduled_at = scheduled_time(docket)
    if port is not None and report_at is None:
        report_at = reporting_time(docket, port)
    return Hearing.objects.create(
        organization_id=case.organization_id,
        case=case,
        docket=docket,
        kind=kind,
        scheduled_at=scheduled_at,
        seats=seats,
        port=port,
        report_at=report_at,
        report_place=port.report_place if port is not None else "",
        replaces=replaces,
        created_by=user_or_none(actor),
    )


def _check_report_at(
    report_at: dt.datetime | None, docket: Docket, errors: dict[str, list[str]]
) -> None:
    if report_at is None:
        return
    if report_at.tzinfo is None:
        errors.setdefault("report_at", []).append(_("Give the time with its time zone."))
    elif report_at >= scheduled_time(docket):
        errors.setdefault("report_at", []).append(
            _("People must report before the hearing starts.")
        )


def _check_not_past(
    docket: Docket, allow_past: bool, field: str, errors: dict[str, list[str]]
) -> None:
    if not allow_past and docket.date < court_today(docket.venue):
        errors.setdefault(field, []).append(_("This docket is in the past."))


@transaction.atomic
def schedule_hearing(
    *,
    actor: User | None,
    case: Case,
    docket: Docket,
    kind: str = HearingKind.MASTER,
    port: Port | None = None,
    method: str = NoticeMethod.IN_PERSON,
    address: str = "",
    language: str | None = None,
    served_at: dt.datetime | None = None,
    served_by: User | None = None,
    report_at: dt.datetime | None = None,
    allow_past: bool = False,
) -> Hearing:
    """Put ``case`` on ``docket`` and return the new hearing.

    Books one place per person on the case (``DocketFull`` if they do not fit), sets the
    hearing time (the docket's start in the venue's zone) and the reporting time at
    ``port`` (default: the case's port; ``report_at`` lets the scheduler stagger it,
    else the configured lead before the hearing), creates the "scheduled" notice
    (``served_at`` empty until service is recorded) and adds the hearing to the case's
    timeline. ``FieldErrors`` if the case is closed or decided, already has a hearing
    ahead, or the docket is at another venue, without an interpreter for the case's
    language, in the past (unless ``allow_past``, for back-filling records), or on a
    day the court does not sit (``docket``: a US federal holiday or a closure day of
    the venue, see ``calendar``; also for ``reschedule`` and ``continue_hearing``).
    """
    require_scheduler(actor, case.organization_id)
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("organization").get(pk=case.pk)
    )
    docket = Docket.objects.select_related("venue").get(pk=docket.pk)
    errors: dict[str, list[str]] = {}
    clean_choice(kind, HearingKind, "kind", errors)
    if case.status in (CaseStatus.CLOSED, CaseStatus.DECIDED):
        errors.setdefault("case", []).append(_("This case is closed or decided."))
    if Hearing.objects.filter(case=case, status=HearingStatus.SCHEDULED, outcome="").exists():
        errors.setdefault("case", []).append(
            _("This case already has a hearing ahead; reschedule that one instead.")
        )
    _check_docket_for_case(case, docket, "docket", errors)
    _check_not_past(docket, allow_past, "docket", errors)
    check_court_day(docket.venue_id, docket.date, "docket", errors)
    _check_report_at(report_at, docket, errors)
    port = port if port is not None else case.port
    notice = notice_values(method, address, language, served_at, case, errors)
    if errors:
        raise FieldErrors(errors)
    seats = people_on(case)
    book(docket, seats)
    hearing = _new_hearing(
        actor=actor,
        case=case,
        docket=docket,
        kind=kind,
        port=port,
        seats=seats,
        report_at=report_at,
        replaces=None,
    )
    add_notice(
        actor=actor, hearing=hearing, kind=NoticeKind.SCHEDULED, values=notice, served_by=served_by
    )
    if case.status == CaseStatus.INTAKE:
        case.status = CaseStatus.ACTIVE
        case.save(update_fields=["status", "updated_at"])
    add_case_event(
        case,
        actor,
        "scheduled",
        hearing,
        docket_date=docket.date.isoformat(),
        venue=docket.venue.code,
    )
    audit_hearing(actor, hearing, AuditAction.CREATE, HEARING_FIELDS)
    signals.hearing_scheduled.send(sender=Hearing, hearing=hearing, actor=actor)
    return hearing


def _lock_open_hearing(hearing: Hearing, errors: dict[str, list[str]]) -> Hearing:
    locked = (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("organization", "case", "docket", "docket__venue", "port")
        .get(pk=hearing.pk)
    )
    if not locked.is_open:
        errors.setdefault("hearing", []).append(
            _("Only a scheduled hearing without an outcome can be changed.")
        )
    return locked


def _replace(
    *,
    actor: User | None,
    old: Hearing,
    new_docket: Docket,
    reason: str,
    action: str,
    method: str,
    address: str,
    language: str | None,
    served_at: dt.datetime | None,
    served_by: User | None,
    report_at: dt.datetime | None,
    allow_past: bool,
) -> Hearing:
    """Shared by reschedule and continue: validate, book the new docket, chain, notice."""
    require_scheduler(actor, old.organization_id)
    errors: dict[str, list[str]] = {}
    old = _lock_open_hearing(old, errors)
    new_docket = Docket.objects.select_related("venue").get(pk=new_docket.pk)
    reason = clean_text(reason, "reason", MAX_REASON, errors)
    if not reason:
        errors.setdefault("reason", []).append(_("This field is required."))
    if new_docket.pk == old.docket_id:
        errors.setdefault("docket", []).append(_("Choose another docket."))
    _check_docket_for_case(old.case, new_docket, "docket", errors)
    _check_not_past(new_docket, allow_past, "docket", errors)
    check_court_day(new_docket.venue_id, new_docket.date, "docket", errors)
    _check_report_at(report_at, new_docket, errors)
    notice = notice_values(method, address, language, served_at, old.case, errors)
    if errors:
        raise FieldErrors(errors)
    seats = people_on(old.case)
    moving = action == "rescheduled"
    # Two dockets' rows are locked: always in the order of their ids, so that two
    # opposite moves at once cannot deadlock. A DocketFull rolls the release back.
    if moving and old.docket_id < new_docket.pk:
        release(old.docket, old.seats)
    book(new_docket, seats)
    if moving and old.docket_id > new_docket.pk:
        release(old.docket, old.seats)
    now = timezone.now()
    old.continuance_reason = reason
    if moving:
        old.status = HearingStatus.RESCHEDULED
        changed = ["status", "continuance_reason"]
    else:  # continued: the hearing took place (its places were used) and was continued
        old.status = HearingStatus.HELD
        old.outcome = Outcome.CONTINUED
        old.outcome_recorded_at = now
        old.outcome_recorded_by = user_or_none(actor)
        changed = ["status", "outcome", "continuance_reason"]
    old.save()
    new = _new_hearing(
        actor=actor,
        case=old.case,
        docket=new_docket,
        kind=old.kind,
        port=old.port,
        seats=seats,
        report_at=report_at,
        replaces=old,
    )
    add_notice(
        actor=actor, hearing=new, kind=NoticeKind.CHANGED, values=notice, served_by=served_by
    )
    add_case_event(
        old.case,
        actor,
        action,
        new,
        replaces=str(old.pk),
        docket_date=new_docket.date.isoformat(),
        venue=new_docket.venue.code,
    )
    audit_hearing(actor, old, AuditAction.UPDATE, changed)
    audit_hearing(actor, new, AuditAction.CREATE, HEARING_FIELDS)
    signals.hearing_replaced.send(sender=Hearing, old=old, new=new, action=action, actor=actor)
    return new


@transaction.atomic
def reschedule(
    *,
    actor: User | None,
    hearing: Hearing,
    new_docket: Docket,
    reason: str,
    method: str = NoticeMethod.IN_PERSON,
    address: str = "",
    language: str | None = None,
    served_at: dt.datetime | None = None,
    served_by: User | None = None,
    report_at: dt.datetime | None = None,
    allow_past: bool = False,
) -> Hearing:
    """Move a hearing that has not taken place to ``new_docket``; return the new hearing.

    History is kept: the old hearing becomes "rescheduled" (with ``reason``) and the new
    one ``replaces`` it; the old docket's places are released and the new one's booked
    (``DocketFull`` first, before anything changes); a "changed" notice is created.
    """
    return _replace(
        actor=actor,
        old=hearing,
        new_docket=new_docket,
        reason=reason,
        action="rescheduled",
        method=method,
        address=address,
        language=language,
        served_at=served_at,
        served_by=served_by,
        report_at=report_at,
        allow_past=allow_past,
    )


@transaction.atomic
def continue_hearing(
    *,
    actor: User | None,
    hearing: Hearing,
    new_docket: Docket,
    reason: str,
    method: str = NoticeMethod.IN_PERSON,
    address: str = "",
    language: str | None = None,
    served_at: dt.datetime | None = None,
    served_by: User | None = None,
    report_at: dt.datetime | None = None,
    allow_past: bool = False,
) -> Hearing:
    """The judge continued the hearing to ``new_docket``; return the new hearing.

    The hearing is "held" with outcome "continued" and ``reason``; it keeps its places
    (they were used). The new hearing ``replaces`` it and gets a "changed" notice (by
    default in person: the next date is handed over at the hearing).
    """
    return _replace(
        actor=actor,
        old=hearing,
        new_docket=new_docket,
        reason=reason,
        action="continued",
        method=method,
        address=address,
        language=language,
        served_at=served_at,
        served_by=served_by,
        report_at=report_at,
        allow_past=allow_past,
    )


@transaction.atomic
def cancel(
    *,
    actor: User | None,
    hearing: Hearing,
    reason: str,
    method: str = NoticeMethod.IN_PERSON,
    address: str = "",
    language: str | None = None,
    served_at: dt.datetime | None = None,
    served_by: User | None = None,
) -> Hearing:
    """Cancel a hearing that has not taken place: release its places, create a
    "cancelled" notice and note it on the case's timeline."""
    require_scheduler(actor, hearing.organization_id)
    errors: dict[str, list[str]] = {}
    hearing = _lock_open_hearing(hearing, errors)
    reason = clean_text(reason, "reason", MAX_REASON, errors)
    if not reason:
        errors.setdefault("reason", []).append(_("This field is required."))
    notice = notice_values(method, address, language, served_at, hearing.case, errors)
    if errors:
        raise FieldErrors(errors)
    release(hearing.docket, hearing.seats)
    hearing.status = HearingStatus.CANCELLED
    hearing.continuance_reason = reason
    hearing.save()
    add_notice(
        actor=actor, hearing=hearing, kind=NoticeKind.CANCELLED, values=notice, served_by=served_by
    )
    add_case_event(hearing.case, actor, "cancelled", hearing)
    audit_hearing(actor, hearing, AuditAction.UPDATE, ["status", "continuance_reason"])
    signals.hearing_cancelled.send(sender=Hearing, hearing=hearing, actor=actor)
    return hearing
