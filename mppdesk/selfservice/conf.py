"""Settings of self-service, read from the environment when used.

A Django setting of the same name, if present, wins over the environment (tests, or a
later move into ``settings.py``):

- ``MPPDESK_SELFSERVICE_MIN_RESPONSE_MS`` (default 250): every inbound text and every
  lookup form takes at least this long, so that the answer's timing does not tell a
  match from a miss. Set it above the slowest lookup this machine makes.
- ``MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR`` (default 10): lookups one phone number (SMS,
  WhatsApp) or one client address (the web page) may make per hour; past it, every
  answer is the generic one.
- ``MPPDESK_SELFSERVICE_MAX_FAILURES`` (default 5): failed lookups of one A-number within
  ``MPPDESK_SELFSERVICE_FAILURE_WINDOW_SECONDS`` (default 86400) that lock it for
  ``MPPDESK_SELFSERVICE_LOCK_SECONDS`` (default 86400): even the right date of birth
  then gets "this number is temporarily protected" — unless the text comes from a phone
  on file for one of the A-number's cases.
- ``MPPDESK_SELFSERVICE_MAX_PHONE_FAILURES`` (default 10): failed lookups of one A-number
  from phones on file for its cases, within the same window, that lock that path too
  (for as long). Only someone who texts from such a phone moves this counter.
- ``MPPDESK_SELFSERVICE_PORT`` (default ``el-paso``): the port of entry whose Mexican
  city's clock a refusal's "try again after HH:MM" is written on (the city the service
  answers for; ``places.Port.code``). An unknown code falls back to UTC.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mppdesk.lib.env import env_int, env_str


def _int(name: str, default: int, minimum: int = 0) -> int:
    value = getattr(settings, name, None)
    number = env_int(name, default) if value is None else int(value)
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def min_response_seconds() -> float:
    return _int("MPPDESK_SELFSERVICE_MIN_RESPONSE_MS", 250) / 1000


def lookups_per_hour() -> int:
    return _int("MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR", 10, minimum=1)


def max_failures() -> int:
    return _int("MPPDESK_SELFSERVICE_MAX_FAILURES", 5, minimum=1)


def failure_window_seconds() -> int:
    return _int("MPPDESK_SELFSERVICE_FAILURE_WINDOW_SECONDS", 86400, minimum=1)


def lock_seconds() -> int:
    return _int("MPPDESK_SELFSERVICE_LOCK_SECONDS", 86400, minimum=1)


def max_phone_failures() -> int:
    return _int("MPPDESK_SELFSERVICE_MAX_PHONE_FAILURES", 10, minimum=1)


DEFAULT_PORT = "el-paso"


def clock_port() -> str:
    """The code of the port whose city's clock refusals give times on."""
    value = getattr(settings, "MPPDESK_SELFSERVICE_PORT", None)
    if value is None:
        value = env_str("MPPDESK_SELFSERVICE_PORT", DEFAULT_PORT)
    return str(value or DEFAULT_PORT).strip()
