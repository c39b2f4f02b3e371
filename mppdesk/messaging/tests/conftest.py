"""Fixtures of the messaging tests: the fake Twilio server, a clock that never sleeps,
and a helper that puts a message in the outbox."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.utils import timezone

from mppdesk.messaging.dispatch import Clock
from mppdesk.messaging.models import Message
from mppdesk.testing.fake_twilio import FakeTwilio

SMS = "mppdesk.messaging.providers.twilio_sms.TwilioSmsProvider"
WHATSAPP = "mppdesk.messaging.providers.twilio_whatsapp.TwilioWhatsAppProvider"
VOICE = "mppdesk.messaging.providers.twilio_voice.TwilioVoiceProvider"
CONSOLE = "mppdesk.messaging.providers.console.ConsoleProvider"

_numbers = itertools.count(1)


@dataclass
class FakeClock(Clock):
    """Starts now; ``sleep`` advances it instead of waiting; jitter takes the maximum."""

    t: dt.datetime = field(default_factory=timezone.now)
    slept: list[float] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.now = lambda: self.t
        self.sleep = self._sleep
        self.uniform = lambda low, high: high

    def _sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += dt.timedelta(seconds=seconds)

    def advance(self, seconds: float) -> None:
        self.t += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(autouse=True)
def _messaging_settings(settings: Any) -> None:
    settings.MESSAGING_RATE_LIMITS = {}
    settings.MESSAGING_RETRY_BASE_SECONDS = 30
    settings.MESSAGING_RETRY_CAP_SECONDS = 3600
    settings.MESSAGING_MAX_ATTEMPTS = 4
    settings.MESSAGING_LEASE_SECONDS = 120
    settings.MESSAGING_DISPATCH_THREADS = 1
    settings.PUBLIC_BASE_URL = "http://testserver"


@pytest.fixture
def fake_twilio(settings: Any) -> Iterator[FakeTwilio]:
    """The fake server, with Django pointed at it and Twilio SMS/WhatsApp/voice selected."""
    with FakeTwilio(timeout_sleep=1.5) as fake:
        settings.TWILIO_ACCOUNT_SID = fake.account_sid
        settings.TWILIO_AUTH_TOKEN = fake.auth_token
        settings.TWILIO_API_BASE = fake.base_url
        # Room for a slow answer on a loaded machine. Tests of the timeout fault and of
        # the send deadline set their own (the deadline is two client timeouts).
        settings.TWILIO_TIMEOUT_SECONDS = 10
        settings.TWILIO_SMS_FROM = "+15005550006"
        settings.TWILIO_WHATSAPP_FROM = "+15005550007"
        settings.TWILIO_VOICE_FROM = "+15005550008"
        settings.MESSAGING_PROVIDERS = {
            "sms": SMS,
            "whatsapp": WHATSAPP,
            "voice": VOICE,
            "email": CONSOLE,
        }
        yield fake


def new_number() -> str:
    return f"+52656{2000000 + next(_numbers):07d}"


@pytest.fixture
def outbox(personas: Any) -> Any:
    """``outbox(**overrides) -> Message``: one message enqueued by the system."""
    from mppdesk.messaging.services import enqueue_message

    def make(**overrides: Any) -> Message:
        n = next(_numbers)
        values: dict[str, Any] = {
            "actor": None,
            "organization": personas.org,
            "channel": "sms",
            "recipient": new_number(),
            "template": "reminder",
            "language": "es",
            "body": f"Recordatorio {n}: audiencia el 3 de marzo a las 8:00.",
            "idempotency_key": f"test:{n}",
        }
        values.update(overrides)
        return enqueue_message(**values)

    return make
