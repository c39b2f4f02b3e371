"""What the Twilio providers share: a client per thread, error mapping, settings checks.

``TWILIO_API_BASE`` points the real ``twilio`` client at another host (the fake server
of the tests and the benchmark): a small ``TwilioHttpClient`` subclass rewrites
``https://api.twilio.com`` to it. The client's own request logging (which would print
query parameters such as the recipient) goes to a logger kept at WARNING.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import threading
from typing import Any, ClassVar

import requests
from django.conf import settings
from django.core import checks
from django.urls import reverse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from mppdesk.messaging.providers.base import Provider, TransportError, check_send_deadline

TWILIO_HOST = "https://api.twilio.com"
#: Twilio error codes that will not get better by trying again.
PERMANENT_CODES = frozenset(
    {
        "21211",  # invalid 'To' number
        "21214",  # 'To' cannot be reached
        "21408",  # permission to send to this region not enabled
        "21610",  # the recipient unsubscribed (STOP)
        "21612",  # cannot route to this number
        "21614",  # not a mobile number
        "21617",  # body too long
        "63003",  # WhatsApp: channel could not find the recipient
        "63016",  # WhatsApp: free text outside the 24-hour window
    }
)
#: How far back ``find_sent`` looks before the first attempt (clock skew).
FIND_MARGIN = dt.timedelta(minutes=5)

#: Environment variables through which ``requests`` changes how it connects.
_REQUESTS_ENV = (
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
    "REQUESTS_CA_BUNDLE",
    "CURL_CA_BUNDLE",
    "NETRC",
)

_quiet = logging.getLogger("mppdesk.messaging.twilio_http")
_quiet.setLevel(logging.WARNING)
_local = threading.local()


class _RebasedHttpClient(TwilioHttpClient):
    """Sends what the client addresses to api.twilio.com to ``base`` instead."""

    def __init__(self, base: str, timeout: float) -> None:
        super().__init__(pool_connections=True, timeout=timeout, logger=_quiet)
        self.base = base.rstrip("/")
        if self.session is not None and not _requests_env_set():
            # With no proxy or CA bundle in the environment, requests would still scan
            # os.environ on every request (0.2 ms of the ~2 ms a message costs).
            self.session.trust_env = False

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
        if self.base and url.startswith(TWILIO_HOST):
            url = self.base + url[len(TWILIO_HOST) :]
        # The last moment before the request leaves: past the deadline another worker
        # may hold the message, so nothing goes out (see providers/base.py).
        check_send_deadline()
        response = super().request(method, url, *args, **kwargs)
        _local.retry_after = response.headers.get("Retry-After") if response.headers else None
        return response


def _requests_env_set() -> bool:
    names = {name.upper() for name in os.environ}
    return any(name in names for name in _REQUESTS_ENV)


def client() -> Client:
    """A ``twilio`` client for this thread (a client's session is not shared by threads)."""
    key = (
        settings.TWILIO_ACCOUNT_SID,
        settings.TWILIO_AUTH_TOKEN,
        settings.TWILIO_API_BASE,
        settings.TWILIO_TIMEOUT_SECONDS,
    )
    cached = getattr(_local, "client", None)
    if cached is None or cached[0] != key:
        http = _RebasedHttpClient(str(settings.TWILIO_API_BASE or ""), float(key[3]))
        cached = (key, Client(key[0], key[1], http_client=http))
        _local.client = cached
    return cached[1]


def status_callback_url() -> str | None:
    base = str(settings.PUBLIC_BASE_URL or "").rstrip("/")
    return base + reverse("twilio_status") if base else None


def _retry_after() -> float | None:
    raw = getattr(_local, "retry_after", None)
    try:
        return float(raw) if raw is not None else None
    except ValueError:
        return None


def translate(exc: BaseException) -> TransportError:
    """A twilio or HTTP exception as a ``TransportError`` (permanent or not)."""
    if isinstance(exc, TransportError):
        return exc  # ours, e.g. LeaseExpired from the HTTP client
    if isinstance(exc, TwilioRestException):
        code = str(exc.code or "")
        if exc.status == 429:
            return TransportError(code or "http_429", retry_after=_retry_after())
        if code in PERMANENT_CODES:
            return TransportError(code, permanent=True)
        if exc.status in (401, 403):
            # A configuration problem, not the message's: keep it for later.
            return TransportError(f"http_{exc.status}")
        if 400 <= exc.status < 500:
            return TransportError(code or f"http_{exc.status}", permanent=True)
        return TransportError(code or f"http_{exc.status}")
    if isinstance(exc, requests.Timeout):
        return TransportError("timeout")
    if isinstance(exc, requests.ConnectionError):
        return TransportError("connection")
    if isinstance(exc, TwilioException | requests.RequestException):
        return TransportError("twilio")
    return TransportError("error")


def from_utc(since: dt.datetime) -> dt.datetime:
    return (since - FIND_MARGIN).astimezone(dt.UTC)


class TwilioProvider(Provider):
    """Shared by SMS, WhatsApp and voice; subclasses name their ``From`` setting."""

    from_setting: ClassVar[str] = "TWILIO_SMS_FROM"
    check_prefix: ClassVar[str] = "mppdesk.messaging.E00"

    @classmethod
    def from_number(cls) -> str:
        return str(getattr(settings, cls.from_setting, "") or "")

    @classmethod
    def warm(cls) -> None:
        # The first reverse() imports the whole URLconf (every view module); the
        # client's resources are imported on first access. Measured: 21 s at load 14.
        reverse("twilio_status")
        twilio = client()
        twilio.messages  # noqa: B018 - imports twilio.rest.api.v2010...message
        twilio.calls  # noqa: B018

    def _send_message(self, params: dict[str, Any]) -> str:
        callback = status_callback_url()
        if callback:
            params["status_callback"] = callback
        try:
            created = client().messages.create(**params)
        except Exception as exc:  # noqa: BLE001 - mapped to permanent/transient
            raise translate(exc) from exc
        return str(created.sid)

    def _find_message(
        self, to: str, from_: str, body: str, since: dt.datetime, exclude: frozenset[str]
    ) -> str | None:
        try:
            found = client().messages.list(
                to=to, from_=from_, date_sent_after=from_utc(since), limit=200
            )
        except Exception as exc:  # noqa: BLE001
            raise translate(exc) from exc
        for item in found:
            text = str(item.body or "")
            if item.sid not in exclude and (text == body or (body and body in text)):
                return str(item.sid)
        return None

    @classmethod
    def check_settings(cls) -> list[Any]:
        errors: list[Any] = []
        if not settings.TWILIO_ACCOUNT_SID or not settings.TWILIO_AUTH_TOKEN:
            errors.append(
                checks.Error(
                    f"{cls.__name__} is selected but TWILIO_ACCOUNT_SID or "
                    "TWILIO_AUTH_TOKEN is not set.",
                    hint="Set both in the environment (TWILIO_AUTH_TOKEN_FILE for a file).",
                    id="mppdesk.messaging.E001",
                )
            )
        if not cls.from_number():
            errors.append(
                checks.Error(
                    f"{cls.__name__} is selected but {cls.from_setting} is not set.",
                    hint="The Twilio number (E.164) or sender the messages come from.",
                    id="mppdesk.messaging.E002",
                )
            )
        return errors
