"""REST API of incident reports (mounted at /api/v1/incidents).

A token acts for one organization: it reads the reports that organization owns and those
shared with it by an active consent, and writes only its own. Reading a report (its
narrative, the people affected) needs ``incident.read`` and is audited; the tallies need
``stats.read`` and show rounded, de-identified counts only. Bad input is 422 naming the
field; a report the token may not read is 404, the same as a missing one.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.responses import Status
from pydantic import StrictStr

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import LIST_ERRORS, READ_ERRORS, WRITE_ERRORS
from mppdesk.api.schemas import QueryIn, StrictInput
from mppdesk.core.errors import FieldErrors
from mppdesk.incidents import queries, services, tallies
from mppdesk.incidents.models import (
    Consent,
    ConsentMethod,
    Incident,
    IncidentKind,
    Perpetrator,
    Use,
)
from mppdesk.lib import csvfile
from mppdesk.stats.queries import scope_for_organization
from mppdesk.stats.rounding import BASE
from mppdesk.stats.suppression import SMALL_DISPLAY

router = Router()

KindCode = Literal[
    "kidnapping", "attempted_kidnapping", "extortion", "robbery", "assault",
    "sexual_violence", "threats", "disappearance", "murder", "document_theft",
    "abuse_by_officials", "denial_of_services",
]  # fmt: skip
PerpetratorCode = Literal[
    "criminal_group", "individual", "mexican_police", "mx_migration_military",
    "us_officials", "unknown",
]  # fmt: skip
UseCode = Literal["keep", "refer", "report", "share"]
MethodCode = Literal["verbal_in_person", "written_signature", "phone", "interpreter_assisted"]

assert set(KindCode.__args__) == set(IncidentKind.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(PerpetratorCode.__args__) == set(Perpetrator.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(UseCode.__args__) == set(Use.values)  # type: ignore[attr-defined]  # noqa: S101
assert set(MethodCode.__args__) == set(ConsentMethod.values)  # type: ignore[attr-defined]  # noqa: S101


class ConsentOut(Schema):
    id: int
    use: UseCode
    organization: str | None = Field(None, description="Slug of the organization (sharing).")
    given_at: dt.datetime
    method: MethodCode
    recorded_by: str | None
    withdrawn_at: dt.datetime | None
    withdrawal_method: str


class IncidentSummaryOut(Schema):
    id: uuid.UUID
    organization: str
    occurred_on: dt.date
    city: str
    port: str
    kinds: list[KindCode]
    perpetrator: PerpetratorCode
    people_count: int


class IncidentOut(IncidentSummaryOut):
    owner: bool = Field(..., description="False when the report is shared with you.")
    narrative: str
    people: list[uuid.UUID] = Field(
        ..., description="The people affected (empty when the report is only shared with you)."
    )
    consents: list[ConsentOut]
    referable: bool = Field(
        ..., description="The survivor consented to the report's use in a referral to a service."
    )


class IncidentIn(StrictInput):
    occurred_on: dt.date
    port: StrictStr = Field(..., max_length=60, description="Port code of the receiving city.")
    kinds: list[KindCode] = Field(..., min_length=1)
    perpetrator: PerpetratorCode
    people: list[uuid.UUID] = Field(..., min_length=1, max_length=services.MAX_PEOPLE)
    narrative: StrictStr = Field("", max_length=services.MAX_NARRATIVE)
    consent_method: MethodCode
    consent_given_at: dt.datetime | None = None
    uses: list[UseCode] = Field(
        ..., min_length=1, description="Must include `keep`: no report is kept without it."
    )
    share_with: list[StrictStr] = Field(default_factory=list, description="Organization slugs.")


class ConsentIn(StrictInput):
    action: Literal["give", "withdraw"]
    use: UseCode | None = Field(None, description="The use consented to (`give`).")
    organization: StrictStr | None = Field(None, description="Slug, for `share`.")
    consent_id: int | None = Field(
        None, ge=1, le=2**63 - 1, description="The consent withdrawn (`withdraw`)."
    )
    method: MethodCode


class ConsentResultOut(Schema):
    deleted: bool = Field(..., description="True when withdrawing `keep` deleted the report.")
    incident: IncidentOut | None


class IncidentQuery(QueryIn):
    kind: KindCode | None = None
    perpetrator: PerpetratorCode | None = None
    port: str = Field("", max_length=60)
    from_date: dt.date | None = None
    to_date: dt.date | None = None


class TallyQuery(QueryIn):
    port: str | None = Field(None, max_length=60)
    perpetrator: PerpetratorCode | None = None
    from_month: str | None = Field(None, max_length=7, description="`YYYY-MM`.")
    to_month: str | None = Field(None, max_length=7, description="`YYYY-MM`.")
    format: Literal["json", "csv"] = "json"


class TallyCellOut(Schema):
    display: str = Field(..., description=f"A multiple of {BASE}, or `{SMALL_DISPLAY}`.")
    count: int | None


class TallyRowOut(Schema):
    key: str
    label: str
    cells: list[TallyCellOut]


class TallyTableOut(Schema):
    name: str
    title: str
    columns: list[str]
    rows: list[TallyRowOut]
    total: TallyRowOut | None
    note: str


class TallyLineOut(Schema):
    month: str
    city: str
    kind: str
    perpetrator: str
    incidents: str


class TalliesOut(Schema):
    program_wide: bool
    filters: dict[str, str | None]
    rounding_base: int
    total: str
    tables: list[TallyTableOut]
    cross: list[TallyLineOut]


# --- helpers ----------------------------------------------------------------------------


def _in_token_scope(request: HttpRequest, incident: Incident) -> None:
    org = common.organization(request).pk
    if incident.organization_id == org:
        return
    if not Incident.objects.filter(pk=incident.pk).consented(Use.SHARE, org).exists():
        raise Http404


def _consent_out(c: Consent) -> ConsentOut:
    return ConsentOut(
        id=c.pk, use=c.use, organization=c.organization.slug if c.organization else None,  # type: ignore[arg-type]
        given_at=c.given_at, method=c.method, recorded_by=c.recorded_by.username  # type: ignore[arg-type]
        if c.recorded_by else None, withdrawn_at=c.withdrawn_at,
        withdrawal_method=c.withdrawal_method,
    )  # fmt: skip


def _read(request: HttpRequest, incident_id: uuid.UUID) -> IncidentOut:
    incident = Incident.objects.for_orgs([common.organization(request).pk]).filter(pk=incident_id)
    if not incident.exists():
        raise Http404
    view = queries.get_incident(common.actor(request), incident_id)
    _in_token_scope(request, view.incident)
    owner = view.owner and view.incident.organization_id == common.organization(request).pk
    i = view.incident
    return IncidentOut(
        id=i.pk, organization=i.organization.slug, occurred_on=i.occurred_on,
        city=i.port.mexican_city, port=i.port.code, kinds=list(i.kinds),
        perpetrator=i.perpetrator, people_count=view.n_people, owner=owner,  # type: ignore[arg-type]
        narrative=i.narrative, people=[p.pk for p in view.people] if owner else [],
        consents=[_consent_out(c) for c in view.consents],
        referable=view.referable,
    )  # fmt: skip


# --- operations --------------------------------------------------------------------------


@router.get(
    "", auth=role(Action.INCIDENT_READ), response={200: list[IncidentSummaryOut], **LIST_ERRORS}
)
def list_incidents(request: HttpRequest, query: Query[IncidentQuery]) -> list[IncidentSummaryOut]:
    """Incident reports of the token's organization and those shared with it (no narrative,
    no people: open one for those). Audited."""
    filters = queries.clean_list_filters(
        kind=query.kind or "", perpetrator=query.perpetrator or "", port=query.port,
        from_date=query.from_date.isoformat() if query.from_date else "",
        to_date=query.to_date.isoformat() if query.to_date else "",
    )  # fmt: skip
    org = common.organization(request).pk
    rows = queries.list_incidents(common.actor(request), filters, within=org)
    return [
        IncidentSummaryOut(
            id=i.pk,
            organization=i.organization.slug,
            occurred_on=i.occurred_on,
            city=i.port.mexican_city,
            port=i.port.code,
            kinds=list(i.kinds),
            perpetrator=i.perpetrator,  # type: ignore[arg-type]
            people_count=i.n_people,  # type: ignore[attr-defined]
        )  # fmt: skip
        for i in rows
    ]


@router.post("", auth=role(Action.INCIDENT_WRITE), response={201: IncidentOut, **WRITE_ERRORS})
def create_incident(request: HttpRequest, body: IncidentIn) -> Status[IncidentOut]:
    """Record an incident report for the token's organization, with the consent for each
    use (`uses` must include `keep`). A document-theft incident sets the document-exposure
    flag on the cases of each person affected."""
    incident = services.record_incident(
        actor=common.actor(request), organization=common.organization(request),
        occurred_on=body.occurred_on, port=body.port, kinds=list(body.kinds),
        perpetrator=body.perpetrator, people=list(body.people), narrative=body.narrative,
        consent_method=body.consent_method, consent_given_at=body.consent_given_at,
        uses=list(body.uses), share_with=list(body.share_with),
    )  # fmt: skip
    return Status(201, _read(request, incident.pk))


@router.get(
    "/tallies",
    auth=role(Action.STATS_READ),
    response={200: TalliesOut, **LIST_ERRORS},
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def get_tallies(request: HttpRequest, query: Query[TallyQuery]) -> Any:
    """De-identified tallies (kind × month × city × perpetrator category) of incidents
    consented for reporting, rounded like the statistics (docs/statistics.md). Every
    organization's for a program-wide token (coordinator, monitor). `format=csv` gives
    the cross-tabulation as CSV."""
    filters = tallies.clean_filters(
        port=query.port, perpetrator=query.perpetrator, from_month=query.from_month,
        to_month=query.to_month,
    )  # fmt: skip
    scope = scope_for_organization(common.organization(request))
    result = tallies.tallies(scope, filters)
    if query.format == "csv":
        tallies.record_export(common.actor(request))
        body = csvfile.csv_bytes(tallies.CSV_HEADER, tallies.csv_rows(result))
        return HttpResponse(body, content_type="text/csv; charset=utf-8")

    def row(r: Any) -> TallyRowOut:
        return TallyRowOut(
            key=r.key, label=r.label,
            cells=[TallyCellOut(display=c.display, count=c.count) for c in r.cells],
        )  # fmt: skip

    return TalliesOut(
        program_wide=scope.program_wide, filters=filters.as_dict(), rounding_base=BASE,
        total=result.total.cells[0].display,
        tables=[
            TallyTableOut(
                name=t.name, title=t.title, columns=[c.label for c in t.columns],
                rows=[row(r) for r in t.rows], total=row(t.total) if t.total else None,
                note=t.note,
            )
            for t in result.tables.values()
        ],
        cross=[
            TallyLineOut(month=m, city=c, kind=k, perpetrator=p, incidents=n)
            for m, c, k, p, n in result.cross
        ],
    )  # fmt: skip


@router.get(
    "/{incident_id}", auth=role(Action.INCIDENT_READ), response={200: IncidentOut, **READ_ERRORS}
)
def get_incident(request: HttpRequest, incident_id: uuid.UUID) -> IncidentOut:
    """One report with its narrative and consent record; the people affected only for the
    owning organization. Audited."""
    return _read(request, incident_id)


@router.post(
    "/{incident_id}/consent",
    auth=role(Action.INCIDENT_WRITE),
    response={200: ConsentResultOut, **WRITE_ERRORS},
)
def change_consent(
    request: HttpRequest, incident_id: uuid.UUID, body: ConsentIn
) -> ConsentResultOut:
    """Give consent for one more use, or withdraw one (effective everywhere at once;
    withdrawing `keep` deletes the report)."""
    actor = common.actor(request)
    incident = queries.get_incident_for_write(actor, incident_id)
    if incident.organization_id != common.organization(request).pk:
        raise Http404
    if body.action == "withdraw":
        consent = incident.consents.filter(pk=body.consent_id).first() if body.consent_id else None
        if consent is None:
            raise FieldErrors({"consent_id": ["No such consent on this report."]})
        left = services.withdraw_consent(actor=actor, consent=consent, method=body.method)
        if left is None:
            return ConsentResultOut(deleted=True, incident=None)
    else:
        if body.use is None:
            raise FieldErrors({"use": ["Name the use consented to."]})
        services.give_consent(
            actor=actor, incident=incident, use=body.use, method=body.method,
            organization=body.organization,
        )  # fmt: skip
    return ConsentResultOut(deleted=False, incident=_read(request, incident_id))
