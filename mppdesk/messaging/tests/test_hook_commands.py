"""``mppdesk twilio text`` and ``mppdesk twilio status`` against a live test server:
signed like Twilio, they reach the hooks; a forged receipt gets 403."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from mppdesk.messaging import dispatch
from mppdesk.messaging.hook_commands import twilio_group, twiml_replies
from mppdesk.messaging.models import Message, MessageStatus
from mppdesk.people.models import ContactPoint
from mppdesk.selfservice import texts
from mppdesk.selfservice.tests.conftest import BIRTH, make_case, schedule
from mppdesk.testing.factories import ContactPointFactory

LIVE = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PHONE = "+526561239876"


@pytest.fixture
def live(live_server: Any, settings: Any) -> str:
    settings.PUBLIC_BASE_URL = live_server.url
    settings.TWILIO_AUTH_TOKEN = "dev-token-for-tests"
    settings.MPPDESK_SELFSERVICE_MIN_RESPONSE_MS = 0
    return str(live_server.url)


def twilio(*args: str) -> Any:
    return CliRunner().invoke(twilio_group, list(args), catch_exceptions=False)


def test_twiml_replies_reads_every_message() -> None:
    body = "<?xml version='1.0'?><Response><Message>Hola &amp; adiós</Message></Response>"
    assert twiml_replies(body) == ["Hola & adiós"]
    assert twiml_replies("not xml") == []


@LIVE
def test_text_answers_the_hearing_query_and_stop_opts_out(live: str, personas: Any) -> None:
    case = make_case(personas.org, a_number="012345678", birth=BIRTH)
    schedule(case, personas.coordinator)
    ContactPointFactory(person=case.lead, value=PHONE)

    result = twilio("text", "--from", PHONE, "--url", live, "CITA A012345678 31/12/1990")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("HTTP 200")
    answer = result.output.split("\n", 1)[1].strip()
    assert answer and answer != texts.GENERIC["es"]

    wrong = twilio("text", "--from", PHONE, "--url", live, "CITA A012345678 01/01/1991")
    unknown = twilio("text", "--from", PHONE, "--url", live, "CITA A099999999 31/12/1990")
    assert wrong.output == unknown.output
    assert texts.GENERIC["es"] in wrong.output

    stop = twilio("text", "--from", PHONE, "--url", live, "STOP")
    assert stop.exit_code == 0, stop.output
    contact = ContactPoint.objects.get(person=case.lead)
    assert contact.opted_out_at is not None


@LIVE
def test_status_signed_is_applied_and_forged_gets_403(live: str, outbox: Any, clock: Any) -> None:
    message = outbox()
    dispatch.dispatch_once("w1", clock=clock)  # the console provider "sends" it
    sent = Message.objects.get(pk=message.pk)
    assert sent.status == MessageStatus.SENT and sent.provider_id

    forged = twilio("status", "--sid", sent.provider_id, "--forge", "--url", live)
    assert forged.exit_code == 0, forged.output
    assert forged.output.startswith(f"HTTP 403 for {sent.provider_id}")
    assert Message.objects.get(pk=message.pk).status == MessageStatus.SENT

    signed = twilio("status", "--latest", "--status", "delivered", "--url", live)
    assert signed.exit_code == 0, signed.output
    assert signed.output.startswith(f"HTTP 204 for {sent.provider_id}")
    assert f"is now {MessageStatus.DELIVERED}" in signed.output
    assert Message.objects.get(pk=message.pk).status == MessageStatus.DELIVERED


@pytest.mark.django_db
def test_status_needs_sid_or_latest() -> None:
    result = CliRunner().invoke(twilio_group, ["status"])
    assert result.exit_code == 2
    assert "--sid or --latest" in result.output


def test_unreachable_server_is_a_user_error(settings: Any) -> None:
    settings.TWILIO_AUTH_TOKEN = "x"
    result = CliRunner().invoke(
        twilio_group, ["text", "--from", PHONE, "--url", "http://127.0.0.1:9", "HOLA"]
    )
    assert result.exit_code == 2
    assert "cannot reach" in result.output
    assert timezone.now()  # no exception escaped
