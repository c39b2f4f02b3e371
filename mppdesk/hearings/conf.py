"""Settings of the hearings app, read from the environment when used.

A Django setting of the same name, if present, wins over the environment (tests, or a
later move into ``settings.py``):

- ``MPPDESK_REPORT_LEAD_MINUTES`` (default 240): how long before a morning hearing people
  report at the port. El Paso reporting times were about 03:45-04:30 for morning
  hearings (``places/reference/program_rules.md``): four hours before an 08:00 session.
- ``MPPDESK_REPORT_LEAD_PM_MINUTES`` (default: the morning value): the same for
  afternoon sessions.
- ``MPPDESK_NO_CONTACT_DAYS`` (default 14): the window of the "no confirmed contact" list.

A port's own ``report_lead_minutes`` (set by coordinators) wins over both.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mppdesk.lib.env import env_int

DEFAULT_REPORT_LEAD_MINUTES = 240
DEFAULT_NO_CONTACT_DAYS = 14
#: INA 240(b)(5)(C)(i): a motion to reopen for exceptional circumstances within 180 days.
EXCEPTIONAL_CIRCUMSTANCES_DAYS = 180


def _minutes(name: str, default: int) -> int:
    value = getattr(settings, name, None)
    minutes = env_int(name, default) if value is None else int(value)
    if not 0 <= minutes <= 24 * 60:
        raise ImproperlyConfigured(f"{name} must be between 0 and 1440 minutes, got {minutes}")
    return minutes


def report_lead_minutes(session: str) -> int:
    """Minutes between reporting at the port and the start of a session (``am``/``pm``)."""
    morning = _minutes("MPPDESK_REPORT_LEAD_MINUTES", DEFAULT_REPORT_LEAD_MINUTES)
    if session == "pm":
        return _minutes("MPPDESK_REPORT_LEAD_PM_MINUTES", morning)
    return morning


def no_contact_days() -> int:
    value = getattr(settings, "MPPDESK_NO_CONTACT_DAYS", None)
    days = (
        env_int("MPPDESK_NO_CONTACT_DAYS", DEFAULT_NO_CONTACT_DAYS) if value is None else int(value)
    )
    if days < 1:
        raise ImproperlyConfigured(f"MPPDESK_NO_CONTACT_DAYS must be at least 1, got {days}")
    return days
