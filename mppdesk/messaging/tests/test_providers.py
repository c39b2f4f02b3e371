"""Each provider against the fake Twilio server with the real twilio client (or Django's
test mail outbox), and the console provider's log."""

from __future__ import annotations

import json
import logging
import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from mppdesk.messaging import dispatch
from mppdesk.messaging.models import Channel, InboundMessage, Message, MessageStatus
from mppdesk.messaging.providers import TransportError, provider_for
from mppdesk.messaging.providers.smtp_email import SmtpEmailProvider
from mppdesk.messaging.providers.twilio_voice import twiml
from mppdesk.messaging.services import recipient_index

pytestmark = pytest.mark.django_db


def inbound_from(number: str, *, hours_ago: float) -> None:
    item = InboundMessage.objects.create(
        channel=Channel.WHATSAPP,
        sender=number,
        sender_bidx=recipient_index(number),
        body="hola",
    )
    InboundMessage.objects.filter(pk=item.pk).update(
        created_at=timezone.now() - timedelta(hours=hours_ago)
    )


def test_whatsapp_inside_the_window_sends_free_text(outbox, fake_twilio, clock):
    inbound_from("+526561234444", hours_ago=2)
    message = outbox(channel="whatsapp", recipient="+526561234444", body="Hola, su cita")
    dispatch.dispatch_once("w1", clock=clock)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT
    [accepted] = fake_twilio.messages()
    assert accepted.to == "whatsapp:+526561234444"
    assert accepted.from_ == "whatsapp:+15005550007"
    assert accepted.params["Body"] == "Hola, su cita"
    assert "ContentSid" not in accepted.params


def test_whatsapp_outside_the_window_sends_the_approved_template(
    settings, outbox, fake_twilio, clock
):
    settings.TWILIO_WHATSAPP_CONTENT_TEMPLATES = {"reminder:es": "HX" + "1" * 32}
    inbound_from("+526561235555", hours_ago=30)  # too old: outside the window
    outbox(channel="whatsapp", recipient="+526561235555", body="Recordatorio: lunes 8:00")
    dispatch.dispatch_once("w1", clock=clock)
    [accepted] = fake_twilio.messages()
    assert accepted.params["ContentSid"] == "HX" + "1" * 32
    assert json.loads(accepted.params["ContentVariables"]) == {"1": "Recordatorio: lunes 8:00"}
    assert "Body" not in accepted.params


def test_whatsapp_outside_the_window_without_a_template_fails(outbox, fake_twilio, clock):
    message = outbox(channel="whatsapp", template="manual")
    dispatch.dispatch_once("w1", clock=clock)
    failed = Message.objects.get(pk=message.pk)
    assert (failed.status, failed.error_code) == (MessageStatus.FAILED, "no_template")
    assert fake_twilio.messages() == []


def test_voice_reads_the_message_in_the_persons_language(outbox, fake_twilio, clock):
    message = outbox(channel="voice", recipient="+526561236666", body="Su audiencia es el lunes")
    dispatch.dispatch_once("w1", clock=clock)
    sent = Message.objects.get(pk=message.pk)
    assert sent.status == MessageStatus.SENT and sent.provider_id.startswith("CA")
    [call] = fake_twilio.messages()
    assert call.kind == "call" and call.to == "+526561236666"
    assert '<Say language="es-MX">Su audiencia es el lunes</Say>' in call.twiml


def test_voice_languages_and_creole_spoken_in_french():
    assert '<Say language="pt-BR">' in twiml("Olá", "pt")
    assert '<Say language="en-US">' in twiml("Hi", "en")
    assert '<Say language="fr-FR">' in twiml("Bonjou", "ht")


def test_voice_crash_is_reconciled_by_the_call_list(outbox, fake_twilio, clock):
    message = outbox(channel="voice")
    _, rows = dispatch.claim("doomed", 1, clock.now())
    provider_for("voice").send(rows[0], {})
    clock.advance(121)
    dispatch.dispatch_once("rescuer", clock=clock)
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT
    assert len(fake_twilio.messages()) == 1


def test_wrong_credentials_are_transient(settings, outbox, fake_twilio, clock):
    settings.TWILIO_AUTH_TOKEN = "wrong"
    message = outbox()
    dispatch.dispatch_once("w1", clock=clock)
    waiting = Message.objects.get(pk=message.pk)
    assert (waiting.status, waiting.error_code) == (MessageStatus.QUEUED, "http_401")


def test_smtp_email_uses_django_mail(settings):
    settings.DEFAULT_FROM_EMAIL = "avisos@example.org"
    message = Message(
        channel="email",
        recipient="persona@example.org",
        template="reminder",
        language="es",
        body="Su audiencia es el lunes",
    )
    sid = SmtpEmailProvider().send(message, {})
    [sent] = mail.outbox
    assert sent.to == ["persona@example.org"] and sent.body == "Su audiencia es el lunes"
    assert sent.extra_headers["Message-ID"] == sid


def test_smtp_refused_recipient_is_permanent(monkeypatch):
    def refuse(self, fail_silently=False):  # type: ignore[no-untyped-def]
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    message = Message(
        channel="email", recipient="x@example.org", template="manual", language="en", body="b"
    )
    with pytest.raises(TransportError) as caught:
        SmtpEmailProvider().send(message, {})
    assert caught.value.permanent and caught.value.code == "invalid_address"


def test_console_log_has_ids_and_status_never_body_recipient_or_name(outbox, clock, caplog):
    message = outbox(
        recipient="+526561237777",
        body="Rosa Elvira Quiñónez: su cita es el lunes, llame al +52 656 123 4567",
    )
    with caplog.at_level(logging.DEBUG, logger="mppdesk.messaging"):
        dispatch.dispatch_once("w1", clock=clock)
    records = [r for r in caplog.records if r.name == "mppdesk.messaging.console"]
    assert records, "the console provider logs each message it takes"
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert str(message.pk) in text and "status=sent" in text
    for personal in ("+526561237777", "6561237777", "656 123 4567", "Rosa", "Quiñónez", "lunes"):
        assert personal not in text, personal
    # The whole line: ids and the status, nothing else.
    message.refresh_from_db()
    assert [r.getMessage() for r in records] == [
        f"message {message.pk} status=sent console_id={message.provider_id}"
    ]
