"""Settings of the privacy app, read from the environment when used.

``MPPDESK_RETENTION_DAYS`` (default 1825, five years) is how long a person's data is
kept after the last of their cases was closed; ``0`` turns the purge off. A Django
setting of the same name, if present, wins over the environment (tests, or a later
move into ``settings.py``).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from mppdesk.lib.env import env_int

DEFAULT_RETENTION_DAYS = 1825


def retention_days() -> int:
    """Days after case closure before a person's data is purged; 0 means never."""
    value = getattr(settings, "MPPDESK_RETENTION_DAYS", None)
    days = (
        env_int("MPPDESK_RETENTION_DAYS", DEFAULT_RETENTION_DAYS) if value is None else int(value)
    )
    if days < 0:
        raise ImproperlyConfigured(
            f"MPPDESK_RETENTION_DAYS must be 0 (purge disabled) or a number of days, got {days}"
        )
    return days
