"""All writes to dockets, hearings, notices and in absentia follow-ups.

Each public function (but ``book``/``release``, the two low-level seat counters) takes a
keyword-only ``actor``, runs in one transaction and writes its audit entries. An
``actor`` of ``None`` is the system (demo data, migrations) and skips the role checks;
otherwise the role must allow the action in the organization concerned
(``accounts.permissions``), else ``PermissionDenied``:

- dockets and templates: ``docket.manage`` in any of the actor's organizations (dockets
  are program data, not personal data);
- scheduling, rescheduling, continuing and cancelling a hearing: ``docket.manage`` in the
  case's (owning) organization, or in a program-wide organization (the program
  coordinator, a court: ``queries.PROGRAM_WIDE_SCHEDULERS``), whose coordinators place
  every organization's cases without reading their people;
- notices, outcomes and roll-call: ``person.write`` in the case's organization (records
  shared by a referral are read-only to the receiver).

Overbooking is impossible at the database level: ``book`` is one conditional UPDATE
(``booked = booked + n WHERE booked + n <= capacity``) and a CHECK constraint holds
``booked <= capacity``; two coordinators booking the last seat at once get one success
and one ``DocketFull``.

Validation errors are ``FieldErrors`` naming the field. Messages never hold personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseEvent, CaseMember, CaseStatus
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import calendar, signals
from mppdesk.hearings.models import (
    NOTICE_LANGUAGE_OF,
    SESSION_STARTS,
    ClosureDay,
    Docket,
    DocketTemplate,
    FollowUpStatus,
    Hearing,
    HearingKind,
    HearingStatus,
    InAbsentiaFollowUp,
    Notice,
    NoticeKind,
    NoticeLanguage,
    NoticeMethod,
    Outcome,
    Session,
)
from mppdesk.hearings.times import (
    court_datetime,
    court_today,
    report_datetime,
    report_lead_minutes,
)
from mppdesk.people.models import PersonLanguage

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.places.models import Port, Venue

#: ``CaseEvent.kind`` of the hearing entries on a case's timeline (``data["action"]``
#: says which: scheduled, rescheduled, continued, cancelled, outcome, notice).
CASE_EVENT_KIND = "hearing"
MAX_REASON = 1000
MAX_ADDRESS = 500
#: Generating more than this many days at once is almost certainly a typo.
MAX_GENERATE_DAYS = 731
MAX_CAPACITY = 2000

TEMPLATE_FIELDS = [
    "venue", "weekday", "session", "judge", "courtroom", "capacity",
    "interpreter_languages", "starts_at", "active",
]  # fmt: skip
DOCKET_FIELDS = [
    "venue", "date", "session", "judge", "courtroom", "capacity", "interpreter_languages",
    "starts_at",
]  # fmt: skip
HEARING_FIELDS = [
    "case", "docket", "kind", "scheduled_at", "seats", "port", "report_at", "report_place",
    "status", "replaces",
]  # fmt: skip
NOTICE_FIELDS = ["hearing", "kind", "method", "address", "language", "served_at", "served_by"]
#: Outcomes that decide the case (its status becomes "decided").
DECISIONS = frozenset(
    {
        Outcome.RELIEF_GRANTED,
        Outcome.REMOVAL_ORDERED,
        Outcome.TERMINATED,
        Outcome.DISMISSED,
        Outcome.VOLUNTARY_DEPARTURE,
    }
)


class DocketFull(FieldErrors):  # noqa: N818 - the name the design fixed
    """The docket has fewer free places than the case needs (nothing was booked)."""

    def __init__(self, docket: Docket, needed: int, field: str = "docket") -> None:
        self.docket_id = docket.pk
        self.needed = needed
        left = Docket.objects.filter(pk=docket.pk).values_list("capacity", "booked").first()
        free = max(left[0] - left[1], 0) if left else 0
        super().__init__(
            {
                field: [
                    _("This docket has %(free)d free places; the case needs %(needed)d.")
                    % {"free": free, "needed": needed}
                ]
            }
        )


@dataclass(frozen=True)
class GenerateResult:
    created: int
    skipped: int
    days: int
    #: Days of the period on which the venue does not sit (``calendar``): no docket made.
    closed_days: int = 0


# --- helpers ------------------------------------------------------------------------------

#: INA 240(b)(5)(C)(i): a motion to reopen for exceptional circumstances within 180 days.
EXCEPTIONAL_CIRCUMSTANCES_DAYS = 180


def _require(actor: User | None, action: Action, organization_id: int | None = None) -> None:
    if actor is not None and not can(actor, action, organization_id):
        raise PermissionDenied


def _require_scheduler(actor: User | None, organization_id: int) -> None:
    """``docket.manage`` in the case's organization, or in a program-wide one."""
    from mppdesk.hearings.queries import may_schedule

    if actor is not None and not may_schedule(actor, organization_id):
        raise PermissionDenied


def _actor_org(actor: User | None, action: Action) -> Organization | None:
    """The organization to file a program-wide write under in the audit log."""
    if actor is None:
        return None
    from mppdesk.accounts.models import Organization

    org_ids = orgs_where(actor, action)
    return Organization.objects.filter(pk__in=org_ids).order_by("pk").first() if org_ids else None


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _text(value: Any, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors.setdefault(field, []).append(_("At most %(count)s characters.") % {"count": limit})
    return text


def _choice(value: Any, choices: Any, field: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if text not in choices.values:
        errors.setdefault(field, []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}
        )
    return text


def _languages(values: Iterable[Any], field: str, errors: dict[str, list[str]]) -> list[str]:
    from mppdesk.lib.languages import LanguageError, normalize_language

    codes: list[str] = []
    for value in values:
        try:
            code = normalize_language(str(value))
        except LanguageError as exc:
            errors.setdefault(field, []).append(str(exc))
            continue
        if code not in codes:
            codes.append(code)
    return codes


def _case_event(case: Case, actor: User | None, action: str, hearing: Hearing, **data: Any) -> None:
    CaseEvent.objects.create(
        case=case,
        kind=CASE_EVENT_KIND,
        occurred_at=timezone.now(),
        actor=_user(actor),
        data={"action": action, "hearing": str(hearing.pk), **data},
    )


def _audit_hearing(
    actor: User | None, hearing: Hearing, action: str, fields: Sequence[str]
) -> None:
    audit.record(
        actor=actor,
        organization=hearing.organization,
        action=action,
        object_type="hearing",
        object_id=hearing.pk,
        fields=fields,
    )


def _audit_notice(actor: User | None, notice: Notice, organization: Organization) -> None:
    audit.record(
        actor=actor,
        organization=organization,
        action="create",
        object_type="notice",
        object_id=notice.pk,
        fields=NOTICE_FIELDS,
    )


def case_event_detail(data: Mapping[str, Any]) -> str:
    """A line for a hearing entry of the case timeline (``CaseEvent.kind == "hearing"``),
    in the active language, from the event's ``data`` (no personal data in it)."""
    from django.utils.text import capfirst

    action = str(data.get("action", ""))
    day = str(data.get("docket_date", ""))
    if action == "scheduled":
        return f"{HearingStatus.SCHEDULED.label}: {day}"
    if action == "rescheduled":
        return f"{HearingStatus.RESCHEDULED.label} → {day}"
    if action == "continued":
        return f"{Outcome.CONTINUED.label} → {day}"
    if action == "cancelled":
        return str(HearingStatus.CANCELLED.label)
    if action == "outcome":
        try:
            return str(Outcome(str(data.get("outcome", ""))).label)
        except ValueError:
            return str(data.get("outcome", ""))
    if action == "notice":
        try:
            method = str(NoticeMethod(str(data.get("method", ""))).label)
        except ValueError:
            method = ""
        return f"{capfirst(Notice._meta.verbose_name)}: {method}".rstrip(": ")
    return action


# --- docket templates and dockets ---------------------------------------------------------


def _template_values(values: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "weekday" in values:
        weekday = values["weekday"]
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors.setdefault("weekday", []).append(_("A weekday from 0 (Monday) to 6 (Sunday)."))
        clean["weekday"] = weekday
    if "session" in values:
        clean["session"] = _choice(values["session"], Session, "session", errors)
    if "courtroom" in values:
        courtroom = _text(values["courtroom"], "courtroom", 40, errors)
        if not courtroom:
            errors.setdefault("courtroom", []).append(_("This field is required."))
        clean["courtroom"] = courtroom
    if "judge" in values:
        clean["judge"] = _text(values["judge"], "judge", 120, errors)
    if "capacity" in values:
        capacity = values["capacity"]
        if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
            errors.setdefault("capacity", []).append(
                _("A number of people from 1 to %(max)d.") % {"max": MAX_CAPACITY}
            )
        clean["capacity"] = capacity
    if "interpreter_languages" in values:
        clean["interpreter_languages"] = _languages(
            values["interpreter_languages"] or [], "interpreter_languages", errors
        )
    if "starts_at" in values:
        clean["starts_at"] = values["starts_at"]
    if "active" in values:
        clean["active"] = bool(values["active"])
    return clean


@transaction.atomic
def create_template(
    *,
    actor: User | None,
    venue: Venue,
    weekday: int,
    session: str,
    courtroom: str,
    capacity: int,
    judge: str = "",
    interpreter_languages: Iterable[str] = ("spa",),
    starts_at: dt.time | None = None,
    active: bool = True,
) -> DocketTemplate:
    """A weekly docket pattern of ``venue``; ``FieldErrors`` if invalid or already there."""
    _require(actor, Action.DOCKET_MANAGE)
    errors: dict[str, list[str]] = {}
    values = _template_values(
        {
            "weekday": weekday,
            "session": session,
            "courtroom": courtroom,
            "capacity": capacity,
            "judge": judge,
            "interpreter_languages": list(interpreter_languages),
            "starts_at": starts_at,
            "active": active,
        },
        errors,
    )
    if (
        not errors
        and DocketTemplate.objects.filter(
            venue=venue, weekday=weekday, session=values["session"], courtroom=values["courtroom"]
        ).exists()
    ):
        errors.setdefault("courtroom", []).append(
            _("This courtroom already has a template for this weekday and session.")
        )
    if errors:
        raise FieldErrors(errors)
    template = DocketTemplate.objects.create(venue=venue, created_by=_user(actor), **values)
    audit.record(
        actor=actor,
        organization=_actor_org(actor, Action.DOCKET_MANAGE),
        action="create",
        object_type="docket_template",
        object_id=template.pk,
        fields=TEMPLATE_FIELDS,
    )
    return template


@transaction.atomic
def update_template(
    *, actor: User | None, template: DocketTemplate, **changes: Any
) -> DocketTemplate:
    """Change the given fields of a template (``active=False`` retires it). Dockets
    already generated keep their values."""
    _require(actor, Action.DOCKET_MANAGE)
    unknown = set(changes) - set(TEMPLATE_FIELDS) - {"venue"}
    if unknown or "venue" in changes:
        raise FieldErrors(
            {
                name: [_("This field cannot be changed.")]
                for name in sorted(unknown | ({"venue"} & set(changes)))
            }
        )
    errors: dict[str, list[str]] = {}
    values = _template_values(changes, errors)
    template = DocketTemplate.objects.select_for_update().get(pk=template.pk)
    if not errors:
        slot = {
            "weekday": values.get("weekday", template.weekday),
            "session": values.get("session", template.session),
            "courtroom": values.get("courtroom", template.courtroom),
        }
        if (
            DocketTemplate.objects.filter(venue_id=template.venue_id, **slot)
            .exclude(pk=template.pk)
            .exists()
        ):
            errors.setdefault("courtroom", []).append(
                _("This courtroom already has a template for this weekday and session.")
            )
    if errors:
        raise FieldErrors(errors)
    changed = [name for name, value in values.items() if getattr(template, name) != value]
    if not changed:
        return template
    for name in changed:
        setattr(template, name, values[name])
    template.save()
    audit.record(
        actor=actor,
        organization=_actor_org(actor, Action.DOCKET_MANAGE),
        action="update",
        object_type="docket_template",
        object_id=template.pk,
        fields=changed,
    )
    return template


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


@transaction.atomic
def generate_dockets(
    *,
    actor: User | None,
    venue: Venue,
    start: dt.date,
    end: dt.date,
    templates: Iterable[DocketTemplate] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> GenerateResult:
    """Create the dockets of ``venue`` from ``start`` to ``end`` (inclusive) from its
    weekly templates (by default its active ones).

    Idempotent: a docket that already exists for the same venue, date, session and
    courtroom is kept as it is (its bookings too) and counted as skipped. No docket is
    made on a day the venue does not sit (a US federal holiday, observed dates included,
    or a closure day of the venue: ``calendar``); those days are counted in
    ``closed_days``. ``progress(done_days, total_days)`` is called as the days are
    prepared.
    """
    _require(actor, Action.DOCKET_MANAGE)
    errors: dict[str, list[str]] = {}
    if end < start:
        errors.setdefault("end", []).append(_("The end date is before the start date."))
    elif (end - start).days + 1 > MAX_GENERATE_DAYS:
        errors.setdefault("end", []).append(
            _("At most %(days)d days at once.") % {"days": MAX_GENERATE_DAYS}
        )
    chosen = (
        list(DocketTemplate.objects.filter(venue=venue, active=True))
        if templates is None
        else list(templates)
    )
    if any(t.venue_id != venue.pk for t in chosen):
        errors.setdefault("templates", []).append(_("A template belongs to another venue."))
    if errors:
        raise FieldErrors(errors)
    days = _days(start, end)
    by_weekday: dict[int, list[DocketTemplate]] = {}
    for template in chosen:
        by_weekday.setdefault(template.weekday, []).append(template)
    existing = set(
        Docket.objects.filter(venue=venue, date__gte=start, date__lte=end).values_list(
            "date", "session", "courtroom"
        )
    )
    closed = calendar.closed_days([venue.pk], start, end)
    new: list[Docket] = []
    skipped = closed_count = 0
    user = _user(actor)
    for index, day in enumerate(days, start=1):
        closed_today = (venue.pk, day) in closed
        closed_count += closed_today
        for template in [] if closed_today else by_weekday.get(day.weekday(), []):
            if (day, template.session, template.courtroom) in existing:
                skipped += 1
                continue
            new.append(
                Docket(
                    venue=venue,
                    date=day,
                    session=template.session,
                    judge=template.judge,
                    courtroom=template.courtroom,
                    capacity=template.capacity,
                    interpreter_languages=list(template.interpreter_languages),
                    starts_at=template.start_time,
                    template=template,
                    created_by=user,
                )
            )
        if progress is not None and (index % 7 == 0 or index == len(days)):
            progress(index, len(days))
    try:
        with transaction.atomic():
            Docket.objects.bulk_create(new, batch_size=1000)
    except IntegrityError as exc:  # another run created some of the same dockets meanwhile
        raise FieldErrors(
            {
                "start": [
                    _("Dockets of this period were being generated at the same time; run again.")
                ]
            }
        ) from exc
    # PostgreSQL and SQLite >= 3.35 return the new ids from the bulk insert.
    ids = [d.pk for d in new]
    created = len(new)
    if new:
        audit.record_many(
            actor=actor,
            organization=_actor_org(actor, Action.DOCKET_MANAGE),
            action="create",
            object_type="docket",
            object_ids=ids,
            fields=DOCKET_FIELDS,
        )
    return GenerateResult(
        created=created, skipped=skipped, days=len(days), closed_days=closed_count
    )


def _check_court_day(venue_id: int, day: dt.date, field: str, errors: dict[str, list[str]]) -> None:
    reason = calendar.closure_reason(venue_id, day)
    if reason:
        errors.setdefault(field, []).append(
            _("The court does not sit on %(date)s (%(reason)s).")
            % {"date": day.isoformat(), "reason": reason}
        )


@transaction.atomic
def create_docket(
    *,
    actor: User | None,
    venue: Venue,
    date: dt.date,
    session: str,
    courtroom: str,
    capacity: int,
    judge: str = "",
    interpreter_languages: Iterable[str] = ("spa",),
    starts_at: dt.time | None = None,
) -> Docket:
    """One docket outside the weekly templates (an extra session).

    ``FieldErrors`` naming the field if invalid, if the same venue, date, session and
    courtroom already has one, or if the venue does not sit that day (``date``: a US
    federal holiday, observed dates included, or a closure day of the venue).
    """
    _require(actor, Action.DOCKET_MANAGE)
    errors: dict[str, list[str]] = {}
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors.setdefault("date", []).append(_("Give a date."))
    values = _template_values(
        {
            "session": session,
            "courtroom": courtroom,
            "capacity": capacity,
            "judge": judge,
            "interpreter_languages": list(interpreter_languages),
        },
        errors,
    )
    if "date" not in errors:
        _check_court_day(venue.pk, date, "date", errors)
    if (
        not errors
        and Docket.objects.filter(
            venue=venue, date=date, session=values["session"], courtroom=values["courtroom"]
        ).exists()
    ):
        errors.setdefault("courtroom", []).append(
            _("This courtroom already has a docket in this session.")
        )
    if errors:
        raise FieldErrors(errors)
    docket = Docket.objects.create(
        venue=venue,
        date=date,
        starts_at=starts_at or SESSION_STARTS[Session(values["session"])],
        created_by=_user(actor),
        **values,
    )
    audit.record(
        actor=actor,
        organization=_actor_org(actor, Action.DOCKET_MANAGE),
        action="create",
        object_type="docket",
        object_id=docket.pk,
        fields=DOCKET_FIELDS,
    )
    return docket


MAX_CLOSURE_REASON = 200
CLOSURE_FIELDS = ["venue", "date", "reason"]


@dataclass(frozen=True)
class ClosureResult:
    closure: ClosureDay
    #: Dockets of the venue on that day (kept, and now flagged).
    dockets_flagged: int
    #: Hearings ahead on those dockets (to move: nothing is moved automatically).
    hearings_ahead: int


@transaction.atomic
def add_closure_day(
    *, actor: User | None, venue: Venue, date: dt.date, reason: str
) -> ClosureResult:
    """Close ``venue`` on ``date``: no docket is made and no hearing put there from now on.

    Dockets already on that day are kept with their hearings and flagged
    (``Docket.closed_reason``); the result counts them and the hearings ahead on them
    so that the coordinator reschedules those. ``FieldErrors`` naming ``date`` (not a
    date, already closed, a federal holiday) or ``reason`` (empty, too long).
    """
    _require(actor, Action.DOCKET_MANAGE)
    errors: dict[str, list[str]] = {}
    text = _text(reason, "reason", MAX_CLOSURE_REASON, errors)
    if not text:
        errors.setdefault("reason", []).append(_("This field is required."))
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors.setdefault("date", []).append(_("Give a date."))
    else:
        holiday = calendar.federal_holiday(date)
        if holiday is not None:
            errors.setdefault("date", []).append(calendar.holiday_text(holiday))
        elif ClosureDay.objects.filter(venue=venue, date=date).exists():
            errors.setdefault("date", []).append(_("This venue is already closed on this day."))
    if errors:
        raise FieldErrors(errors)
    try:
        with transaction.atomic():
            closure = ClosureDay.objects.create(
                venue=venue, date=date, reason=text, created_by=_user(actor)
            )
    except IntegrityError as exc:  # the same day added at the same time
        raise FieldErrors({"date": [_("This venue is already closed on this day.")]}) from exc
    audit.record(
        actor=actor,
        organization=_actor_org(actor, Action.DOCKET_MANAGE),
        action="create",
        object_type="closure_day",
        object_id=closure.pk,
        fields=CLOSURE_FIELDS,
    )
    dockets = Docket.objects.filter(venue=venue, date=date)
    ahead = Hearing.objects.filter(
        docket__in=dockets, status=HearingStatus.SCHEDULED, outcome=""
    ).count()
    return ClosureResult(closure, dockets.count(), ahead)


@transaction.atomic
def remove_closure_day(*, actor: User | None, closure: ClosureDay) -> None:
    """Open the venue again on that day (the dockets there lose their flag)."""
    _require(actor, Action.DOCKET_MANAGE)
    pk = closure.pk
    ClosureDay.objects.filter(pk=pk).delete()
    audit.record(
        actor=actor,
        organization=_actor_org(actor, Action.DOCKET_MANAGE),
        action="delete",
        object_type="closure_day",
        object_id=pk,
        fields=CLOSURE_FIELDS,
    )


def book(docket: Docket, n: int, *, field: str = "docket") -> None:
    """Take ``n`` places on ``docket`` or raise ``DocketFull`` (nothing taken).

    One conditional UPDATE: the database evaluates ``booked + n <= capacity`` on the
    row it updates, after any concurrent update of that row has committed (PostgreSQL
    re-checks the condition on the new row version), so concurrent bookings can never
    exceed the capacity. ``docket.booked`` is refreshed.
    """
    if n < 1:
        raise ValueError("book at least one place")
    rows = Docket.objects.filter(pk=docket.pk, booked__lte=F("capacity") - n).update(
        booked=F("booked") + n, updated_at=timezone.now()
    )
    if rows == 0:
        raise DocketFull(docket, n, field=field)
    docket.refresh_from_db(fields=["booked", "updated_at"])


def release(docket: Docket, n: int) -> None:
    """Give back ``n`` places taken by ``book`` (never below zero)."""
    if n < 1:
        raise ValueError("release at least one place")
    rows = Docket.objects.filter(pk=docket.pk, booked__gte=n).update(
        booked=F("booked") - n, updated_at=timezone.now()
    )
    if rows == 0:
        # More released than booked means the counts were changed by hand: never go
        # negative (the column is unsigned), leave it at zero.
        Docket.objects.filter(pk=docket.pk).update(booked=0, updated_at=timezone.now())
    docket.refresh_from_db(fields=["booked", "updated_at"])


# --- hearings -----------------------------------------------------------------------------


def scheduled_time(docket: Docket) -> dt.datetime:
    """The docket's start in UTC (the venue's time zone and its daylight-saving rules)."""
    return court_datetime(docket.venue.timezone, docket.date, docket.starts_at)


def report_lead(docket: Docket, port: Port | None) -> dt.timedelta:
    minutes = (
        port.report_lead_minutes
        if port is not None and port.report_lead_minutes is not None
        else report_lead_minutes(docket.session)
    )
    return dt.timedelta(minutes=minutes)


def reporting_time(docket: Docket, port: Port | None) -> dt.datetime | None:
    """When people on this docket report at ``port`` (UTC), or None without a port."""
    if port is None:
        return None
    return report_datetime(
        scheduled_time(docket), int(report_lead(docket, port).total_seconds() // 60)
    )


def case_language(case: Case) -> str:
    """The case's language (the lead respondent's preferred one, ISO 639-3), or ""."""
    languages = list(
        PersonLanguage.objects.filter(person_id=case.lead_id).order_by("-preferred", "code")
    )
    return languages[0].code if languages else ""


def notice_language(case: Case) -> str:
    """Notices are printed in es, en, pt, ht or fr: the lead's language, else Spanish."""
    return NOTICE_LANGUAGE_OF.get(case_language(case), NoticeLanguage.ES)


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


def _notice_values(
    method: str,
    address: str,
    language: str | None,
    served_at: dt.datetime | None,
    case: Case,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    text = str(address or "").strip()
    values: dict[str, Any] = {
        "method": _choice(method, NoticeMethod, "method", errors),
        "address": text,
        "language": _choice(language, NoticeLanguage, "language", errors)
        if language
        else notice_language(case),
        "served_at": served_at,
    }
    if len(text) > MAX_ADDRESS:
        errors.setdefault("address", []).append(
            _("At most %(count)s characters.") % {"count": MAX_ADDRESS}
        )
    if served_at is not None:
        if served_at.tzinfo is None:
            errors.setdefault("served_at", []).append(_("Give the time with its time zone."))
        elif served_at > timezone.now() + dt.timedelta(minutes=10):
            errors.setdefault("served_at", []).append(_("This time is in the future."))
    return values


def _create_notice(
    *,
    actor: User | None,
    hearing: Hearing,
    kind: str,
    values: Mapping[str, Any],
    served_by: User | None,
) -> Notice:
    notice = Notice.objects.create(
        hearing=hearing,
        kind=kind,
        served_by=served_by,
        recorded_by=_user(actor),
        **values,
    )
    _audit_notice(actor, notice, hearing.organization)
    return notice


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
        created_by=_user(actor),
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
    _require_scheduler(actor, case.organization_id)
    case = (
        Case.objects.select_for_update(of=("self",)).select_related("organization").get(pk=case.pk)
    )
    docket = Docket.objects.select_related("venue").get(pk=docket.pk)
    errors: dict[str, list[str]] = {}
    _choice(kind, HearingKind, "kind", errors)
    if case.status in (CaseStatus.CLOSED, CaseStatus.DECIDED):
        errors.setdefault("case", []).append(_("This case is closed or decided."))
    if Hearing.objects.filter(case=case, status=HearingStatus.SCHEDULED, outcome="").exists():
        errors.setdefault("case", []).append(
            _("This case already has a hearing ahead; reschedule that one instead.")
        )
    _check_docket_for_case(case, docket, "docket", errors)
    _check_not_past(docket, allow_past, "docket", errors)
    _check_court_day(docket.venue_id, docket.date, "docket", errors)
    _check_report_at(report_at, docket, errors)
    port = port if port is not None else case.port
    notice = _notice_values(method, address, language, served_at, case, errors)
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
    _create_notice(
        actor=actor, hearing=hearing, kind=NoticeKind.SCHEDULED, values=notice, served_by=served_by
    )
    if case.status == CaseStatus.INTAKE:
        case.status = CaseStatus.ACTIVE
        case.save(update_fields=["status", "updated_at"])
    _case_event(
        case,
        actor,
        "scheduled",
        hearing,
        docket_date=docket.date.isoformat(),
        venue=docket.venue.code,
    )
    _audit_hearing(actor, hearing, "create", HEARING_FIELDS)
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
    _require_scheduler(actor, old.organization_id)
    errors: dict[str, list[str]] = {}
    old = _lock_open_hearing(old, errors)
    new_docket = Docket.objects.select_related("venue").get(pk=new_docket.pk)
    reason = _text(reason, "reason", MAX_REASON, errors)
    if not reason:
        errors.setdefault("reason", []).append(_("This field is required."))
    if new_docket.pk == old.docket_id:
        errors.setdefault("docket", []).append(_("Choose another docket."))
    _check_docket_for_case(old.case, new_docket, "docket", errors)
    _check_not_past(new_docket, allow_past, "docket", errors)
    _check_court_day(new_docket.venue_id, new_docket.date, "docket", errors)
    _check_report_at(report_at, new_docket, errors)
    notice = _notice_values(method, address, language, served_at, old.case, errors)
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
        old.outcome_recorded_by = _user(actor)
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
    _create_notice(
        actor=actor, hearing=new, kind=NoticeKind.CHANGED, values=notice, served_by=served_by
    )
    _case_event(
        old.case,
        actor,
        action,
        new,
        replaces=str(old.pk),
        docket_date=new_docket.date.isoformat(),
        venue=new_docket.venue.code,
    )
    _audit_hearing(actor, old, "update", changed)
    _audit_hearing(actor, new, "create", HEARING_FIELDS)
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
    _require_scheduler(actor, hearing.organization_id)
    errors: dict[str, list[str]] = {}
    hearing = _lock_open_hearing(hearing, errors)
    reason = _text(reason, "reason", MAX_REASON, errors)
    if not reason:
        errors.setdefault("reason", []).append(_("This field is required."))
    notice = _notice_values(method, address, language, served_at, hearing.case, errors)
    if errors:
        raise FieldErrors(errors)
    release(hearing.docket, hearing.seats)
    hearing.status = HearingStatus.CANCELLED
    hearing.continuance_reason = reason
    hearing.save()
    _create_notice(
        actor=actor, hearing=hearing, kind=NoticeKind.CANCELLED, values=notice, served_by=served_by
    )
    _case_event(hearing.case, actor, "cancelled", hearing)
    _audit_hearing(actor, hearing, "update", ["status", "continuance_reason"])
    signals.hearing_cancelled.send(sender=Hearing, hearing=hearing, actor=actor)
    return hearing


def _notice_kind_for(hearing: Hearing) -> str:
    if hearing.status == HearingStatus.CANCELLED:
        return NoticeKind.CANCELLED
    return NoticeKind.CHANGED if hearing.replaces_id else NoticeKind.SCHEDULED


@transaction.atomic
def record_notice(
    *,
    actor: User | None,
    hearing: Hearing,
    method: str,
    address: str = "",
    served_at: dt.datetime | None = None,
    served_by: User | None = None,
    language: str | None = None,
    kind: str | None = None,
) -> Notice:
    """Record one more notice of ``hearing`` (served again, by another way, ...).

    ``kind`` defaults to what the hearing's state calls for: "cancelled" for a cancelled
    hearing, "changed" for one that replaces another, else "scheduled".
    """
    _require(actor, Action.PERSON_WRITE, hearing.organization_id)
    hearing = Hearing.objects.select_related("organization", "case").get(pk=hearing.pk)
    errors: dict[str, list[str]] = {}
    chosen_kind = _choice(kind, NoticeKind, "kind", errors) if kind else _notice_kind_for(hearing)
    values = _notice_values(method, address, language, served_at, hearing.case, errors)
    if errors:
        raise FieldErrors(errors)
    notice = _create_notice(
        actor=actor, hearing=hearing, kind=chosen_kind, values=values, served_by=served_by
    )
    _case_event(
        hearing.case, actor, "notice", hearing, notice=str(notice.pk), method=values["method"]
    )
    return notice


@transaction.atomic
def mark_notice_served(
    *,
    actor: User | None,
    notice: Notice,
    served_at: dt.datetime,
    served_by: User | None = None,
    method: str | None = None,
    address: str | None = None,
) -> Notice:
    """Record when (and how, where, by whom) a notice not yet marked served was served.

    A notice already marked served cannot be changed: record another one instead, so
    the evidence of what was served stays as it was written.
    """
    notice = (
        Notice.objects.select_for_update(of=("self",))
        .select_related("hearing", "hearing__organization", "hearing__case")
        .get(pk=notice.pk)
    )
    _require(actor, Action.PERSON_WRITE, notice.hearing.organization_id)
    errors: dict[str, list[str]] = {}
    if notice.served_at is not None:
        errors.setdefault("served_at", []).append(
            _("This notice is already marked served; record a new notice instead.")
        )
    values = _notice_values(
        method or notice.method,
        notice.address if address is None else address,
        notice.language,
        served_at,
        notice.hearing.case,
        errors,
    )
    if served_at is None:
        errors.setdefault("served_at", []).append(_("This field is required."))
    if errors:
        raise FieldErrors(errors)
    notice.method = values["method"]
    notice.address = values["address"]
    notice.served_at = served_at
    notice.served_by = served_by
    notice.save()
    audit.record(
        actor=actor,
        organization=notice.hearing.organization,
        action="update",
        object_type="notice",
        object_id=notice.pk,
        fields=["served_at", "served_by", "method", "address"],
    )
    return notice


# --- outcomes -----------------------------------------------------------------------------


def _set_case_status(actor: User | None, case: Case, status: str) -> None:
    if case.status == status:
        return
    from mppdesk.cases.services import update_case

    update_case(actor=actor, case=case, status=status)


def _apply_outcome(
    *,
    actor: User | None,
    hearing: Hearing,
    outcome: str,
    reason: str,
    order_date: dt.date | None,
    notes: str,
) -> Hearing:
    """Validated ``record_outcome`` without its own transaction or permission check."""
    errors: dict[str, list[str]] = {}
    locked = (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("organization", "case", "docket", "docket__venue")
        .get(pk=hearing.pk)
    )
    _choice(outcome, Outcome, "outcome", errors)
    reason = _text(reason, "reason", MAX_REASON, errors)
    notes = str(notes or "").strip()
    if locked.status in (HearingStatus.CANCELLED, HearingStatus.RESCHEDULED):
        errors.setdefault("hearing", []).append(
            _("This hearing was cancelled or rescheduled: it has no outcome.")
        )
    elif Hearing.objects.filter(replaces=locked).exists():
        errors.setdefault("hearing", []).append(
            _("This hearing was continued to another one; record the outcome there.")
        )
    elif locked.docket.date > court_today(locked.docket.venue):
        errors.setdefault("hearing", []).append(_("This hearing has not taken place yet."))
    if InAbsentiaFollowUp.objects.filter(hearing=locked).exists() and outcome != locked.outcome:
        errors.setdefault("outcome", []).append(
            _("An in absentia follow-up is open for this hearing; its outcome cannot change.")
        )
    day = order_date or locked.docket.date
    if order_date is not None and order_date > court_today(locked.docket.venue):
        errors.setdefault("order_date", []).append(_("This date is in the future."))
    if errors:
        raise FieldErrors(errors)
    if locked.outcome == outcome and locked.status == HearingStatus.HELD:
        return locked
    locked.status = HearingStatus.HELD
    locked.outcome = outcome
    locked.outcome_recorded_at = timezone.now()
    locked.outcome_recorded_by = _user(actor)
    fields = ["status", "outcome"]
    if reason:
        locked.continuance_reason = reason
        fields.append("continuance_reason")
    locked.save()
    _case_event(locked.case, actor, "outcome", locked, outcome=outcome)
    _audit_hearing(actor, locked, "update", fields)
    if outcome == Outcome.REMOVAL_IN_ABSENTIA:
        follow_up = InAbsentiaFollowUp.objects.create(
            organization_id=locked.organization_id,
            hearing=locked,
            opened_at=timezone.now(),
            order_date=day,
            exceptional_circumstances_deadline=day
            + dt.timedelta(days=EXCEPTIONAL_CIRCUMSTANCES_DAYS),
            notes=notes,
        )
        audit.record(
            actor=actor,
            organization=locked.organization,
            action="create",
            object_type="in_absentia_follow_up",
            object_id=follow_up.pk,
            fields=[
                "hearing",
                "order_date",
                "exceptional_circumstances_deadline",
                "status",
                "notes",
            ],
        )
        _set_case_status(actor, locked.case, CaseStatus.IN_ABSENTIA)
    elif outcome in DECISIONS:
        _set_case_status(actor, locked.case, CaseStatus.DECIDED)
    return locked


@transaction.atomic
def record_outcome(
    *,
    actor: User | None,
    hearing: Hearing,
    outcome: str,
    in_absentia_order: bool = False,
    order_date: dt.date | None = None,
    reason: str = "",
    notes: str = "",
) -> Hearing:
    """Record what happened at ``hearing`` (it becomes "held").

    "failed_to_appear" with ``in_absentia_order`` (or "removal_in_absentia" directly) is
    a removal order in absentia: it opens an ``InAbsentiaFollowUp`` whose deadline for a
    motion to reopen for exceptional circumstances is ``order_date`` (default: the
    docket's date) + 180 days; a motion for lack of notice or custody has no deadline.
    The case's status follows: "in_absentia" after such an order, "decided" after a
    decision (relief, removal, termination, dismissal, voluntary departure).
    "continued" without a next hearing leaves the case to be scheduled again (use
    ``continue_hearing`` to give the next date at once). An outcome can be corrected
    (roll-call mistakes) until an in absentia follow-up exists.
    """
    _require(actor, Action.PERSON_WRITE, hearing.organization_id)
    if in_absentia_order:
        if outcome not in (Outcome.FAILED_TO_APPEAR, Outcome.REMOVAL_IN_ABSENTIA):
            raise FieldErrors(
                {
                    "in_absentia_order": [
                        _("Only a person who failed to appear is ordered removed in absentia.")
                    ]
                }
            )
        outcome = Outcome.REMOVAL_IN_ABSENTIA
    return _apply_outcome(
        actor=actor,
        hearing=hearing,
        outcome=outcome,
        reason=reason,
        order_date=order_date,
        notes=notes,
    )


@transaction.atomic
def record_attendance(
    *, actor: User | None, docket: Docket, outcomes: Mapping[Any, str]
) -> list[Hearing]:
    """Roll-call: ``{hearing id: outcome}`` for hearings on ``docket``, all or none.

    Each hearing must be on the docket and the actor must have ``person.write`` in its
    organization (else the whole roll-call is refused). Errors name ``outcomes[<id>]``.
    """
    errors: dict[str, list[str]] = {}
    ids = [str(key) for key in outcomes]
    hearings = {
        str(h.pk): h
        for h in Hearing.objects.filter(pk__in=list(outcomes), docket=docket).select_related(
            "organization"
        )
    }
    for key in ids:
        hearing = hearings.get(key)
        if hearing is None:
            errors.setdefault(f"outcomes[{key}]", []).append(_("No such hearing on this docket."))
        elif actor is not None and not can(actor, Action.PERSON_WRITE, hearing.organization_id):
            raise PermissionDenied
    if errors:
        raise FieldErrors(errors)
    done: list[Hearing] = []
    # In id order: two roll-calls of the same docket at once lock rows in the same order.
    for key, outcome in sorted(outcomes.items(), key=lambda item: str(item[0])):
        try:
            done.append(
                _apply_outcome(
                    actor=actor,
                    hearing=hearings[str(key)],
                    outcome=outcome,
                    reason="",
                    order_date=None,
                    notes="",
                )
            )
        except FieldErrors as exc:
            for name, messages in exc.errors.items():
                errors.setdefault(f"outcomes[{key}].{name}", []).extend(messages)
    if errors:
        raise FieldErrors(errors)
    return done


@transaction.atomic
def update_follow_up(
    *,
    actor: User | None,
    follow_up: InAbsentiaFollowUp,
    status: str | None = None,
    notes: str | None = None,
) -> InAbsentiaFollowUp:
    """Move a follow-up on (motion filed, closed) or change its notes."""
    _require(actor, Action.PERSON_WRITE, follow_up.organization_id)
    follow_up = (
        InAbsentiaFollowUp.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=follow_up.pk)
    )
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    if status is not None:
        _choice(status, FollowUpStatus, "status", errors)
        if status != follow_up.status:
            changed.append("status")
    if notes is not None and notes.strip() != follow_up.notes:
        if len(notes) > 4000:
            errors.setdefault("notes", []).append(
                _("At most %(count)s characters.") % {"count": 4000}
            )
        changed.append("notes")
    if errors:
        raise FieldErrors(errors)
    if not changed:
        return follow_up
    if "status" in changed and status is not None:
        follow_up.status = status
        follow_up.closed_at = timezone.now() if status == FollowUpStatus.CLOSED else None
    if "notes" in changed and notes is not None:
        follow_up.notes = notes.strip()
    follow_up.save()
    audit.record(
        actor=actor,
        organization=follow_up.organization,
        action="update",
        object_type="in_absentia_follow_up",
        object_id=follow_up.pk,
        fields=changed,
    )
    return follow_up


@transaction.atomic
def erase_hearing_texts(*, actor: User | None, case: Case) -> int:
    """Blank the free texts of a case's hearings (reasons, notice addresses, follow-up
    notes): for the erasure of the people on the case (``privacy.services``).
    Returns how many rows changed."""
    changed = 0
    for hearing in Hearing.objects.filter(case=case):
        if hearing.continuance_reason:
            hearing.continuance_reason = ""
            hearing.save(update_fields=["continuance_reason"])
            changed += 1
    for notice in Notice.objects.filter(hearing__case=case):
        if notice.address:
            notice.address = ""
            notice.save(update_fields=["address"])
            changed += 1
    for follow_up in InAbsentiaFollowUp.objects.filter(hearing__case=case):
        if follow_up.notes:
            follow_up.notes = ""
            follow_up.save(update_fields=["notes"])
            changed += 1
    if changed:
        audit.record(
            actor=actor,
            organization=case.organization,
            action="update",
            object_type="case",
            object_id=case.pk,
            fields=["hearings"],
        )
    return changed


__all__ = [
    "SESSION_STARTS",
    "DocketFull",
    "GenerateResult",
    "book",
    "cancel",
    "continue_hearing",
    "create_template",
    "generate_dockets",
    "mark_notice_served",
    "record_attendance",
    "record_notice",
    "record_outcome",
    "release",
    "reschedule",
    "schedule_hearing",
    "update_follow_up",
    "update_template",
]
