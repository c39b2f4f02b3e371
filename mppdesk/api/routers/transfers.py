"""Transfer groups, manifests, detention rosters, movements and receiving capacity.

Mounted at ``/transfers``. Groups belong to the token's organization (another
organization's group is a 404, like a missing one); reading needs ``transfer.read``,
changing ``transfer.manage``. Facilities and shelters are program data (no personal
data): every role with ``transfer.read`` lists them, ``transfer.manage`` edits them.
Members are given by person id, with their rule and reason when excluded; names are
only in the manifest, whose downloads are audited as exports.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import BinaryIO, Literal, TypeVar, cast

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import Field, StrictBool, StrictInt, StrictStr

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import CREATE_ERRORS, LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from mppdesk.api.schemas import PageOut, PageQuery, PlaceCode, QueryIn, StrictInput
from mppdesk.core.errors import FieldErrors
from mppdesk.places import services as place_services
from mppdesk.places.models import DetentionFacility, Shelter
from mppdesk.transfers import queries, services
from mppdesk.transfers.models import DEFAULT_STAY_NIGHTS, MovementEvent, TransferGroup
from mppdesk.transfers.roster import RosterReport, import_roster

router = Router()

StatusCode = Literal["planned", "approved", "departed", "arrived", "cancelled"]
VersionCode = Literal["2019", "2021", "current"]
PlaceT = TypeVar("PlaceT", DetentionFacility, Shelter)


# --- schemas ------------------------------------------------------------------------------


class FacilityOut(Schema):
    code: str
    name: str
    city: str
    state: str
    reported_capacity: int | None
    source: str
    active: bool


class FacilityIn(StrictInput):
    name: StrictStr = Field(..., max_length=200)
    city: StrictStr = Field(..., max_length=100)
    state: StrictStr = Field(..., max_length=2)
    reported_capacity: StrictInt | None = Field(None, ge=0)
    source: StrictStr = Field("", max_length=300)


class FacilityUpdateIn(StrictInput):
    name: StrictStr | None = Field(None, max_length=200)
    city: StrictStr | None = Field(None, max_length=100)
    state: StrictStr | None = Field(None, max_length=2)
    reported_capacity: StrictInt | None = Field(None, ge=0)
    source: StrictStr | None = Field(None, max_length=300)
    active: StrictBool | None = None


class ShelterOut(Schema):
    code: str
    name: str
    city: str
    capacity: int = Field(..., description="People per night (the low end of a published range).")
    capacity_note: str = Field(..., description="The capacity as published.")
    as_of: str
    source: str
    active: bool


class ShelterIn(StrictInput):
    name: StrictStr = Field(..., max_length=200)
    city: StrictStr = Field(
        ..., max_length=100, description="A receiving city (a port's Mexican city)."
    )
    capacity: StrictInt = Field(..., ge=0)
    capacity_note: StrictStr = Field("", max_length=300)
    as_of: StrictStr = Field("", max_length=20)
    source: StrictStr = Field("", max_length=300)


class ShelterUpdateIn(StrictInput):
    name: StrictStr | None = Field(None, max_length=200)
    capacity: StrictInt | None = Field(None, ge=0)
    capacity_note: StrictStr | None = Field(None, max_length=300)
    as_of: StrictStr | None = Field(None, max_length=20)
    source: StrictStr | None = Field(None, max_length=300)
    active: StrictBool | None = None


class PlanIn(StrictInput):
    facilities: list[StrictStr] = Field(..., min_length=1, description="Facility codes.")
    port: StrictStr = Field(..., description="Port of entry code, e.g. el-paso.")
    date: dt.date
    target_size: StrictInt = Field(..., ge=1, le=services.MAX_TARGET)
    version: VersionCode = "2021"
    name: StrictStr = Field("", max_length=200)
    stay_nights: StrictInt = Field(DEFAULT_STAY_NIGHTS, ge=1, le=366)


class MemberOut(Schema):
    person_id: uuid.UUID
    household_id: uuid.UUID | None
    facility: str
    included: bool
    household_number: int | None
    seat: int | None
    shelter: str | None = Field(None, description="Shelter code.")
    rule: str = Field(..., description="Rule code of an exclusion (empty when included).")
    reason: str
    screening_result: str


class GroupOut(Schema):
    id: uuid.UUID
    name: str
    date: dt.date
    status: StatusCode
    facilities: list[str]
    port: str
    receiving_city: str
    target_size: int
    rules_version: str
    stay_nights: int
    summary: dict[str, object]
    approved_at: dt.datetime | None
    departed_at: dt.datetime | None
    arrived_at: dt.datetime | None
    cancelled_at: dt.datetime | None


class GroupDetailOut(GroupOut):
    members: list[MemberOut]


class GroupPage(PageOut):
    items: list[GroupOut]


class GroupFilters(PageQuery):
    status: StatusCode | None = None


class MovementOut(Schema):
    id: uuid.UUID
    kind: str
    at: dt.datetime
    facility: str | None
    port: str | None
    shelter: str | None
    group_id: uuid.UUID | None
    data: dict[str, object]


class CapacityPointOut(Schema):
    date: dt.date
    capacity: int
    occupied: int
    free: int


class ShelterFilters(QueryIn):
    city: str | None = Field(
        None,
        max_length=100,
        description="Receiving city.",
        json_schema_extra={"example": "Ciudad Juarez"},
    )


class CapacityQuery(QueryIn):
    city: str = Field(..., max_length=100, json_schema_extra={"example": "Ciudad Juarez"})
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")


class RosterRowErrorOut(Schema):
    row: int
    column: str
    message: str


class RosterReportOut(Schema):
    total_rows: int
    valid_rows: int
    errors: list[RosterRowErrorOut]
    duplicates: list[RosterRowErrorOut]
    warnings: list[RosterRowErrorOut]
    created_people: int
    matched_people: int
    created_households: int
    detentions: int
    dry_run: bool
    written: bool


# --- helpers ------------------------------------------------------------------------------


def facility_out(f: DetentionFacility) -> FacilityOut:
    return FacilityOut(
        code=f.code, name=f.name, city=f.city, state=f.state,
        reported_capacity=f.reported_capacity, source=f.source, active=f.active,
    )  # fmt: skip


def shelter_out(s: Shelter) -> ShelterOut:
    return ShelterOut(
        code=s.code, name=s.name, city=s.city, capacity=s.capacity,
        capacity_note=s.capacity_note, as_of=s.as_of, source=s.source, active=s.active,
    )  # fmt: skip


def group_out(g: TransferGroup) -> GroupOut:
    return GroupOut(
        id=g.pk, name=g.name, date=g.date, status=cast(StatusCode, g.status),
        facilities=sorted(g.facilities.values_list("code", flat=True)), port=g.port.code,
        receiving_city=g.receiving_city, target_size=g.target_size,
        rules_version=g.rules_version, stay_nights=g.stay_nights, summary=g.summary,
        approved_at=g.approved_at, departed_at=g.departed_at, arrived_at=g.arrived_at,
        cancelled_at=g.cancelled_at,
    )  # fmt: skip


def _group(request: HttpRequest, group_id: uuid.UUID) -> TransferGroup:
    group = queries.get_group(common.actor(request), group_id)
    if group.organization_id != common.token(request).organization_id:
        raise Http404
    return group


def _place(model: type[PlaceT], code: str) -> PlaceT:
    """A facility or shelter by its code (program data, no scope), or 404."""
    place = model._default_manager.filter(code=code).first()
    if place is None:
        raise Http404
    return place


def _sent(payload: Schema) -> dict[str, object]:
    """The fields a PATCH body sent (a field left out is not changed)."""
    return {name: getattr(payload, name) for name in payload.model_fields_set}


# --- facilities and shelters --------------------------------------------------------------


@router.get(
    "/facilities", auth=role(Action.TRANSFER_READ), response={200: list[FacilityOut], **LIST_ERRORS}
)
def list_facilities(request: HttpRequest) -> list[FacilityOut]:
    """Detention facilities (seeded from the reference list, with sources)."""
    return [facility_out(f) for f in queries.facilities()]


@router.post(
    "/facilities",
    auth=role(Action.TRANSFER_MANAGE),
    response={201: FacilityOut, **CREATE_ERRORS},
)
def create_facility(request: HttpRequest, payload: FacilityIn) -> Status:
    """Add a detention facility that is not in the reference list."""
    facility = place_services.create_facility(actor=common.actor(request), **payload.model_dump())
    return Status(201, facility_out(facility))


@router.patch(
    "/facilities/{code}",
    auth=role(Action.TRANSFER_MANAGE),
    response={200: FacilityOut, **WRITE_ERRORS},
)
def update_facility(
    request: HttpRequest, code: PlaceCode, payload: FacilityUpdateIn
) -> FacilityOut:
    """Change a facility (the fields sent)."""
    facility = _place(DetentionFacility, code)
    facility = place_services.update_facility(
        actor=common.actor(request), facility=facility, **_sent(payload)
    )
    return facility_out(facility)


@router.get(
    "/shelters", auth=role(Action.TRANSFER_READ), response={200: list[ShelterOut], **LIST_ERRORS}
)
def list_shelters(request: HttpRequest, filters: Query[ShelterFilters]) -> list[ShelterOut]:
    """Shelters of the receiving cities with their capacity per night."""
    return [shelter_out(s) for s in queries.shelters(filters.city)]


@router.post(
    "/shelters", auth=role(Action.TRANSFER_MANAGE), response={201: ShelterOut, **CREATE_ERRORS}
)
def create_shelter(request: HttpRequest, payload: ShelterIn) -> Status:
    """Add a shelter in a receiving city (a port's Mexican city)."""
    shelter = place_services.create_shelter(actor=common.actor(request), **payload.model_dump())
    return Status(201, shelter_out(shelter))


@router.patch(
    "/shelters/{code}",
    auth=role(Action.TRANSFER_MANAGE),
    response={200: ShelterOut, **WRITE_ERRORS},
)
def update_shelter(request: HttpRequest, code: PlaceCode, payload: ShelterUpdateIn) -> ShelterOut:
    """Change a shelter; a new capacity may not fall below places already taken."""
    shelter = _place(Shelter, code)
    shelter = place_services.update_shelter(
        actor=common.actor(request), shelter=shelter, **_sent(payload)
    )
    return shelter_out(shelter)


@router.get(
    "/capacity",
    auth=role(Action.TRANSFER_READ),
    response={200: list[CapacityPointOut], **LIST_ERRORS},
)
def capacity(request: HttpRequest, filters: Query[CapacityQuery]) -> list[CapacityPointOut]:
    """Shelter places and places taken per night in a receiving city (at most two years)."""
    if filters.city not in place_services.receiving_cities():
        raise FieldErrors({"city": ["Not a receiving city."]})
    return [
        CapacityPointOut(date=p.date, capacity=p.capacity, occupied=p.occupied, free=p.free)
        for p in queries.capacity_by_city(filters.city, filters.start, filters.end)
    ]


# --- groups -------------------------------------------------------------------------------


@router.get("/groups", auth=role(Action.TRANSFER_READ), response={200: GroupPage, **LIST_ERRORS})
def list_groups(request: HttpRequest, filters: Query[GroupFilters]) -> dict[str, object]:
    """The token organization's transfer groups, newest date first."""
    rows = queries.groups_for(common.actor(request)).filter(
        organization_id=common.token(request).organization_id
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    count, items = common.page(rows.prefetch_related("facilities"), filters)
    return {**common.page_meta(count, filters), "items": [group_out(g) for g in items]}


@router.post(
    "/groups", auth=role(Action.TRANSFER_MANAGE), response={201: GroupDetailOut, **CREATE_ERRORS}
)
def plan(request: HttpRequest, payload: PlanIn) -> Status:
    """Plan a group (status planned): candidates screened per household, exclusions with
    their rule, households packed into the receiving city's shelters. Nothing is
    reserved until the group is approved."""
    facilities = []
    for index, code in enumerate(payload.facilities):
        facility = DetentionFacility.objects.filter(code=code).first()
        if facility is None:
            raise FieldErrors({f"facilities[{index}]": ["Unknown facility code."]})
        facilities.append(facility)
    port = common.port_by_code(payload.port)
    group = services.plan_group(
        actor=common.actor(request), facilities=facilities, port=port, date=payload.date,
        target_size=payload.target_size, version=payload.version, name=payload.name,
        organization=common.organization(request), stay_nights=payload.stay_nights,
    )  # fmt: skip
    return Status(201, _detail(request, group))


def _detail(request: HttpRequest, group: TransferGroup) -> GroupDetailOut:
    members = [
        MemberOut(
            person_id=m.person_id,
            household_id=m.household_id,
            facility=m.facility.code,
            included=m.included,
            household_number=m.household_number,
            seat=m.seat,
            shelter=m.shelter.code if m.shelter else None,
            rule=m.rule,
            reason=m.reason,
            screening_result=m.screening_result,
        )  # fmt: skip
        for m in queries.group_members_for_view(common.actor(request), group)
    ]
    return GroupDetailOut(**group_out(group).model_dump(), members=members)


@router.get(
    "/groups/{group_id}",
    auth=role(Action.TRANSFER_READ),
    response={200: GroupDetailOut, **READ_ERRORS},
)
def get_group(request: HttpRequest, group_id: uuid.UUID) -> GroupDetailOut:
    """A group with every candidate: included (household number, seat, shelter) or
    excluded (rule code and reason)."""
    return _detail(request, _group(request, group_id))


def _step(request: HttpRequest, group_id: uuid.UUID, step: str) -> GroupOut:
    group = _group(request, group_id)
    action = {
        "approve": services.approve_group,
        "depart": services.depart_group,
        "arrive": services.arrive_group,
        "cancel": services.cancel_group,
    }[step]
    group = action(actor=common.actor(request), group=group)
    return group_out(group)


@router.post(
    "/groups/{group_id}/approve",
    auth=role(Action.TRANSFER_MANAGE),
    response={200: GroupOut, **WRITE_ERRORS},
)
def approve(request: HttpRequest, group_id: uuid.UUID) -> GroupOut:
    """Take the group's shelter places (all or nothing; 422 on ``shelter`` when one is full)."""
    return _step(request, group_id, "approve")


@router.post(
    "/groups/{group_id}/depart",
    auth=role(Action.TRANSFER_MANAGE),
    response={200: GroupOut, **WRITE_ERRORS},
)
def depart(request: HttpRequest, group_id: uuid.UUID) -> GroupOut:
    """Mark an approved group departed."""
    return _step(request, group_id, "depart")


@router.post(
    "/groups/{group_id}/arrive",
    auth=role(Action.TRANSFER_MANAGE),
    response={200: GroupOut, **WRITE_ERRORS},
)
def arrive(request: HttpRequest, group_id: uuid.UUID) -> GroupOut:
    """Mark the group arrived: returned and at-shelter movements for each person."""
    return _step(request, group_id, "arrive")


@router.post(
    "/groups/{group_id}/cancel",
    auth=role(Action.TRANSFER_MANAGE),
    response={200: GroupOut, **WRITE_ERRORS},
)
def cancel(request: HttpRequest, group_id: uuid.UUID) -> GroupOut:
    """Cancel a planned or approved group; an approved one gives its shelter places back."""
    return _step(request, group_id, "cancel")


def _manifest(request: HttpRequest, group_id: uuid.UUID, fmt: str) -> HttpResponse:
    group = _group(request, group_id)
    name, content_type, content = services.export_manifest(
        actor=common.actor(request), group=group, fmt=fmt
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@router.get(
    "/groups/{group_id}/manifest.csv",
    auth=role(Action.TRANSFER_READ),
    response={200: None, **READ_ERRORS},
)
def manifest_csv(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    """The transport manifest as CSV: household and seat numbers, names, year of birth,
    sex, facility and shelter; no A-number, nationality or phone. Audited as an export."""
    return _manifest(request, group_id, "csv")


@router.get(
    "/groups/{group_id}/manifest.pdf",
    auth=role(Action.TRANSFER_READ),
    response={200: None, **READ_ERRORS},
)
def manifest_pdf(request: HttpRequest, group_id: uuid.UUID) -> HttpResponse:
    """The transport manifest as a PDF (the same columns as the CSV). Audited as an export."""
    return _manifest(request, group_id, "pdf")


# --- people -------------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/movements",
    auth=role(Action.TRANSFER_READ),
    response={200: list[MovementOut], **READ_ERRORS},
)
def movements(request: HttpRequest, person_id: uuid.UUID) -> list[MovementOut]:
    """The person's movement timeline, oldest first."""
    _person, events = queries.get_movements_for_view(
        common.actor(request),
        person_id,
        within=lambda person: common.check_token_scope(request, person),
    )
    return [_movement_out(e) for e in events]


def _movement_out(e: MovementEvent) -> MovementOut:
    return MovementOut(
        id=e.pk, kind=e.kind, at=e.at, facility=e.facility.code if e.facility else None,
        port=e.port.code if e.port else None, shelter=e.shelter.code if e.shelter else None,
        group_id=e.group_id, data=e.data,
    )  # fmt: skip


# --- rosters ------------------------------------------------------------------------------


def _field(problem: RosterRowErrorOut | object) -> str:
    row = getattr(problem, "row", 0)
    column = getattr(problem, "column", "")
    if row == 0:
        return "file"
    return f"file[{row}].{column}" if column else f"file[{row}]"


@router.post(
    "/rosters",
    auth=role(Action.TRANSFER_MANAGE),
    response={200: RosterReportOut, **CREATE_ERRORS},
)
def roster(
    request: HttpRequest,
    file: File[UploadedFile],
    facility: Form[str] = "",
    dry_run: Form[bool] = False,
) -> Status | JsonResponse:
    """Import a detention roster (CSV or XLSX; the people import format plus facility,
    detained_since, roster_id, unaccompanied, flags, fear_asked, fear_expressed; see
    docs/transfers.md). All or nothing: any error is a 422 with the per-row report."""
    default = None
    if facility:
        default = DetentionFacility.objects.filter(code=facility).first()
        if default is None:
            raise FieldErrors({"facility": ["Unknown facility code."]})
    report: RosterReport = import_roster(
        cast(BinaryIO, file), filename=file.name, actor=common.actor(request),
        organization=common.organization(request), facility=default, dry_run=dry_run,
    )  # fmt: skip
    body = report.as_dict()
    if report.ok and (report.written or report.dry_run):
        return Status(200, body)
    problems = report.errors + report.duplicates
    # The API's error shape, plus the whole report under "report" (as the people import).
    return JsonResponse(
        {
            "detail": "The file has errors; nothing was written.",
            "errors": [{"field": _field(p), "message": p.message} for p in problems],
            "report": body,
        },
        status=422,
    )
