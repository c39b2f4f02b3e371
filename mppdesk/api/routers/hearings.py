"""Dockets, hearings, notices, outcomes, in absentia follow-ups, and the places they use.

Three routers, mounted by ``api/main.py``:

- ``dockets_router`` (``/dockets``): dockets and weekly templates. Dockets are program
  data, not personal data: every role with ``docket.read`` sees all of them.
- ``router`` (``/hearings``): hearings of the token organization's cases (and of cases
  shared with it by an accepted referral, read-only). Another organization's hearing is
  a 404, like a missing one.
- ``places_router`` (``/places``): hearing venues and ports of entry; coordinators
  change a venue's time zone or a port's reporting place, lead and hourly capacity.

Times are ISO 8601 in UTC (``scheduled_at``, ``report_at``) with the local wall-clock
strings next to them: ``scheduled_local`` in the court's zone, ``report_local`` in the
port's zone (Mexican side), each with the zone's abbreviation and IANA name.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictBool, StrictInt, StrictStr

from mppdesk.accounts.models import User
from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import CREATE_ERRORS, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS, renamed_fields
from mppdesk.api.schemas import PageOut, PageQuery, PlaceCode, QueryIn, StrictInput, WallTime
from mppdesk.cases import queries as case_queries
from mppdesk.cases.models import Case
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import (
    calendar,
    coordination,
    hearing_services,
    notice_services,
    queries,
    support,
    times,
)
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.models import (
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
from mppdesk.hearings.times import local_string, utc_today
from mppdesk.places import services as place_services
from mppdesk.places.models import Port, Venue

router = Router()
dockets_router = Router()
places_router = Router()

SessionCode = Literal["am", "pm"]
KindCode = Literal["master", "individual"]
StatusCode = Literal["scheduled", "rescheduled", "cancelled", "held"]
OutcomeCode = Literal[
    "appeared",
    "failed_to_appear",
    "continued",
    "relief_granted",
    "removal_ordered",
    "removal_in_absentia",
    "terminated",
    "dismissed",
    "voluntary_departure",
]
NoticeKindCode = Literal["scheduled", "changed", "cancelled"]
MethodCode = Literal["in_person", "mail", "electronic", "shelter"]
LanguageCode = Literal["es", "en", "pt", "ht", "fr"]
FollowUpStatusCode = Literal["open", "motion_filed", "closed"]

for _literal, _choices in (
    (SessionCode, Session),
    (KindCode, HearingKind),
    (StatusCode, HearingStatus),
    (OutcomeCode, Outcome),
    (NoticeKindCode, NoticeKind),
    (MethodCode, NoticeMethod),
    (LanguageCode, NoticeLanguage),
    (FollowUpStatusCode, FollowUpStatus),
):
    assert set(_literal.__args__) == set(_choices.values)  # type: ignore[attr-defined]  # noqa: S101


# --- schemas: places ----------------------------------------------------------------------


class VenueOut(Schema):
    code: str
    name: str
    city: str
    state: str
    kind: str
    timezone: str = Field(..., description="IANA time zone of the court (hearing times).")


class PortOut(Schema):
    code: str
    name: str
    us_state: str
    mexican_city: str
    mexican_state: str
    timezone: str = Field(..., description="IANA time zone of the Mexican side (reporting times).")
    venue: str | None = Field(None, description="Code of the paired hearing venue.")
    hourly_capacity: int = Field(
        ..., description="People processed per hour for hearings (an estimate; editable)."
    )
    report_place: str = Field(..., description="Where people report, in the active language.")
    report_place_source: str
    report_lead_minutes: int | None = Field(
        None, description="Minutes before the hearing; null means the program default."
    )


class ClosureFilters(Schema):
    date_from: dt.date | None = Field(None, alias="from", description="First date (inclusive).")
    date_to: dt.date | None = Field(None, alias="to", description="Last date (inclusive).")


class VenueUpdateIn(StrictInput):
    timezone: StrictStr = Field(..., max_length=64, description="IANA name, e.g. America/Denver.")


class PortUpdateIn(StrictInput):
    hourly_capacity: StrictInt | None = Field(None, ge=1, le=10000)
    report_place: StrictStr | None = Field(None, max_length=200)
    report_place_source: StrictStr | None = Field(None, max_length=300)
    report_lead_minutes: StrictInt | None = Field(None, ge=0, le=1440)


# --- schemas: dockets ---------------------------------------------------------------------


class DocketOut(Schema):
    id: int
    venue: str
    venue_name: str
    date: dt.date
    session: SessionCode
    judge: str
    courtroom: str
    capacity: int
    booked: int
    seats_left: int
    interpreter_languages: list[str]
    starts_at: WallTime = Field(..., description="Wall-clock start in the court's time zone.")
    starts_at_utc: dt.datetime
    starts_local: str
    template_id: int | None = None
    closed: bool = Field(
        False,
        description="The court does not sit that day (a US federal holiday, observed dates "
        "included, or a closure day of the venue added after the docket was made): "
        "its hearings must be moved.",
    )
    closed_reason: str = Field("", description="Why, when ``closed``.")


class DocketPage(PageOut):
    items: list[DocketOut]


class DocketFilters(PageQuery):
    venue: str | None = Field(
        None,
        max_length=60,
        description="Hearing venue code.",
        json_schema_extra={"example": "el-paso-immigration-court"},
    )
    date_from: dt.date | None = Field(None, alias="from", description="First date (inclusive).")
    date_to: dt.date | None = Field(None, alias="to", description="Last date (inclusive).")
    session: SessionCode | None = None
    with_space: bool | None = Field(None, description="Only dockets with free places.")


class GenerateIn(StrictInput):
    venue: StrictStr = Field(..., max_length=60, description="Hearing venue code.")
    start: dt.date
    end: dt.date
    template_ids: list[StrictInt] | None = Field(
        None, description="Only these templates of the venue (default: its active ones)."
    )


class GenerateOut(Schema):
    created: int
    skipped: int = Field(..., description="Dockets that already existed and were kept.")
    days: int
    closed_days: int = Field(
        0, description="Days of the period the court does not sit (no docket made)."
    )


class DocketCreateIn(StrictInput):
    venue: StrictStr = Field(..., max_length=60, description="Hearing venue code.")
    date: dt.date = Field(..., description="Refused on a day the court does not sit.")
    session: SessionCode
    courtroom: StrictStr = Field(..., max_length=40)
    capacity: StrictInt = Field(..., ge=1, le=2000)
    judge: StrictStr = Field("", max_length=120)
    interpreter_languages: list[StrictStr] = Field(default_factory=lambda: ["spa"])
    starts_at: WallTime | None = Field(None, description="Default: the session's usual start.")


class ClosureOut(Schema):
    id: int
    venue: str
    date: dt.date
    reason: str


class ClosureCreateIn(StrictInput):
    date: dt.date
    reason: StrictStr = Field(..., max_length=200, description="Why the court is closed.")


class ClosureCreatedOut(ClosureOut):
    dockets_flagged: int = Field(..., description="Dockets already on that day, now flagged.")
    hearings_ahead: int = Field(..., description="Hearings ahead on them, to reschedule.")


class DocketTemplateOut(Schema):
    id: int
    venue: str
    weekday: int = Field(..., description="0 = Monday ... 6 = Sunday.")
    session: SessionCode
    judge: str
    courtroom: str
    capacity: int
    interpreter_languages: list[str]
    starts_at: WallTime | None = Field(None, description="Null: the session's usual start.")
    active: bool


class TemplateCreateIn(StrictInput):
    venue: StrictStr = Field(..., max_length=60)
    weekday: StrictInt = Field(..., ge=0, le=6)
    session: SessionCode
    courtroom: StrictStr = Field(..., min_length=1, max_length=40)
    capacity: StrictInt = Field(..., ge=1, le=docket_services.MAX_CAPACITY)
    judge: StrictStr = Field("", max_length=120)
    interpreter_languages: list[StrictStr] = Field(default_factory=lambda: ["spa"])
    starts_at: WallTime | None = Field(
        None, description="Local time in the court's zone (`HH:MM`); null: the session's start."
    )
    active: StrictBool = True


class TemplateUpdateIn(StrictInput):
    weekday: StrictInt | None = Field(None, ge=0, le=6)
    session: SessionCode | None = None
    courtroom: StrictStr | None = Field(None, min_length=1, max_length=40)
    capacity: StrictInt | None = Field(None, ge=1, le=docket_services.MAX_CAPACITY)
    judge: StrictStr | None = Field(None, max_length=120)
    interpreter_languages: list[StrictStr] | None = None
    starts_at: WallTime | None = Field(
        None, description="Local time in the court's zone (`HH:MM`); null: the session's start."
    )
    active: StrictBool | None = None


class TemplateFilters(QueryIn):
    venue: str | None = Field(
        None, max_length=60, json_schema_extra={"example": "el-paso-immigration-court"}
    )
    active: bool | None = None


class RollCallIn(StrictInput):
    outcomes: dict[uuid.UUID, OutcomeCode] = Field(
        ...,
        description="Hearing id -> outcome (usually `appeared` or `failed_to_appear`). "
        "All are recorded or none.",
    )


# --- schemas: hearings --------------------------------------------------------------------


class NoticeOut(Schema):
    id: uuid.UUID
    hearing_id: uuid.UUID
    kind: NoticeKindCode
    method: MethodCode
    address: str
    language: LanguageCode
    served_at: dt.datetime | None = Field(None, description="Null until service is recorded.")
    served_by: str | None = Field(None, description="Username of the staff member.")
    recorded_by: str | None = None
    created_at: dt.datetime


class FollowUpOut(Schema):
    id: uuid.UUID
    hearing_id: uuid.UUID
    case_id: uuid.UUID
    status: FollowUpStatusCode
    opened_at: dt.datetime
    order_date: dt.date
    exceptional_circumstances_deadline: dt.date = Field(
        ..., description="Motion to reopen for exceptional circumstances: order + 180 days."
    )
    days_left: int
    lack_of_notice_deadline: None = Field(
        None, description="Always null: a motion for lack of notice has no deadline."
    )
    custody_deadline: None = Field(
        None, description="Always null: a motion because the person was in custody has no deadline."
    )
    notes: str


class HearingTimesOut(Schema):
    """What any reader of a hearing may see: when and where, in the court's and the
    port's time zones (the base of the full hearing and of the program summary)."""

    id: uuid.UUID
    docket_id: int
    venue: str
    kind: KindCode
    status: StatusCode
    seats: int = Field(..., description="Places booked: the people on the case.")
    scheduled_at: dt.datetime
    scheduled_local: str = Field(..., description="In the court's time zone.")
    venue_timezone: str
    port: str | None = None
    port_timezone: str | None = None
    report_at: dt.datetime | None = None
    report_local: str | None = Field(None, description="In the port's (Mexican side) time zone.")
    report_place: str


class HearingOut(HearingTimesOut):
    case_id: uuid.UUID
    outcome: OutcomeCode | None = None
    replaces_id: uuid.UUID | None = None
    created_at: dt.datetime


class HearingDetailOut(HearingOut):
    continuance_reason: str
    chain: list[uuid.UUID] = Field(..., description="Every hearing of the chain, oldest first.")
    replaced_by_id: uuid.UUID | None = None
    notices: list[NoticeOut]
    follow_up: FollowUpOut | None = None


class ProgramHearingOut(HearingTimesOut):
    """A hearing a program-wide coordinator may schedule but not read (another
    organization's case): what the web's read-only summary shows, program data only —
    no case id, names, A-numbers, notices, reasons or outcome."""

    view: Literal["program"] = Field(
        "program", description="Always `program`: the read-only summary, not the full hearing."
    )
    household: str = Field(
        ...,
        description="The case summarized in the request's language (\"household of 4, "
        'Spanish, vulnerable").',
    )
    language: str | None = Field(
        None, description="ISO 639-3: the language an interpreter is needed for, if known."
    )
    vulnerable: bool = Field(..., description="Anyone on the case is vulnerable.")
    may_change: bool = Field(..., description="Still open: it may be rescheduled or cancelled.")


class HearingPage(PageOut):
    items: list[HearingOut]


class HearingFilters(PageQuery):
    case_id: uuid.UUID | None = None
    venue: str | None = Field(
        None, max_length=60, json_schema_extra={"example": "el-paso-immigration-court"}
    )
    date_from: dt.date | None = Field(None, alias="from", description="Docket date from.")
    date_to: dt.date | None = Field(None, alias="to", description="Docket date to.")
    status: StatusCode | None = None


class WindowQuery(PageQuery):
    days: int = Field(14, ge=1, le=120, description="How many days ahead.")


class FollowUpFilters(PageQuery):
    status: FollowUpStatusCode | None = Field("open", description="Default: open ones.")


class NoticeFields(StrictInput):
    method: MethodCode = "in_person"
    address: StrictStr = Field("", max_length=support.MAX_ADDRESS)
    language: LanguageCode | None = Field(None, description="Default: the lead's language.")
    served_at: dt.datetime | None = Field(None, description="When it was served, if it was.")
    served_by: StrictStr | None = Field(
        None, max_length=150, description="Username of the staff member who served it."
    )


class ScheduleIn(NoticeFields):
    case_id: uuid.UUID
    docket_id: StrictInt
    kind: KindCode = "master"
    port: StrictStr | None = Field(None, max_length=60, description="Default: the case's port.")
    report_at: dt.datetime | None = Field(
        None, description="Default: the configured lead before the hearing."
    )


class ReplaceIn(NoticeFields):
    docket_id: StrictInt
    reason: StrictStr = Field(..., min_length=1, max_length=support.MAX_REASON)
    report_at: dt.datetime | None = None


class CancelIn(NoticeFields):
    reason: StrictStr = Field(..., min_length=1, max_length=support.MAX_REASON)


class NoticeIn(NoticeFields):
    kind: NoticeKindCode | None = Field(None, description="Default: from the hearing's state.")


class ServedIn(StrictInput):
    served_at: dt.datetime
    served_by: StrictStr | None = Field(None, max_length=150)
    method: MethodCode | None = None
    address: StrictStr | None = Field(None, max_length=support.MAX_ADDRESS)


class OutcomeIn(StrictInput):
    outcome: OutcomeCode
    in_absentia_order: StrictBool = Field(
        False, description="With failed_to_appear: the judge ordered removal in absentia."
    )
    order_date: dt.date | None = Field(None, description="Default: the docket's date.")
    reason: StrictStr = Field("", max_length=support.MAX_REASON)
    notes: StrictStr = Field("", max_length=4000, description="Notes of the follow-up, if any.")


class FollowUpUpdateIn(StrictInput):
    status: FollowUpStatusCode | None = None
    notes: StrictStr | None = Field(None, max_length=4000)


class EvidenceOut(Schema):
    """The evidence packet's structure (``hearings.evidence.EvidencePacket``) as JSON."""

    packet: dict[str, Any]


# --- helpers ------------------------------------------------------------------------------


def _venue(code: str, field: str = "venue") -> Venue:
    venue = common.venue_by_code(code, field)
    assert venue is not None  # noqa: S101 - a code was given
    return venue


def _staff(request: HttpRequest, username: str | None, field: str) -> User | None:
    """A staff member of the token's organization, by username (or None)."""
    if username is None:
        return None
    user = User.objects.filter(
        username=username, memberships__organization=common.organization(request)
    ).first()
    if user is None:
        raise FieldErrors({field: ["No such user in your organization."]})
    return user


def _docket(request: HttpRequest, docket_id: int, field: str = "docket_id") -> Docket:
    try:
        return queries.get_docket(common.actor(request), docket_id)
    except Http404 as exc:
        raise FieldErrors({field: ["No such docket."]}) from exc


def _local_docket(docket: Docket) -> tuple[dt.datetime, str]:
    at = times.scheduled_time(docket)
    return at, local_string(at, docket.venue.timezone)


def docket_out(docket: Docket) -> DocketOut:
    at, local = _local_docket(docket)
    return DocketOut(
        id=docket.pk,
        venue=docket.venue.code,
        venue_name=docket.venue.name,
        date=docket.date,
        session=docket.session,  # type: ignore[arg-type]
        judge=docket.judge,
        courtroom=docket.courtroom,
        capacity=docket.capacity,
        booked=docket.booked,
        seats_left=docket.seats_left,
        interpreter_languages=list(docket.interpreter_languages or []),
        starts_at=docket.starts_at,
        starts_at_utc=at,
        starts_local=local,
        template_id=docket.template_id,
        closed=bool(docket.closed_reason),
        closed_reason=docket.closed_reason,
    )


def template_out(template: DocketTemplate) -> DocketTemplateOut:
    return DocketTemplateOut(
        id=template.pk,
        venue=template.venue.code,
        weekday=template.weekday,
        session=template.session,  # type: ignore[arg-type]
        judge=template.judge,
        courtroom=template.courtroom,
        capacity=template.capacity,
        interpreter_languages=list(template.interpreter_languages or []),
        starts_at=template.starts_at,
        active=template.active,
    )


def _times_fields(hearing: Hearing, port: Port | None) -> dict[str, Any]:
    """The fields of ``HearingTimesOut`` (``port``: where the person reports)."""
    venue = hearing.docket.venue
    return {
        "id": hearing.pk,
        "docket_id": hearing.docket_id,
        "venue": venue.code,
        "kind": hearing.kind,
        "status": hearing.status,
        "seats": hearing.seats,
        "scheduled_at": hearing.scheduled_at,
        "scheduled_local": local_string(hearing.scheduled_at, venue.timezone),
        "venue_timezone": venue.timezone,
        "port": port.code if port else None,
        "port_timezone": port.timezone if port else None,
        "report_at": hearing.report_at,
        "report_local": local_string(hearing.report_at, port.timezone)
        if port and hearing.report_at
        else None,
        "report_place": hearing.report_place_display,
    }


def _hearing_fields(hearing: Hearing) -> dict[str, Any]:
    return {
        **_times_fields(hearing, hearing.port),
        "case_id": hearing.case_id,
        "outcome": hearing.outcome or None,
        "replaces_id": hearing.replaces_id,
        "created_at": hearing.created_at,
    }


def hearing_out(hearing: Hearing) -> HearingOut:
    return HearingOut(**_hearing_fields(hearing))


def notice_out(notice: Notice) -> NoticeOut:
    return NoticeOut(
        id=notice.pk,
        hearing_id=notice.hearing_id,
        kind=notice.kind,  # type: ignore[arg-type]
        method=notice.method,  # type: ignore[arg-type]
        address=notice.address or "",
        language=notice.language,  # type: ignore[arg-type]
        served_at=notice.served_at,
        served_by=notice.served_by.username if notice.served_by else None,
        recorded_by=notice.recorded_by.username if notice.recorded_by else None,
        created_at=notice.created_at,
    )


def follow_up_out(follow_up: InAbsentiaFollowUp) -> FollowUpOut:
    return FollowUpOut(
        id=follow_up.pk,
        hearing_id=follow_up.hearing_id,
        case_id=follow_up.hearing.case_id,
        status=follow_up.status,  # type: ignore[arg-type]
        opened_at=follow_up.opened_at,
        order_date=follow_up.order_date,
        exceptional_circumstances_deadline=follow_up.exceptional_circumstances_deadline,
        days_left=(follow_up.exceptional_circumstances_deadline - utc_today()).days,
        lack_of_notice_deadline=None,
        custody_deadline=None,
        notes=follow_up.notes or "",
    )


def program_hearing_out(program: coordination.ProgramHearing) -> ProgramHearingOut:
    return ProgramHearingOut(
        **_times_fields(program.hearing, program.port),
        view="program",
        household=program.case.summary,
        language=program.case.language or None,
        vulnerable=program.case.vulnerable,
        may_change=program.may_change,
    )


def hearing_detail_out(hearing: Hearing) -> HearingDetailOut:
    chain = queries.chain_of(hearing)
    replaced_by = next((h.pk for h in chain if h.replaces_id == hearing.pk), None)
    follow_up = InAbsentiaFollowUp.objects.filter(hearing=hearing).select_related("hearing").first()
    return HearingDetailOut(
        **_hearing_fields(hearing),
        continuance_reason=hearing.continuance_reason or "",
        chain=[h.pk for h in chain],
        replaced_by_id=replaced_by,
        notices=[notice_out(n) for n in queries.notices_of(hearing)],
        follow_up=follow_up_out(follow_up) if follow_up else None,
    )


def _visible_hearings(request: HttpRequest) -> QuerySet[Hearing]:
    return common.in_token_scope(request, queries.hearings_for(common.actor(request)))


def _load(request: HttpRequest, hearing_id: uuid.UUID) -> Hearing:
    hearing: Hearing = common.check_token_scope(
        request, queries.get_hearing(common.actor(request), hearing_id)
    )
    return hearing


def _load_for_update(request: HttpRequest, hearing_id: uuid.UUID) -> Hearing:
    """Only a hearing the token's organization owns (shared: 403; others: 404)."""
    return common.check_token_owner(request, _load(request, hearing_id))


def program_wide(request: HttpRequest) -> bool:
    """The token acts for a program-wide scheduler (``queries.PROGRAM_WIDE_SCHEDULERS``)."""
    return queries.acts_program_wide(common.actor(request), common.organization(request))


def _case_to_schedule(request: HttpRequest, case_id: uuid.UUID) -> Case:
    """A case the token may put on a docket: its own organization's, or any for a
    program-wide coordinator. Unknown and out-of-reach cases are the same field error."""
    user = common.actor(request)
    try:
        if program_wide(request):
            return queries.get_case_to_schedule(user, case_id)
        case: Case = common.check_token_owner(request, case_queries.get_case(user, case_id))
    except Http404 as exc:
        raise FieldErrors({"case_id": ["No such case."]}) from exc
    return case


def _hearing_to_manage(request: HttpRequest, hearing_id: uuid.UUID) -> Hearing:
    if program_wide(request):
        return queries.get_hearing_to_manage(common.actor(request), hearing_id)
    return _load_for_update(request, hearing_id)


def _managed_out(request: HttpRequest, hearing_id: uuid.UUID) -> HearingDetailOut:
    """The hearing after a scheduling change: in full when the token may read the case,
    else (a program-wide coordinator placing another organization's case) only the
    scheduling facts, without notices or reasons."""
    try:
        return hearing_detail_out(_load(request, hearing_id))
    except Http404:
        hearing = queries.get_hearing_to_manage(common.actor(request), hearing_id)
        chain = queries.chain_of(hearing)
        return HearingDetailOut(
            **_hearing_fields(hearing),
            continuance_reason="",
            chain=[h.pk for h in chain],
            replaced_by_id=next((h.pk for h in chain if h.replaces_id == hearing.pk), None),
            notices=[],
            follow_up=None,
        )


def _page(request: HttpRequest, hearings: QuerySet[Hearing], query: PageQuery) -> HearingPage:
    count, items = common.page(hearings, query)
    queries.hearings_shown(common.actor(request), items)
    return HearingPage(**common.page_meta(count, query), items=[hearing_out(h) for h in items])


def _notice_kwargs(request: HttpRequest, payload: NoticeFields) -> dict[str, Any]:
    return {
        "method": payload.method,
        "address": payload.address,
        "language": payload.language,
        "served_at": payload.served_at,
        "served_by": _staff(request, payload.served_by, "served_by"),
    }


# --- places -------------------------------------------------------------------------------


def venue_out(venue: Venue) -> VenueOut:
    return VenueOut(
        code=venue.code,
        name=venue.name,
        city=venue.city,
        state=venue.state,
        kind=venue.kind,
        timezone=venue.timezone,
    )


def port_out(port: Port) -> PortOut:
    return PortOut(
        code=port.code,
        name=port.name,
        us_state=port.us_state,
        mexican_city=port.mexican_city,
        mexican_state=port.mexican_state,
        timezone=port.timezone,
        venue=port.venue.code if port.venue else None,
        hourly_capacity=port.hourly_capacity,
        report_place=port.report_place_display,
        report_place_source=port.report_place_source,
        report_lead_minutes=port.report_lead_minutes,
    )


def _get_venue(code: str) -> Venue:
    venue = Venue.objects.filter(code=code).first()
    if venue is None:
        raise Http404
    return venue


def _get_port(code: str) -> Port:
    port = Port.objects.select_related("venue").filter(code=code).first()
    if port is None:
        raise Http404
    return port


@places_router.get(
    "/venues", auth=role(Action.DOCKET_READ), response={200: list[VenueOut], **LIST_ERRORS}
)
def list_venues(request: HttpRequest) -> list[VenueOut]:
    """Hearing venues with their court time zone."""
    return [venue_out(v) for v in Venue.objects.order_by("name")]


@places_router.patch(
    "/venues/{code}", auth=role(Action.DOCKET_MANAGE), response={200: VenueOut, **WRITE_ERRORS}
)
def update_venue(request: HttpRequest, code: PlaceCode, payload: VenueUpdateIn) -> VenueOut:
    """Change a venue's time zone (hearing times of dockets scheduled later use it)."""
    venue = _get_venue(code)
    venue = place_services.update_venue(
        actor=common.actor(request), venue=venue, timezone=payload.timezone
    )
    return venue_out(venue)


def closure_out(closure: ClosureDay) -> ClosureOut:
    return ClosureOut(
        id=closure.pk, venue=closure.venue.code, date=closure.date, reason=closure.reason
    )


@places_router.get(
    "/venues/{code}/closures",
    auth=role(Action.DOCKET_READ),
    response={200: list[ClosureOut], **READ_ERRORS},
)
def list_closures(
    request: HttpRequest, code: str, filters: Query[ClosureFilters]
) -> list[ClosureOut]:
    """The venue's closure days (besides the US federal holidays), by date."""
    venue = _get_venue(code)
    closures = ClosureDay.objects.filter(venue=venue).select_related("venue")
    if filters.date_from:
        closures = closures.filter(date__gte=filters.date_from)
    if filters.date_to:
        closures = closures.filter(date__lte=filters.date_to)
    return [closure_out(c) for c in closures.order_by("date")]


@places_router.post(
    "/venues/{code}/closures",
    auth=role(Action.DOCKET_MANAGE),
    response={201: ClosureCreatedOut, **WRITE_ERRORS},
)
def add_closure(
    request: HttpRequest, code: str, payload: ClosureCreateIn
) -> Status[ClosureCreatedOut]:
    """Close the venue on a day: no docket is made and no hearing scheduled there. Dockets
    already on that day are kept and flagged (``closed``); their hearings are counted,
    not moved."""
    venue = _get_venue(code)
    result = docket_services.add_closure_day(
        actor=common.actor(request), venue=venue, date=payload.date, reason=payload.reason
    )
    out = closure_out(result.closure)
    return Status(
        201,
        ClosureCreatedOut(
            **out.model_dump(),
            dockets_flagged=result.dockets_flagged,
            hearings_ahead=result.hearings_ahead,
        ),
    )


@places_router.delete(
    "/venues/{code}/closures",
    auth=role(Action.DOCKET_MANAGE),
    response={204: None, **WRITE_ERRORS},
)
def remove_closure(request: HttpRequest, code: str, date: dt.date) -> Status[None]:
    """Open the venue again on ``?date=YYYY-MM-DD`` (404 if it was not closed then)."""
    venue = _get_venue(code)
    closure = ClosureDay.objects.filter(venue=venue, date=date).first()
    if closure is None:
        raise Http404
    docket_services.remove_closure_day(actor=common.actor(request), closure=closure)
    return Status(204, None)


@places_router.get(
    "/ports", auth=role(Action.DOCKET_READ), response={200: list[PortOut], **LIST_ERRORS}
)
def list_ports(request: HttpRequest) -> list[PortOut]:
    """Ports of entry with the Mexican city, its time zone and the reporting details."""
    return [port_out(p) for p in Port.objects.select_related("venue").order_by("name")]


@places_router.patch(
    "/ports/{code}", auth=role(Action.DOCKET_MANAGE), response={200: PortOut, **WRITE_ERRORS}
)
def update_port(request: HttpRequest, code: PlaceCode, payload: PortUpdateIn) -> PortOut:
    """Change a port's reporting place, reporting lead or hourly capacity (fields sent).

    Hearings already scheduled keep the reporting time and place their notices gave.
    """
    port = _get_port(code)
    changes = {name: getattr(payload, name) for name in payload.model_fields_set}
    port = place_services.update_port(actor=common.actor(request), port=port, **changes)
    return port_out(port)


# --- dockets ------------------------------------------------------------------------------


@dockets_router.get("", auth=role(Action.DOCKET_READ), response={200: DocketPage, **LIST_ERRORS})
def list_dockets(request: HttpRequest, filters: Query[DocketFilters]) -> DocketPage:
    """Dockets by venue and period, with places booked and capacity, by date."""
    venue = common.venue_by_code(filters.venue) if filters.venue else None
    dockets = queries.dockets_in(
        common.actor(request), venue=venue, start=filters.date_from, end=filters.date_to
    )
    if filters.session:
        dockets = dockets.filter(session=filters.session)
    if filters.with_space:
        from django.db.models import F

        dockets = dockets.filter(booked__lt=F("capacity"))
    count, items = common.page(
        dockets.order_by("date", "session", "venue__name", "courtroom", "id"), filters
    )
    items = calendar.mark_closed(items)
    return DocketPage(**common.page_meta(count, filters), items=[docket_out(d) for d in items])


@dockets_router.post(
    "/generate", auth=role(Action.DOCKET_MANAGE), response={200: GenerateOut, **CREATE_ERRORS}
)
def generate_dockets(request: HttpRequest, payload: GenerateIn) -> GenerateOut:
    """Create a venue's dockets for a period from its weekly templates.

    Idempotent: dockets that already exist (same venue, date, session and courtroom)
    are kept with their bookings and counted as skipped.
    """
    venue = _venue(payload.venue)
    templates = None
    if payload.template_ids is not None:
        found = {
            t.pk: t for t in DocketTemplate.objects.filter(pk__in=payload.template_ids, venue=venue)
        }
        missing = [i for i, pk in enumerate(payload.template_ids) if pk not in found]
        if missing:
            raise FieldErrors(
                {f"template_ids[{i}]": ["No such template at this venue."] for i in missing}
            )
        templates = list(found.values())
    result = docket_services.generate_dockets(
        actor=common.actor(request),
        venue=venue,
        start=payload.start,
        end=payload.end,
        templates=templates,
    )
    return GenerateOut(
        created=result.created,
        skipped=result.skipped,
        days=result.days,
        closed_days=result.closed_days,
    )


@dockets_router.post(
    "", auth=role(Action.DOCKET_MANAGE), response={201: DocketOut, **CREATE_ERRORS}
)
def create_docket(request: HttpRequest, payload: DocketCreateIn) -> Status[DocketOut]:
    """One docket outside the weekly templates. Refused (422 naming ``date``) on a US
    federal holiday (observed dates included) or a closure day of the venue."""
    docket = docket_services.create_docket(
        actor=common.actor(request),
        venue=_venue(payload.venue),
        date=payload.date,
        session=payload.session,
        courtroom=payload.courtroom,
        capacity=payload.capacity,
        judge=payload.judge,
        interpreter_languages=payload.interpreter_languages,
        starts_at=payload.starts_at,
    )
    return Status(201, docket_out(Docket.objects.select_related("venue").get(pk=docket.pk)))


@dockets_router.get(
    "/templates",
    auth=role(Action.DOCKET_READ),
    response={200: list[DocketTemplateOut], **LIST_ERRORS},
)
def list_templates(
    request: HttpRequest, filters: Query[TemplateFilters]
) -> list[DocketTemplateOut]:
    """Weekly docket templates, by venue, weekday and session."""
    templates = queries.templates_for(common.actor(request))
    if filters.venue:
        templates = templates.filter(venue__code=filters.venue)
    if filters.active is not None:
        templates = templates.filter(active=filters.active)
    return [template_out(t) for t in templates]


@dockets_router.post(
    "/templates",
    auth=role(Action.DOCKET_MANAGE),
    response={201: DocketTemplateOut, **CREATE_ERRORS},
)
def create_template(request: HttpRequest, payload: TemplateCreateIn) -> Status[DocketTemplateOut]:
    """Add a weekly docket template to a venue."""
    venue = _venue(payload.venue)
    template = docket_services.create_template(
        actor=common.actor(request),
        venue=venue,
        weekday=payload.weekday,
        session=payload.session,
        courtroom=payload.courtroom,
        capacity=payload.capacity,
        judge=payload.judge,
        interpreter_languages=payload.interpreter_languages,
        starts_at=payload.starts_at,
        active=payload.active,
    )
    return Status(201, template_out(template))


@dockets_router.patch(
    "/templates/{template_id}",
    auth=role(Action.DOCKET_MANAGE),
    response={200: DocketTemplateOut, **WRITE_ERRORS},
)
def update_template(
    request: HttpRequest, template_id: int, payload: TemplateUpdateIn
) -> DocketTemplateOut:
    """Change the fields sent (``active: false`` retires the template). Dockets already
    generated keep their values."""
    template = queries.get_template(common.actor(request), template_id)
    changes = {name: getattr(payload, name) for name in payload.model_fields_set}
    template = docket_services.update_template(
        actor=common.actor(request), template=template, **changes
    )
    return template_out(template)


@dockets_router.get(
    "/{docket_id}", auth=role(Action.DOCKET_READ), response={200: DocketOut, **READ_ERRORS}
)
def get_docket(request: HttpRequest, docket_id: int) -> DocketOut:
    """One docket with its places booked and capacity."""
    return docket_out(queries.get_docket(common.actor(request), docket_id))


@dockets_router.get(
    "/{docket_id}/hearings",
    auth=role(Action.DOCKET_READ),
    response={200: HearingPage, **READ_ERRORS},
)
def docket_hearings(request: HttpRequest, docket_id: int, query: Query[PageQuery]) -> HearingPage:
    """The token organization's hearings on this docket (the roll-call list)."""
    docket = queries.get_docket(common.actor(request), docket_id)
    hearings = _visible_hearings(request).filter(docket=docket).order_by("scheduled_at", "id")
    return _page(request, hearings, query)


@dockets_router.post(
    "/{docket_id}/roll-call",
    auth=role(Action.PERSON_WRITE),
    response={200: list[HearingOut], **WRITE_ERRORS},
)
def roll_call(request: HttpRequest, docket_id: int, payload: RollCallIn) -> list[HearingOut]:
    """Record attendance on a docket: an outcome per hearing, all or none.

    Each hearing must be on this docket and owned by the token's organization (a hearing
    shared by referral is read-only: 403); an unknown one is a 422 naming
    `outcomes[<id>]`. `failed_to_appear` records the absence; the judge's in absentia
    order is recorded with `POST /hearings/{id}/outcome`.
    """
    docket = queries.get_docket(common.actor(request), docket_id)
    visible = {h.pk: h for h in _visible_hearings(request).filter(pk__in=list(payload.outcomes))}
    unknown = [key for key in payload.outcomes if key not in visible]
    if unknown:
        raise FieldErrors(
            {f"outcomes[{key}]": ["No such hearing on this docket."] for key in unknown}
        )
    for hearing in visible.values():
        common.check_token_owner(request, hearing)
    done = outcome_services.record_attendance(
        actor=common.actor(request), docket=docket, outcomes=dict(payload.outcomes)
    )
    return [hearing_out(_load(request, h.pk)) for h in done]


# --- hearings -----------------------------------------------------------------------------


@router.get("", auth=role(Action.DOCKET_READ), response={200: HearingPage, **LIST_ERRORS})
def list_hearings(request: HttpRequest, filters: Query[HearingFilters]) -> HearingPage:
    """The token organization's hearings (and those shared with it), by time."""
    case = None
    if filters.case_id is not None:
        try:
            case = common.check_token_scope(
                request, case_queries.get_case(common.actor(request), filters.case_id)
            )
        except Http404 as exc:
            raise FieldErrors({"case_id": ["No such case."]}) from exc
    venue = common.venue_by_code(filters.venue) if filters.venue else None
    hearings = queries.filter_hearings(
        _visible_hearings(request),
        case=case,
        venue=venue,
        start=filters.date_from,
        end=filters.date_to,
        status=filters.status,
    )
    return _page(request, hearings.order_by("scheduled_at", "id"), filters)


@router.post("", auth=role(Action.DOCKET_MANAGE), response={201: HearingDetailOut, **CREATE_ERRORS})
def schedule_hearing(request: HttpRequest, payload: ScheduleIn) -> Status[HearingDetailOut]:
    """Put a case on a docket: a case of the token's organization, or of any
    organization for a coordinator of the program coordinator's organization.

    Books one place per person on the case (422 naming `docket_id` when the docket is
    full, at another venue or without an interpreter for the case's language), computes
    the hearing time in the court's zone and the reporting time in the port's zone, and
    records the "scheduled" notice (`served_at` null until service is recorded).
    """
    with renamed_fields({"docket": "docket_id", "case": "case_id"}):
        case = _case_to_schedule(request, payload.case_id)
        docket = _docket(request, payload.docket_id)
        hearing = hearing_services.schedule_hearing(
            actor=common.actor(request),
            case=case,
            docket=docket,
            kind=payload.kind,
            port=common.port_by_code(payload.port),
            report_at=payload.report_at,
            **_notice_kwargs(request, payload),
        )
    return Status(201, _managed_out(request, hearing.pk))


@router.get("/upcoming", auth=role(Action.DOCKET_READ), response={200: HearingPage, **LIST_ERRORS})
def upcoming(request: HttpRequest, query: Query[WindowQuery]) -> HearingPage:
    """Hearings ahead in the next `days` days (default 14) for the token's user, in the
    token's organization: scheduled, without an outcome yet, soonest first."""
    hearings = common.in_token_scope(
        request, queries.upcoming_for(common.actor(request), days=query.days)
    )
    return _page(request, hearings.order_by("scheduled_at", "id"), query)


@router.get(
    "/no-contact", auth=role(Action.DOCKET_READ), response={200: HearingPage, **LIST_ERRORS}
)
def no_contact(request: HttpRequest, query: Query[WindowQuery]) -> HearingPage:
    """Hearings in the next `days` days (default 14) where nobody on the case has a
    confirmed contact point (consent given, not opted out): no way to remind them."""
    hearings = common.in_token_scope(
        request, queries.without_confirmed_contact(common.actor(request), days=query.days)
    )
    return _page(request, hearings.order_by("scheduled_at", "id"), query)


class FollowUpPage(PageOut):
    items: list[FollowUpOut]


@router.get(
    "/follow-ups", auth=role(Action.DOCKET_READ), response={200: FollowUpPage, **LIST_ERRORS}
)
def list_follow_ups(request: HttpRequest, filters: Query[FollowUpFilters]) -> FollowUpPage:
    """In absentia follow-ups, nearest deadline first (default: the open ones)."""
    follow_ups = common.in_token_scope(request, queries.follow_ups_for(common.actor(request)))
    if filters.status:
        follow_ups = follow_ups.filter(status=filters.status)
    count, items = common.page(follow_ups, filters)
    queries.follow_ups_shown(common.actor(request), items)
    return FollowUpPage(**common.page_meta(count, filters), items=[follow_up_out(f) for f in items])


@router.patch(
    "/follow-ups/{follow_up_id}",
    auth=role(Action.PERSON_WRITE),
    response={200: FollowUpOut, **WRITE_ERRORS},
)
def update_follow_up(
    request: HttpRequest, follow_up_id: uuid.UUID, payload: FollowUpUpdateIn
) -> FollowUpOut:
    """Mark a follow-up's motion filed, close it, or change its notes."""
    follow_up = common.check_token_owner(
        request, queries.get_follow_up(common.actor(request), follow_up_id)
    )
    follow_up = outcome_services.update_follow_up(
        actor=common.actor(request),
        follow_up=follow_up,
        status=payload.status,
        notes=payload.notes,
    )
    return follow_up_out(follow_up)


@router.get(
    "/{hearing_id}",
    auth=role(Action.DOCKET_READ),
    response={200: HearingDetailOut | ProgramHearingOut, **READ_ERRORS},
)
def get_hearing(
    request: HttpRequest, hearing_id: uuid.UUID
) -> HearingDetailOut | ProgramHearingOut:
    """One hearing with its notices, its chain of reschedules and any follow-up.

    A program-wide coordinator's token gets, for a hearing of a case it may schedule but
    not read, the read-only summary its web page shows (`view: program`); any other
    hearing not visible to the token is a 404."""
    user = common.actor(request)
    try:
        hearing = queries.get_hearing_for_view(
            user, hearing_id, within=lambda h: common.check_token_scope(request, h)
        )
    except Http404:
        if not program_wide(request):
            raise
        return program_hearing_out(coordination.program_hearing(user, hearing_id))
    return hearing_detail_out(hearing)


def _replace(
    request: HttpRequest, hearing_id: uuid.UUID, payload: ReplaceIn, action: str
) -> HearingDetailOut:
    hearing = _hearing_to_manage(request, hearing_id)
    with renamed_fields({"docket": "docket_id"}):
        docket = _docket(request, payload.docket_id)
        function = (
            hearing_services.reschedule
            if action == "reschedule"
            else hearing_services.continue_hearing
        )
        new = function(
            actor=common.actor(request),
            hearing=hearing,
            new_docket=docket,
            reason=payload.reason,
            report_at=payload.report_at,
            **_notice_kwargs(request, payload),
        )
    return _managed_out(request, new.pk)


@router.post(
    "/{hearing_id}/reschedule",
    auth=role(Action.DOCKET_MANAGE),
    response={201: HearingDetailOut, **WRITE_ERRORS},
)
def reschedule(
    request: HttpRequest, hearing_id: uuid.UUID, payload: ReplaceIn
) -> Status[HearingDetailOut]:
    """Move a hearing that has not taken place to another docket; returns the new one.

    The old hearing stays, "rescheduled", with the reason; the new one `replaces` it and
    gets a "changed" notice. Places move from the old docket to the new one.
    """
    return Status(201, _replace(request, hearing_id, payload, "reschedule"))


@router.post(
    "/{hearing_id}/continue",
    auth=role(Action.DOCKET_MANAGE),
    response={201: HearingDetailOut, **WRITE_ERRORS},
)
def continue_hearing(
    request: HttpRequest, hearing_id: uuid.UUID, payload: ReplaceIn
) -> Status[HearingDetailOut]:
    """The judge continued the hearing to another docket; returns the new hearing.

    The hearing is "held" with outcome "continued"; the new one `replaces` it and gets a
    "changed" notice (by default served in person).
    """
    return Status(201, _replace(request, hearing_id, payload, "continue"))


@router.post(
    "/{hearing_id}/cancel",
    auth=role(Action.DOCKET_MANAGE),
    response={200: HearingDetailOut, **WRITE_ERRORS},
)
def cancel(request: HttpRequest, hearing_id: uuid.UUID, payload: CancelIn) -> HearingDetailOut:
    """Cancel a hearing that has not taken place: its places are released and a
    "cancelled" notice is recorded."""
    hearing = _hearing_to_manage(request, hearing_id)
    hearing_services.cancel(
        actor=common.actor(request),
        hearing=hearing,
        reason=payload.reason,
        **_notice_kwargs(request, payload),
    )
    return _managed_out(request, hearing_id)


@router.get(
    "/{hearing_id}/notices",
    auth=role(Action.DOCKET_READ),
    response={200: list[NoticeOut], **READ_ERRORS},
)
def list_notices(request: HttpRequest, hearing_id: uuid.UUID) -> list[NoticeOut]:
    """Every notice of this hearing, oldest first."""
    hearing = _load(request, hearing_id)
    return [notice_out(n) for n in queries.notices_for_view(common.actor(request), hearing)]


@router.post(
    "/{hearing_id}/notices",
    auth=role(Action.PERSON_WRITE),
    response={201: NoticeOut, **WRITE_ERRORS},
)
def create_notice(
    request: HttpRequest, hearing_id: uuid.UUID, payload: NoticeIn
) -> Status[NoticeOut]:
    """Record a notice of this hearing: how, to which address, when and by whom it was
    served."""
    hearing = _load_for_update(request, hearing_id)
    notice = notice_services.record_notice(
        actor=common.actor(request),
        hearing=hearing,
        kind=payload.kind,
        **_notice_kwargs(request, payload),
    )
    return Status(201, notice_out(notice))


@router.post(
    "/{hearing_id}/notices/{notice_id}/served",
    auth=role(Action.PERSON_WRITE),
    response={200: NoticeOut, **WRITE_ERRORS},
)
def mark_served(
    request: HttpRequest, hearing_id: uuid.UUID, notice_id: uuid.UUID, payload: ServedIn
) -> NoticeOut:
    """Record when a notice not yet marked served was served (once: a notice marked
    served is not changed; record a new one instead)."""
    hearing = _load_for_update(request, hearing_id)
    notice = queries.get_notice(hearing, notice_id)
    notice = notice_services.mark_notice_served(
        actor=common.actor(request),
        notice=notice,
        served_at=payload.served_at,
        served_by=_staff(request, payload.served_by, "served_by"),
        method=payload.method,
        address=payload.address,
    )
    return notice_out(notice)


@router.post(
    "/{hearing_id}/outcome",
    auth=role(Action.PERSON_WRITE),
    response={200: HearingDetailOut, **WRITE_ERRORS},
)
def record_outcome(
    request: HttpRequest, hearing_id: uuid.UUID, payload: OutcomeIn
) -> HearingDetailOut:
    """Record what happened at the hearing.

    `failed_to_appear` with `in_absentia_order: true` (or `removal_in_absentia`) opens
    an in absentia follow-up: a motion to reopen for exceptional circumstances is due
    within 180 days of the order (`exceptional_circumstances_deadline`); a motion for
    lack of notice or custody has no deadline (both null).
    """
    hearing = _load_for_update(request, hearing_id)
    outcome_services.record_outcome(
        actor=common.actor(request),
        hearing=hearing,
        outcome=payload.outcome,
        in_absentia_order=payload.in_absentia_order,
        order_date=payload.order_date,
        reason=payload.reason,
        notes=payload.notes,
    )
    return hearing_detail_out(_load(request, hearing_id))


@router.get(
    "/{hearing_id}/evidence",
    auth=role(Action.PERSON_READ),
    response={200: EvidenceOut, **READ_ERRORS},
)
def evidence(request: HttpRequest, hearing_id: uuid.UUID) -> EvidenceOut:
    """What the evidence packet holds for this hearing: the chain of hearings, every
    notice (how, where, when, by whom) with a judgement of whether its address could
    reach the person, the contact points on file and the messages sent (JSON; the PDF
    and ZIP are served by the web app)."""
    _hearing, packet = queries.get_evidence_for_view(
        common.actor(request), hearing_id, within=lambda h: common.check_token_scope(request, h)
    )
    return EvidenceOut(packet=packet.to_dict())
