"""Self-service: the two-factor hearing lookup and the inbound text hook's actions.

``lookup_hearing`` answers "when is my next hearing" to an A-number together with a
date of birth, for anyone, without signing in. Against harvesting (docs/selfservice.md)
every call does the same work whatever the outcome:

1. bump the requester's counter (sender number or client IP network) — one upsert;
2. read every case with that A-number (blind index, all organizations) with the lead's
   encrypted date of birth and language — one select;
3. ask whether the sender's number is on file for one of those cases (a phone or
   WhatsApp contact point of a person on it; a never-matching digest for the web) — one
   select;
4. read the A-number's two locks (one for phones on file, one for everyone else) — one
   select;
5. decrypt one date of birth per case found, or a dummy one when none was found, and
   compare it in constant time;
6. read the next hearing of the matching cases (a never-matching id when none) — one
   select;
7. count a failure against the A-number on the lock of the requester's path (adding 0
   on a match, or when the requester was over its own limit) — one upsert;
8. write the audit entry (outcome code, no personal data).

A case with the document-exposure flag (``cases.exposure``: its court documents were
stolen or photographed) matches only for a sender whose phone is on file; for the web
and any other number it is a miss, with the same queries and the same generic text.

Only then is the outcome decided. A requester over its limit is told so, with the time
its count starts afresh; an A-number locked for the requester's path is "temporarily
protected"; every other miss gets one generic text. The counters behind both refusals
exist for every well-formed A-number and requester, held or not, so neither refusal
says anything about a record. The caller pads the whole response to a fixed duration
(``timing.padded``).
"""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from mppdesk.accounts.models import Organization
from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.cases.models import A_NUMBER_PURPOSE, Case
from mppdesk.core import signals
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.fields import EncryptedDateField
from mppdesk.hearings.models import NOTICE_LANGUAGE_OF, Hearing, HearingStatus
from mppdesk.lib import crypto
from mppdesk.lib.crypto import lookup_digests
from mppdesk.lib.phones import PhoneError, normalize_phone
from mppdesk.messaging.models import (
    Channel,
    InboundMessage,
    Message,
    MessageEvent,
    MessageStatus,
    TemplateKind,
)
from mppdesk.people.models import CONTACT_PURPOSE, ContactPoint, Person, PersonLanguage
from mppdesk.people.services import set_contact_preferences
from mppdesk.selfservice import ratelimit, texts
from mppdesk.selfservice.models import Scope
from mppdesk.selfservice.parsing import Intent, parse_query, read_text

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


class Outcome:
    MATCHED = "matched"  # both factors right, a hearing ahead: the answer is shown
    NO_HEARING = "no_hearing"  # both factors right, nothing scheduled ahead
    NO_MATCH = "no_match"  # unknown A-number or wrong date of birth
    LOCKED = "locked"  # the A-number failed too often lately (on the requester's path)
    RATE_LIMITED = "rate_limited"  # the sender or address asked too often


OUTCOMES = (
    Outcome.MATCHED,
    Outcome.NO_HEARING,
    Outcome.NO_MATCH,
    Outcome.LOCKED,
    Outcome.RATE_LIMITED,
)
#: Outcomes that get the one generic "not found" text: the same bytes for each.
NOT_FOUND = (Outcome.NO_HEARING, Outcome.NO_MATCH)
AUDIT_OBJECT = ObjectType.SELFSERVICE_LOOKUP
# A primary key no row has: queries that found nothing still run, with this id.
NEVER = uuid.UUID(int=0)
# A digest no value has (blind indexes are hex): the web's "phone on file" question.
NEVER_DIGEST = "-"
#: A requester's count covers an hour.
REQUESTER_WINDOW = 3600


@dataclass(frozen=True)
class LookupResult:
    outcome: str
    hearing: Hearing | None = None
    # The lead respondent's notice language (es/en/pt/ht/fr) when matched, else "".
    language: str = ""
    # Rate limited: when the requester's count starts afresh.
    retry_at: dt.datetime | None = None

    @property
    def matched(self) -> bool:
        return self.outcome == Outcome.MATCHED


def _birth_field() -> EncryptedDateField:
    field = Person._meta.get_field("birth_date")
    assert isinstance(field, EncryptedDateField)  # noqa: S101 - a model invariant
    return field


_dummy: tuple[Any, str] | None = None


def _dummy_ciphertext() -> str:
    """A date of birth encrypted like a real one, to decrypt when no case was found."""
    global _dummy  # noqa: PLW0603 - per-process cache, rebuilt when the key ring changes
    ring = crypto.keyring() if crypto.encryption_enabled() else None
    if _dummy is None or _dummy[0] is not ring:
        stored = _birth_field().encrypt_value(dt.date(1900, 1, 1), NEVER)
        _dummy = (ring, str(stored))
    return _dummy[1]


def _same_date(stored: str | None, row: Any, wanted: dt.date) -> bool:
    """Decrypt ``stored`` (bound to ``row``) and compare it with ``wanted`` in constant time."""
    try:
        value = _birth_field().decrypt_value(stored, row) if stored else None
    except crypto.DecryptionError:
        value = None
    text = value.isoformat() if isinstance(value, dt.date) else "0000-00-00"
    return hmac.compare_digest(text, wanted.isoformat())


def _epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def _phone_on_file(a_number: str, sender_digests: tuple[str, ...]) -> bool:
    """Is the sender's number a phone or WhatsApp contact point of someone on a case
    with this A-number (any organization)? One select, whatever the answer."""
    return ContactPoint.objects.filter(
        value_bidx__in=sender_digests,
        kind__in=(ContactPoint.Kind.PHONE, ContactPoint.Kind.WHATSAPP),
        person__case_memberships__case__a_number_bidx__in=lookup_digests(
            A_NUMBER_PURPOSE, a_number
        ),
    ).exists()


def lookup_hearing(
    *,
    a_number: str,
    birth_date: dt.date,
    requester_scope: str,
    requester: str,
    now: dt.datetime | None = None,
) -> LookupResult:
    """The next hearing of the case with ``a_number`` (9 digits) whose lead respondent
    was born on ``birth_date``, for a requester (``Scope.SENDER``: an E.164 number;
    ``Scope.IP``: ``ratelimit.ip_network(...)``). Always the same queries; see the module.

    A requester over its hourly limit is refused (``RATE_LIMITED``, with ``retry_at``)
    and its lookup counts no failure against the A-number: nobody can lock a number with
    requests that were refused anyway. A sender whose number is on file for one of the
    A-number's cases goes by its own lock, which the failures of other requesters never
    reach (``Scope.A_NUMBER_ON_FILE``); everyone else by the A-number's lock.

    The audit entry's channel is the request context's (``web``, ``sms``, ``whatsapp``).
    """
    now = now or timezone.now()
    epoch = _epoch(now)
    keys = ratelimit.anumber_keys(a_number)
    # Read once per process (a port's clock, not a request's): a refusal that gives a
    # time makes no query the other outcomes do not.
    refusal_clock()
    with transaction.atomic():
        # 1. The requester's rate limit.
        count = ratelimit.bump(
            scope=requester_scope,
            digest=ratelimit.counter_digest(requester_scope, requester),
            now=epoch,
            window=REQUESTER_WINDOW,
        )
        rate_limited = count.hits > settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR
        # 2. Every case with this A-number, in any organization (public lookup by design).
        language = (
            PersonLanguage.objects.filter(person_id=OuterRef("lead_id"))
            .order_by("-preferred", "code")
            .values("code")[:1]
        )
        candidates = list(
            Case.objects.filter(a_number_bidx__in=lookup_digests(A_NUMBER_PURPOSE, a_number))
            .annotate(lead_language=Subquery(language))
            .order_by("created_at", "id")
            .values_list(
                "pk",
                "organization_id",
                "lead_id",
                "lead__birth_date",
                "lead_language",
                "document_exposed_at",
            )
        )
        # 3. Is the sender a phone on file for one of them? (The web has no phone.)
        sender_digests = (
            lookup_digests(CONTACT_PURPOSE, requester)
            if requester_scope == Scope.SENDER
            else (NEVER_DIGEST,)
        )
        on_file = _phone_on_file(a_number, sender_digests)
        # 4. The A-number's locks; the requester's path decides which one applies.
        lock_key = keys[Scope.A_NUMBER_ON_FILE if on_file else Scope.A_NUMBER]
        locked = ratelimit.read(keys.values())[lock_key].locked(epoch)
        # 5. One decryption per case found, a dummy one when none was.
        # A case whose court documents were stolen or photographed (cases.exposure)
        # answers only a phone on file: for anyone else it is a miss like any other,
        # after the same decryption and comparison.
        matches = [
            row
            for row in candidates
            if _same_date(row[3], row[2], birth_date) and (on_file or row[5] is None)
        ]
        if not candidates:
            _same_date(_dummy_ciphertext(), NEVER, birth_date)
        # 6. The next hearing of the matching cases.
        hearing = (
            Hearing.objects.filter(
                case_id__in=[row[0] for row in matches] or [NEVER],
                status=HearingStatus.SCHEDULED,
                outcome="",
                scheduled_at__gt=now,
            )
            .select_related("docket__venue", "port", "case__port", "organization")
            .order_by("scheduled_at", "id")
            .first()
        )
        # 7. A failure counts against the A-number on the requester's path; a match, or
        # a requester refused for its own limit, adds 0 with the same statement.
        ratelimit.bump(
            scope=lock_key[0],
            digest=lock_key[1],
            now=epoch,
            window=settings.MPPDESK_SELFSERVICE_FAILURE_WINDOW_SECONDS,
            add=0 if matches or rate_limited else 1,
            lock_at=(
                settings.MPPDESK_SELFSERVICE_MAX_PHONE_FAILURES
                if on_file
                else settings.MPPDESK_SELFSERVICE_MAX_FAILURES
            ),
            lock_for=settings.MPPDESK_SELFSERVICE_LOCK_SECONDS,
        )
        if rate_limited:
            outcome = Outcome.RATE_LIMITED
        elif locked:
            outcome = Outcome.LOCKED
        elif not matches:
            outcome = Outcome.NO_MATCH
        elif hearing is None:
            outcome = Outcome.NO_HEARING
        else:
            outcome = Outcome.MATCHED
        # 8. The audit entry: the case (a random id) only when both factors matched.
        matched_case = next(
            (row for row in matches if hearing and row[0] == hearing.case_id), None
        ) or (matches[0] if matches else None)
        # An instance from the id already read: fetching the row would add a query
        # that only the matched paths make.
        organization = Organization(pk=matched_case[1]) if matched_case is not None else None
        fields = [f"outcome:{outcome}"]
        if on_file:
            # The organization sees that the answer went to a phone it has on file.
            fields.append("requester:phone_on_file")
        audit.record(
            actor=None,
            organization=organization,
            action=AuditAction.VIEW,
            object_type=AUDIT_OBJECT,
            object_id=matched_case[0] if matched_case is not None else "",
            fields=fields,
        )
        # /metrics: one counter increment whatever the outcome (no timing difference).
        signals.lookup_answered.send(sender=Outcome, outcome=outcome)
    if outcome == Outcome.RATE_LIMITED:
        retry_at = dt.datetime.fromtimestamp(count.window_start + REQUESTER_WINDOW, tz=dt.UTC)
        return LookupResult(outcome=outcome, retry_at=retry_at)
    if outcome != Outcome.MATCHED:
        return LookupResult(outcome=outcome)
    assert matched_case is not None  # noqa: S101 - matched implies a case
    return LookupResult(
        outcome=outcome,
        hearing=hearing,
        language=NOTICE_LANGUAGE_OF.get(matched_case[4] or "", ""),
    )


@functools.lru_cache(maxsize=8)
def _clock_of(port_code: str) -> tuple[str, str]:
    """``(time zone, city)`` of the port's Mexican side; UTC when no port has the code."""
    from mppdesk.places.models import Port

    port = Port.objects.filter(code=port_code).values_list("timezone", "mexican_city").first()
    return (str(port[0]), str(port[1])) if port else ("UTC", "UTC")


def refusal_clock() -> tuple[str, str]:
    """The clock refusals give times on (``MPPDESK_SELFSERVICE_PORT``)."""
    return _clock_of(str(settings.MPPDESK_SELFSERVICE_PORT or "el-paso").strip())


def reply_text(result: LookupResult, language: str, *, web: bool) -> str:
    """What to show or text back for a lookup that did not match: the generic "not
    found" (byte-identical for an unknown A-number, a wrong date of birth and no hearing
    ahead), "too many attempts from this phone/connection, try again after HH:MM", or
    "this number is temporarily protected"."""
    language = texts.supported(language)
    if result.outcome == Outcome.RATE_LIMITED and result.retry_at is not None:
        zone, city = refusal_clock()
        return texts.rate_limited_text(
            language=language, web=web, retry_at=result.retry_at, timezone=zone, city=city
        )
    if result.outcome == Outcome.LOCKED:
        return texts.PROTECTED[language]
    return texts.GENERIC[language]


def answer_for(hearing: Hearing, language: str) -> str:
    """The answer text for ``hearing`` in ``language`` (no name, no A-number)."""
    from mppdesk.hearings.notices import GENERIC_REPORT_PLACE

    language = texts.supported(language)
    venue = hearing.docket.venue
    port = hearing.port or hearing.case.port
    report_at = hearing.report_at
    if port is not None and report_at is None:
        from mppdesk.hearings.times import reporting_time

        report_at = reporting_time(hearing.docket, port)
    place = ""
    if port is not None:
        place = (
            hearing.report_place
            or port.report_place
            or GENERIC_REPORT_PLACE[language].format(port=port.name)
        )
    return texts.answer_text(
        language=language,
        hearing_at=hearing.scheduled_at,
        court_timezone=venue.timezone,
        court_name=venue.name,
        court_city=venue.city,
        report_at=report_at if port is not None else None,
        port_timezone=port.timezone if port is not None else "",
        port_city=port.mexican_city if port is not None else "",
        place=place,
    )


# --- The inbound text hook ---------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    channel: str  # Channel.SMS or Channel.WHATSAPP
    number: str  # E.164 when it parses, else the text as received


def read_sender(raw: str) -> Sender:
    """``whatsapp:+52...`` (Twilio's WhatsApp form) or a plain number."""
    text = (raw or "").strip()
    channel = Channel.SMS
    if text.lower().startswith("whatsapp:"):
        channel = Channel.WHATSAPP
        text = text.split(":", 1)[1].strip()
    try:
        number = normalize_phone(text)
    except PhoneError:
        number = text
    return Sender(channel=channel, number=number)


def _sender_contacts(number: str) -> list[ContactPoint]:
    language = (
        PersonLanguage.objects.filter(person_id=OuterRef("person_id"))
        .order_by("-preferred", "code")
        .values("code")[:1]
    )
    return list(
        ContactPoint.objects.filter(
            value_bidx__in=lookup_digests(CONTACT_PURPOSE, number),
            kind__in=(ContactPoint.Kind.PHONE, ContactPoint.Kind.WHATSAPP),
        )
        .annotate(person_language=Subquery(language))
        .select_related("person__organization")
        .order_by("created_at", "id")
    )


def _language_of(contacts: list[ContactPoint]) -> str:
    for contact in contacts:
        code = NOTICE_LANGUAGE_OF.get(getattr(contact, "person_language", "") or "")
        if code:
            return code
    return ""


def _record_reply(
    *,
    key: str,
    organization: Organization,
    person: Person | None,
    contact: ContactPoint | None,
    sender: Sender,
    template: str,
    language: str,
    body: str,
    hearing: Hearing | None = None,
) -> None:
    """The reply as an outbox row, sent already (it went back in the HTTP response)."""
    if Message.objects.filter(idempotency_key=key).exists():
        return  # Twilio retried the same inbound message: one reply row is enough
    now = timezone.now()
    message = Message(
        organization=organization,
        person=person,
        hearing=hearing,
        contact_point=contact,
        channel=sender.channel,
        recipient=sender.number,  # recipient_bidx follows on save
        template=template,
        language=language,
        body=body,
        status=MessageStatus.SENT,
        provider="twiml",
        idempotency_key=key,
        sent_at=now,
        status_at=now,
    )
    message.save()
    MessageEvent.objects.create(message=message, status=MessageStatus.SENT, at=now, detail="twiml")
    audit.record(
        actor=None,
        organization=organization,
        action=AuditAction.CREATE,
        object_type=ObjectType.MESSAGE,
        object_id=message.pk,
        fields=["recipient", "body", "template", "status"],
    )


def _cancel_pending(number: str) -> None:
    from mppdesk.messaging.services import cancel_pending_to

    cancel_pending_to(actor=None, recipient=number, reason="opt_out")


@dataclass(frozen=True)
class Reply:
    intent: str
    text: str


def _one_contact_per_person(contacts: list[ContactPoint], channel: str) -> list[ContactPoint]:
    """One contact point per person: the one of the channel the text came on, else the
    first. One confirmation went out (the TwiML reply), so each person's history records
    one, not one per contact point sharing the number (SMS and WhatsApp)."""
    kind = ContactPoint.Kind.WHATSAPP if channel == Channel.WHATSAPP else ContactPoint.Kind.PHONE
    chosen: dict[Any, ContactPoint] = {}
    for contact in contacts:
        current = chosen.get(contact.person_id)
        if current is None or (current.kind != kind and contact.kind == kind):
            chosen[contact.person_id] = contact
    return list(chosen.values())


def _replayed(sid: str) -> Reply:
    """The reply already given to the text with this provider id (a provider's retry)."""
    row = InboundMessage.objects.filter(provider_id=sid).first()
    if row is None or not row.reply:  # the first delivery's row vanished: answer help
        return Reply(intent=row.intent if row else str(Intent.OTHER), text=texts.HELP["es"])
    return Reply(intent=row.intent, text=row.reply)


def handle_inbound(*, sender: str, body: str, provider_id: str) -> Reply:
    """Act on one inbound text and return the reply (sent back as TwiML by the view).

    - STOP/ALTO/BAJA/PARAR: every phone and WhatsApp contact point with the sender's
      number is opted out and pending messages to it are cancelled; START/ALTA opts
      back in (consent stays as recorded). Confirmed in the person's language.
    - CITA/AUDIENCIA/HEARING/AUDIÊNCIA/ODYANS/AUDIENCE + A-number + date of birth:
      ``lookup_hearing``; the answer in the person's language; a miss, or a refusal
      (too many attempts from this phone, a protected number), in the keyword's language.
    - AYUDA/HELP (and AJUDA, AIDE, ÈD): help in the keyword's language; anything else:
      help in the person's language (Spanish when unknown).

    The text is recorded as an ``InboundMessage`` first, under its provider id (unique):
    a retry of the same text — after the first was answered, or while it is still being
    answered — finds the row, waits for it if need be, and gets the stored reply without
    acting again (no second opt-out, lookup or failure count). A reply that concerns a
    known person (opt-out/in confirmations, a matched answer) is also kept as a sent
    ``Message`` of their organization. Generic, refusal and help replies belong to no
    organization and are not copied to the outbox (the inbound row records the exchange).
    """
    who = read_sender(sender)
    inbound = read_text(body)
    sid = (provider_id or "").strip()[:64] or uuid.uuid4().hex
    with transaction.atomic():
        try:
            # The claim: a concurrent delivery of the same text blocks here until this
            # transaction ends, then fails on the unique provider id.
            with transaction.atomic():
                record = InboundMessage.objects.create(
                    channel=who.channel,
                    sender=who.number,
                    body=body or "",
                    provider_id=sid,
                    intent=str(inbound.intent),
                )
        except IntegrityError:
            return _replayed(sid)
        contacts = _sender_contacts(who.number)
        person_language = _language_of(contacts)
        intent = inbound.intent
        replies: list[dict[str, Any]] = []
        if intent == Intent.LOOKUP:
            query = parse_query(inbound.rest)
            if query is None:
                text = texts.pick(texts.USAGE, inbound.language)
            else:
                result = lookup_hearing(
                    a_number=query.a_number,
                    birth_date=query.birth_date,
                    requester_scope=Scope.SENDER,
                    requester=who.number,
                )
                if result.matched and result.hearing is not None:
                    language = result.language or inbound.language or "es"
                    text = answer_for(result.hearing, language)
                    replies.append(
                        {
                            "key": f"twiml:{sid}",
                            "organization": result.hearing.organization,
                            "person": result.hearing.case.lead,
                            "contact": None,
                            "template": TemplateKind.SELF_SERVICE_ANSWER,
                            "language": texts.supported(language),
                            "hearing": result.hearing,
                        }
                    )
                else:
                    text = reply_text(result, inbound.language, web=False)
        elif intent in (Intent.OPT_OUT, Intent.OPT_IN):
            opting_out = intent == Intent.OPT_OUT
            for contact in contacts:
                set_contact_preferences(actor=None, contact=contact, opted_out=opting_out)
            if opting_out:
                _cancel_pending(who.number)
            language = person_language or "es"
            text = texts.pick(texts.OPTED_OUT if opting_out else texts.OPTED_IN, language)
            for contact in _one_contact_per_person(contacts, who.channel):
                replies.append(
                    {
                        "key": f"twiml:{sid}:{contact.pk}",
                        "organization": contact.person.organization,
                        "person": contact.person,
                        "contact": contact,
                        "template": TemplateKind.OPT_OUT_CONFIRMATION,
                        "language": texts.supported(language),
                        "hearing": None,
                    }
                )
        elif intent == Intent.HELP:
            text = texts.pick(texts.HELP, inbound.language)
        else:
            text = texts.pick(texts.HELP, person_language or "es")
        record.reply = text
        record.save(update_fields=["reply", "updated_at"])
        for reply in replies:
            _record_reply(sender=who, body=text, **reply)
    return Reply(intent=str(intent), text=text)


# --- A case worker's unlock ------------------------------------------------------------


def unlock_lookups(*, actor: User | None, case: Case) -> int:
    """Clear the self-service locks and failure counts of ``case``'s A-number, on both
    paths (web and phones on file), for every case holding it; returns how many
    counters held something. Needs ``person.write`` in the case's organization (a case
    shared by referral is read-only there); ``actor=None`` is the system.

    The person asked their organization for help ("this number is temporarily
    protected"): the organization knows them. Audited on the case, without values.
    """
    if actor is not None and not can(actor, Action.PERSON_WRITE, case.organization_id):
        raise PermissionDenied
    with transaction.atomic():
        cleared = ratelimit.reset(ratelimit.anumber_keys(case.a_number).values())
        audit.record(
            actor=actor,
            organization=Organization(pk=case.organization_id),
            action=AuditAction.UPDATE,
            object_type=ObjectType.CASE,
            object_id=case.pk,
            fields=["selfservice_lock"],
        )
    return cleared
