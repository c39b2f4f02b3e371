"""Writes to docket templates, dockets, their capacity and the court's closure days.

Each public function (but ``book``/``release``, the two low-level seat counters) takes a
keyword-only ``actor`` (``docket.manage`` in any of its organizations; ``None`` is the
system), runs in one transaction and writes its audit entries (``support``).

Overbooking is impossible at the database level: ``book`` is one conditional UPDATE
(``booked = booked + n WHERE booked + n <= capacity``) and a CHECK constraint holds
``booked <= capacity``; two coordinators booking the last seat at once get one success
and one ``DocketFull``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import calendar
from mppdesk.hearings.models import (
    SESSION_STARTS,
    ClosureDay,
    Docket,
    DocketTemplate,
    Hearing,
    HearingStatus,
    Session,
)
from mppdesk.hearings.support import (
    actor_org,
    clean_choice,
    clean_languages,
    clean_text,
    require,
    user_or_none,
)

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.places.models import Venue


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


def _template_values(values: Mapping[str, Any], errors: dict[str, list[str]]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "weekday" in values:
        weekday = values["weekday"]
        if not isinstance(weekday, int) or not 0 <= weekday <= 6:
            errors.setdefault("weekday", []).append(_("A weekday from 0 (Monday) to 6 (Sunday)."))
        clean["weekday"] = weekday
    if "session" in values:
        clean["session"] = clean_choice(values["session"], Session, "session", errors)
    if "courtroom" in values:
        courtroom = clean_text(values["courtroom"], "courtroom", 40, errors)
        if not courtroom:
            errors.setdefault("courtroom", []).append(_("This field is required."))
        clean["courtroom"] = courtroom
    if "judge" in values:
        clean["judge"] = clean_text(values["judge"], "judge", 120, errors)
    if "capacity" in values:
        capacity = values["capacity"]
        if not isinstance(capacity, int) or not 1 <= capacity <= MAX_CAPACITY:
            errors.setdefault("capacity", []).append(
                _("A number of people from 1 to %(max)d.") % {"max": MAX_CAPACITY}
            )
        clean["capacity"] = capacity
    if "interpreter_languages" in values:
        clean["interpreter_languages"] = clean_languages(
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
    require(actor, Action.DOCKET_MANAGE)
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
    template = DocketTemplate.objects.create(venue=venue, created_by=user_or_none(actor), **values)
    audit.record(
        actor=actor,
        organization=actor_org(actor, Action.DOCKET_MANAGE),
        action=AuditAction.CREATE,
        object_type=ObjectType.DOCKET_TEMPLATE,
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
    require(actor, Action.DOCKET_MANAGE)
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
        organization=actor_org(actor, Action.DOCKET_MANAGE),
        action=AuditAction.UPDATE,
        object_type=ObjectType.DOCKET_TEMPLATE,
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
    require(actor, Action.DOCKET_MANAGE)
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
    user = user_or_none(actor)
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
            organization=actor_org(actor, Action.DOCKET_MANAGE),
            action=AuditAction.CREATE,
            object_type=ObjectType.DOCKET,
            object_ids=ids,
            fields=DOCKET_FIELDS,
        )
    return GenerateResult(
        created=created, skipped=skipped, days=len(days), closed_days=closed_count
    )


def check_court_day(venue_id: int, day: dt.date, field: str, errors: dict[str, list[str]]) -> None:
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
    require(actor, Action.DOCKET_MANAGE)
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
        check_court_day(venue.pk, date, "date", errors)
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
        created_by=user_or_none(actor),
        **values,
    )
    audit.record(
        actor=actor,
        organization=actor_org(actor, Action.DOCKET_MANAGE),
        action=AuditAction.CREATE,
        object_type=ObjectType.DOCKET,
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
    require(actor, Action.DOCKET_MANAGE)
    errors: dict[str, list[str]] = {}
    text = clean_text(reason, "reason", MAX_CLOSURE_REASON, errors)
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
                venue=venue, date=date, reason=text, created_by=user_or_none(actor)
            )
    except IntegrityError as exc:  # the same day added at the same time
        raise FieldErrors({"date": [_("This venue is already closed on this day.")]}) from exc
    audit.record(
        actor=actor,
        organization=actor_org(actor, Action.DOCKET_MANAGE),
        action=AuditAction.CREATE,
        object_type=ObjectType.CLOSURE_DAY,
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
    require(actor, Action.DOCKET_MANAGE)
    pk = closure.pk
    ClosureDay.objects.filter(pk=pk).delete()
    audit.record(
        actor=actor,
        organization=actor_org(actor, Action.DOCKET_MANAGE),
        action=AuditAction.DELETE,
        object_type=ObjectType.CLOSURE_DAY,
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
