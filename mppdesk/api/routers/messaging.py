"""Messages to people: history, manual send, people at risk, templates, reminder rules.

Mounted at ``/messages``. A person's messages are as visible as the person: another
organization's person or message is a 404, like a missing one. Recipients are masked
(``•••• 4567``) and bodies are returned only for a single message. Templates and
reminder policies are program data (no personal data): ``message.template.manage``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import StrictBool, StrictInt, StrictStr

from mppdesk.accounts.permissions import Action
from mppdesk.api import common
from mppdesk.api.auth import role
from mppdesk.api.errors import (
    CREATE_ERRORS,
    LIST_ERRORS,
    READ_ERRORS,
    WRITE_ERRORS,
    renamed_fields,
)
from mppdesk.api.schemas import PageOut, PageQuery, StrictInput
from mppdesk.cases.models import ProgramVersion
from mppdesk.messaging import queries
from mppdesk.messaging.models import Channel, Message, TemplateKind
from mppdesk.messaging.services import enqueue_message
from mppdesk.people import queries as people_queries
from mppdesk.people.models import Person
from mppdesk.reminders import catalog
from mppdesk.reminders import services as reminder_services
from mppdesk.reminders.models import LANGUAGES
from mppdesk.reminders.policy import get_policy_row
from mppdesk.reminders.segments import non_gsm_characters, segment_info
from mppdesk.reminders.templatetags.reminders import masked

router = Router()

ManualKind = Literal["reminder", "reporting_instructions", "hearing_notice", "manual"]
ReasonCode = Literal["not_delivered", "opted_out", "invalid", "no_contact", "documents_exposed"]
assert set(ManualKind.__args__) == {str(k) for k in queries.MANUAL_KINDS}  # type: ignore[attr-defined]  # noqa: S101
assert set(ReasonCode.__args__) == set(queries.REASONS)  # type: ignore[attr-defined]  # noqa: S101


# --- schemas ------------------------------------------------------------------------------


class EventOut(Schema):
    status: str
    at: dt.datetime = Field(..., description="UTC.")
    attempt: int
    detail: str = Field(..., description="An error code or a short reason; no personal data.")


class MessageOut(Schema):
    id: uuid.UUID
    person_id: uuid.UUID | None
    hearing_id: uuid.UUID | None
    channel: str
    template: str
    language: str
    rule: str
    recipient: str = Field(..., description="Masked: only the last 4 characters are shown.")
    status: str
    error_code: str
    attempts: int
    created_at: dt.datetime
    not_before: dt.datetime | None
    sent_at: dt.datetime | None
    status_at: dt.datetime | None
    local_zone: str = Field(..., description="IANA zone where the person waits (the port's).")


class MessageDetailOut(MessageOut):
    body: str
    events: list[EventOut]


class MessagePage(PageOut):
    items: list[MessageOut]


class SendIn(StrictInput):
    contact_point_id: StrictInt = Field(..., description="One of the person's contact points.")
    template: ManualKind = Field(
        ..., description="A hearing kind writes about the person's next hearing."
    )
    language: Literal["es", "en", "pt", "ht", "fr"] | None = Field(
        None, description="Default: the person's preferred language."
    )
    text: StrictStr = Field("", max_length=queries.MAX_TEXT, description="For `manual` only.")
    confirm_name: StrictBool = Field(
        False, description="Send a manual text that holds the person's name anyway."
    )
    idempotency_key: uuid.UUID = Field(
        ..., description="A new UUID per message: sending again with it sends nothing more."
    )


class AtRiskOut(Schema):
    person_id: uuid.UUID
    hearing_id: uuid.UUID
    scheduled_at: dt.datetime
    venue: str = Field(..., description="Code of the court.")
    reasons: list[ReasonCode]
    reachable_contacts: int


class AtRiskPage(PageOut):
    items: list[AtRiskOut]


class AtRiskQuery(PageQuery):
    reason: ReasonCode | None = None
    venue: str | None = Field(
        None,
        max_length=100,
        description="Code of the court.",
        json_schema_extra={"example": "el-paso-immigration-court"},
    )


class MessageTemplateOut(Schema):
    kind: str
    channel: str
    language: str
    body: str
    default: str
    is_override: bool
    placeholders: list[str]
    updated_at: dt.datetime | None


class TemplateIn(StrictInput):
    body: StrictStr = Field(..., max_length=catalog.MAX_BODY)


class SegmentsIn(StrictInput):
    text: StrictStr = Field(..., max_length=catalog.MAX_BODY)


class SegmentsOut(Schema):
    encoding: Literal["GSM-7", "UCS-2"]
    units: int = Field(..., description="Septets (GSM-7) or UTF-16 code units (UCS-2).")
    segments: int
    non_gsm_characters: list[str]


class RuleIO(Schema):
    code: StrictStr
    template: StrictStr
    days_before: StrictInt | None = None
    at: StrictStr | None = Field(None, description="HH:MM local time; null at notice.")


class PolicyOut(Schema):
    program_version: str
    rules: list[RuleIO]
    quiet_start: str
    quiet_end: str


class PolicyIn(StrictInput):
    rules: list[dict[str, Any]] = Field(..., description="Each {code, template, days_before, at}.")
    quiet_start: StrictStr = Field(..., max_length=5, description="HH:MM")
    quiet_end: StrictStr = Field(..., max_length=5, description="HH:MM")


# --- helpers ------------------------------------------------------------------------------


def _person(request: HttpRequest, person_id: uuid.UUID) -> Person:
    person: Person = common.check_token_scope(
        request, people_queries.get_person(common.actor(request), person_id)
    )
    return person


def _in_token_scope(request: HttpRequest, message: Message) -> Message:
    if message.person is not None:
        common.check_token_scope(request, message.person)
    return message


def _out(message: Message, zone: str) -> dict[str, Any]:
    return {
        "id": message.pk,
        "person_id": message.person_id,
        "hearing_id": message.hearing_id,
        "channel": message.channel,
        "template": message.template,
        "language": message.language,
        "rule": message.rule,
        "recipient": masked(message.recipient),
        "status": message.status,
        "error_code": message.error_code,
        "attempts": message.attempts,
        "created_at": message.created_at,
        "not_before": message.not_before,
        "sent_at": message.sent_at,
        "status_at": message.status_at,
        "local_zone": zone,
    }


def _detail(message: Message) -> MessageDetailOut:
    events = [
        EventOut(status=e.status, at=e.at, attempt=e.attempt, detail=e.detail)
        for e in message.events.all()
    ]
    out = _out(message, queries.local_zone_of(message))
    return MessageDetailOut(**out, body=str(message.body), events=events)


def _template_key(kind: str, channel: str, language: str) -> None:
    if (
        kind not in TemplateKind.values
        or channel not in Channel.values
        or language not in LANGUAGES
    ):
        raise Http404


def _template_out(kind: str, channel: str, language: str) -> MessageTemplateOut:
    override = catalog.override_for(kind, channel, language)
    return MessageTemplateOut(
        kind=kind,
        channel=channel,
        language=language,
        body=override.body if override else catalog.default_body(kind, channel, language),
        default=catalog.default_body(kind, channel, language),
        is_override=override is not None,
        placeholders=list(catalog.PLACEHOLDERS.get(kind, ())),
        updated_at=override.updated_at if override else None,
    )


def _policy_out(program_version: str) -> PolicyOut:
    row = get_policy_row(program_version)
    return PolicyOut(
        program_version=program_version,
        rules=[RuleIO(**rule) for rule in row.rules],
        quiet_start=f"{row.quiet_start:%H:%M}",
        quiet_end=f"{row.quiet_end:%H:%M}",
    )


def _program_version(value: str) -> str:
    if value not in ProgramVersion.values:
        raise Http404
    return value


# --- history ------------------------------------------------------------------------------


@router.get(
    "/people/{person_id}", auth=role(Action.PERSON_READ), response={200: MessagePage, **READ_ERRORS}
)
def list_person_messages(
    request: HttpRequest, person_id: uuid.UUID, query: Query[PageQuery]
) -> dict[str, Any]:
    """A person's messages, newest first, with masked recipients (no bodies).

    A person of another organization is a 404, exactly like a missing one.
    """
    _, history = queries.get_person_messages_for_view(
        common.actor(request), person_id, within=lambda p: common.check_token_scope(request, p)
    )
    count, rows = common.page(history, query)
    return {
        **common.page_meta(count, query),
        "items": [_out(m, zone) for m, zone in zip(rows, queries.local_zones(rows), strict=True)],
    }


@router.get("/at-risk", auth=role(Action.PERSON_READ), response={200: AtRiskPage, **LIST_ERRORS})
def list_at_risk(request: HttpRequest, query: Query[AtRiskQuery]) -> dict[str, Any]:
    """People of the token's organization with a hearing in the next 14 days who may not
    hear about it, with the reasons (`not_delivered`, `opted_out`, `invalid`, `no_contact`).

    Filter by `reason` and by court (`venue` code; an unknown code is a 422).
    """
    venue = common.venue_by_code(query.venue) if query.venue else None
    rows = queries.at_risk(
        common.actor(request),
        reason=query.reason,
        venue=venue,
        organization_id=common.token(request).organization_id,
    )
    shown = rows[query.offset : query.offset + query.limit]
    queries.record_at_risk_viewed(common.actor(request), shown)
    items = [
        {
            "person_id": r.person.pk,
            "hearing_id": r.hearing.pk,
            "scheduled_at": r.hearing.scheduled_at,
            "venue": r.hearing.docket.venue.code,
            "reasons": r.reasons,
            "reachable_contacts": r.reachable,
        }
        for r in shown
    ]
    return {**common.page_meta(len(rows), query), "items": items}


@router.post(
    "/people/{person_id}/send",
    auth=role(Action.MESSAGE_SEND),
    response={201: MessageDetailOut, **WRITE_ERRORS},
)
def send_message(
    request: HttpRequest, person_id: uuid.UUID, payload: SendIn
) -> Status[MessageDetailOut]:
    """Send one message to a person by hand; it goes out after the request commits.

    An opted-out, invalid or unconsented contact point is a 422 on `contact_point_id`; an
    A-number in `text` is refused; the person's name in `text` needs `confirm_name`.
    Idempotent on `idempotency_key`: the same key returns the same message.
    """
    person = common.check_token_owner(request, _person(request, person_id))
    user = common.actor(request)
    with renamed_fields({"contact_point": "contact_point_id"}):
        composed = queries.compose_manual(
            user,
            person,
            contact_point=payload.contact_point_id,
            kind=payload.template,
            language=payload.language or queries.default_language(person),
            text=payload.text,
            confirm_name=payload.confirm_name,
        )
        key = queries.manual_key(user, payload.idempotency_key)
        try:
            message = enqueue_message(actor=user, **composed.enqueue_kwargs(key))
        except PermissionDenied as exc:
            raise HttpError(403, "Your role does not allow 'message.send'.") from exc
    return Status(201, _detail(queries.get_message(user, message.pk)))


@router.get(
    "/templates",
    auth=role(Action.MESSAGE_TEMPLATE_MANAGE),
    response={200: list[MessageTemplateOut], **LIST_ERRORS},
)
def list_templates(request: HttpRequest) -> list[MessageTemplateOut]:
    """Every kind × channel × language with its current text and whether it is edited."""
    return [
        MessageTemplateOut(
            kind=row["kind"],
            channel=row["channel"],
            language=row["language"],
            body=row["body"],
            default=row["default"],
            is_override=row["is_override"],
            placeholders=list(catalog.PLACEHOLDERS.get(row["kind"], ())),
            updated_at=row["updated_at"],
        )
        for row in catalog.catalogue()
    ]


@router.get(
    "/templates/{kind}/{channel}/{language}",
    auth=role(Action.MESSAGE_TEMPLATE_MANAGE),
    response={200: MessageTemplateOut, **READ_ERRORS},
)
def get_template(
    request: HttpRequest, kind: str, channel: str, language: str
) -> MessageTemplateOut:
    """One template: its current text, the default and the placeholders it may use.

    An unknown kind, channel or language is a 404.
    """
    _template_key(kind, channel, language)
    return _template_out(kind, channel, language)


@router.put(
    "/templates/{kind}/{channel}/{language}",
    auth=role(Action.MESSAGE_TEMPLATE_MANAGE),
    response={200: MessageTemplateOut, **WRITE_ERRORS},
)
def put_template(
    request: HttpRequest, kind: str, channel: str, language: str, payload: TemplateIn
) -> MessageTemplateOut:
    """Replace the text of a template (an override of the default).

    A placeholder the kind does not have, malformed braces or an empty text is a 422 on
    `body`.
    """
    _template_key(kind, channel, language)
    reminder_services.save_template(
        actor=common.actor(request),
        kind=kind,
        channel=channel,
        language=language,
        body=payload.body,
    )
    return _template_out(kind, channel, language)


@router.delete(
    "/templates/{kind}/{channel}/{language}",
    auth=role(Action.MESSAGE_TEMPLATE_MANAGE),
    response={200: MessageTemplateOut, **WRITE_ERRORS},
)
def reset_template(
    request: HttpRequest, kind: str, channel: str, language: str
) -> MessageTemplateOut:
    """Delete the override: the template goes back to its default text."""
    _template_key(kind, channel, language)
    reminder_services.reset_template(
        actor=common.actor(request), kind=kind, channel=channel, language=language
    )
    return _template_out(kind, channel, language)


@router.post(
    "/segments", auth=role(Action.MESSAGE_SEND), response={200: SegmentsOut, **CREATE_ERRORS}
)
def count_segments(request: HttpRequest, payload: SegmentsIn) -> SegmentsOut:
    """How an SMS of `text` is sent: GSM-7 or UCS-2, its size in units and its segments,
    and the characters that force UCS-2."""
    info = segment_info(payload.text)
    return SegmentsOut(
        encoding=info.encoding,
        units=info.units,
        segments=info.segments,
        non_gsm_characters=non_gsm_characters(payload.text),
    )


@router.get(
    "/policies/{program_version}",
    auth=role(Action.MESSAGE_TEMPLATE_MANAGE),
    response={200: PolicyOut, **READ_ERRORS},
)
def get_policy(request: HttpRequest, program_version: str) -> PolicyOut:
    """The reminder rules and quiet hours of a program version (`2019`, `2021`, `current`)."""
    return _policy_out(_program_version(program_version))


@router.put(
    "/policies/{program_version}",
    auth=role(Action.MESSAGE_TEMPLATE_MANAGE),
    response={200: PolicyOut, **WRITE_ERRORS},
)
def put_policy(request: HttpRequest, program_version: str, payload: PolicyIn) -> PolicyOut:
    """Replace the reminder rules and quiet hours of a program version.

    Problems are 422s on `rules` (naming the rule by position), `quiet_start` or
    `quiet_end`. Reminders already planned keep their times.
    """
    program_version = _program_version(program_version)
    reminder_services.update_policy(
        actor=common.actor(request),
        program_version=program_version,
        rules=payload.rules,
        quiet_start=payload.quiet_start,
        quiet_end=payload.quiet_end,
    )
    return _policy_out(program_version)


@router.get(
    "/{message_id}", auth=role(Action.PERSON_READ), response={200: MessageDetailOut, **READ_ERRORS}
)
def get_message(request: HttpRequest, message_id: uuid.UUID) -> MessageDetailOut:
    """One message with its body and status timeline (events, UTC).

    A message to a person of another organization is a 404, like a missing one.
    """
    message = queries.get_message_for_view(
        common.actor(request), message_id, within=lambda m: _in_token_scope(request, m)
    )
    return _detail(message)
