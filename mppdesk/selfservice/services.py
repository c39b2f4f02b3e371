"""Self-service: the two-factor hearing lookup and the inbound text hook's actions.

``lookup_hearing`` answers "when is my next hearing" to an A-number together with a
date of birth, for anyone, without signing in. Against harvesting (docs/selfservice.md)
every call does the same work whatever the outcome:

1. bump the requester's counter (sender number or client IP network) — one upsert;
2. read the A-number's lock — one select;
3. read every case with that A-number (blind index, all organizations) with the lead's
   encrypted date of birth and language — one select;
4. decrypt one date of birth per case found, or a dummy one when none was found, and
   compare it in constant time;
5. read the next hearing of the matching cases (a never-matching id when none) — one
   select;
6. count a failure against the A-number (adding 0 on a match) — one upsert;
7. write the audit entry (outcome code, no personal data).

Only then is the outcome decided; a refused lookup (rate limit, lock) has done the
same work as a granted one. The caller pads the whole response to a fixed duration
(``timing.padded``) and shows one generic text for every outcome but ``matched``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from mppdesk.accounts.models import Organization
from mppdesk.audit import services as audit
from mppdesk.cases.models import A_NUMBER_PURPOSE, Case
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
from mppdesk.selfservice import conf, ratelimit, texts
from mppdesk.selfservice.models import Scope
from mppdesk.selfservice.parsing import Intent, parse_query, read_text


class Outcome:
    MATCHED = "matched"  # both factors right, a hearing ahead: the answer is shown
    NO_HEARING = "no_hearing"  # both factors right, nothing scheduled ahead
    NO_MATCH = "no_match"  # unknown A-number or wrong date of birth
    LOCKED = "locked"  # the A-number failed too often lately
    RATE_LIMITED = "rate_limited"  # the sender or address asked too often


OUTCOMES = (
    Outcome.MATCHED,
    Outcome.NO_HEARING,
    Outcome.NO_MATCH,
    Outcome.LOCKED,
    Outcome.RATE_LIMITED,
)
AUDIT_OBJECT = "selfservice_lookup"
# A primary key no row has: queries that found nothing still run, with this id.
NEVER = uuid.UUID(int=0)


@dataclass(frozen=True)
class LookupResult:
    outcome: str
    hearing: Hearing | None = None
    # The lead respondent's notice language (es/en/pt/ht/fr) when matched, else "".
    language: str = ""

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

    The audit entry's channel is the request context's (``web``, ``sms``, ``whatsapp``).
    """
    now = now or timezone.now()
    epoch = _epoch(now)
    a_key = ratelimit.counter_digest(Scope.A_NUMBER, a_number)
    with transaction.atomic():
        # 1. The requester's rate limit.
        count = ratelimit.bump(
            scope=requester_scope,
            digest=ratelimit.counter_digest(requester_scope, requester),
            now=epoch,
            window=3600,
        )
        rate_limited = count.hits > conf.lookups_per_hour()
        # 2. The A-number's lock.
        locked = ratelimit.locked_until(scope=Scope.A_NUMBER, digest=a_key) > epoch
        # 3. Every case with this A-number, in any organization (public lookup by design).
        language = (
            PersonLanguage.objects.filter(person_id=OuterRef("lead_id"))
            .order_by("-preferred", "code")
            .values("code")[:1]
        )
        candidates = list(
            Case.objects.filter(a_number_bidx__in=lookup_digests(A_NUMBER_PURPOSE, a_number))
            .annotate(lead_language=Subquery(language))
            .order_by("created_at", "id")
            .values_list("pk", "organization_id", "lead_id", "lead__birth_date", "lead_language")
        )
        # 4. One decryption per case found, a dummy one when none was.
        matches = [row for row in candidates if _same_date(row[3], row[2], birth_date)]
        if not candidates:
            _same_date(_dummy_ciphertext(), NEVER, birth_date)
        # 5. The next hearing of the matching cases.
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
        # 6. A failure counts against the A-number (a match adds 0: same statement).
        ratelimit.bump(
            scope=Scope.A_NUMBER,
            digest=a_key,
            now=epoch,
            window=conf.failure_window_seconds(),
            add=0 if matches else 1,
            lock_at=conf.max_failures(),
            lock_for=conf.lock_seconds(),
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
        # 7. The audit entry: the case (a random id) only when both factors matched.
        matched_case = next(
            (row for row in matches if hearing and row[0] == hearing.case_id), None
        ) or (matches[0] if matches else None)
        # An instance from the id already read: fetching the row would add a query
        # that only the matched paths make.
        organization = Organization(pk=matched_case[1]) if matched_case is not None else None
        audit.record(
            actor=None,
            organization=organization,
            action="view",
            object_type=AUDIT_OBJECT,
            object_id=matched_case[0] if matched_case is not None else "",
            fields=[f"outcome:{outcome}"],
        )
    if outcome != Outcome.MATCHED:
        return LookupResult(outcome=outcome)
    assert matched_case is not None  # noqa: S101 - matched implies a case
    return LookupResult(
        outcome=outcome,
        hearing=hearing,
        language=NOTICE_LANGUAGE_OF.get(matched_case[4] or "", ""),
    )


def answer_for(hearing: Hearing, language: str) -> str:
    """The answer text for ``hearing`` in ``language`` (no name, no A-number)."""
    from mppdesk.hearings.notices import GENERIC_REPORT_PLACE

    language = texts.supported(language)
    venue = hearing.docket.venue
    port = hearing.port or hearing.case.port
    report_at = hearing.report_at
    if port is not None and report_at is None:
        from mppdesk.hearings.services import reporting_time

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
        action="create",
        object_type="message",
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


def handle_inbound(*, sender: str, body: str, provider_id: str) -> Reply:
    """Act on one inbound text and return the reply (sent back as TwiML by the view).

    - STOP/ALTO/BAJA/PARAR: every phone and WhatsApp contact point with the sender's
      number is opted out and pending messages to it are cancelled; START/ALTA opts
      back in (consent stays as recorded). Confirmed in the person's language.
    - CITA/AUDIENCIA/HEARING/AUDIÊNCIA/ODYANS/AUDIENCE + A-number + date of birth:
      ``lookup_hearing``; the answer in the person's language, any refusal or miss as
      the one generic text in the keyword's language.
    - AYUDA/HELP (and AJUDA, AIDE, ÈD): help in the keyword's language; anything else:
      help in the person's language (Spanish when unknown).

    The text is recorded as an ``InboundMessage``; a reply that concerns a known person
    (opt-out/in confirmations, a matched answer) as a sent ``Message`` of their
    organization. Generic and help replies belong to no organization and are not
    copied to the outbox (the inbound row records the exchange).
    """
    who = read_sender(sender)
    inbound = read_text(body)
    sid = (provider_id or "").strip()[:64] or uuid.uuid4().hex
    with transaction.atomic():
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
                    text = texts.pick(texts.GENERIC, inbound.language)
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
        InboundMessage.objects.create(
            channel=who.channel,
            sender=who.number,
            body=body or "",
            provider_id=sid,
            intent=str(intent),
        )
        for reply in replies:
            _record_reply(sender=who, body=text, **reply)
    return Reply(intent=str(intent), text=text)
