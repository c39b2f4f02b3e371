"""What "today" is, named by the clock that is meant.

Each app asks for the day it means, never for an unnamed one (``timezone.localdate()``
or ``date.today()``; ``core/tests/test_architecture.py`` keeps it so):

- :func:`utc_today` for lists and counters across venues and ports (the server's day;
  ``settings.TIME_ZONE`` is UTC, so this is what ``timezone.localdate()`` returned);
- :func:`court_today` for what a court has or has not yet sat (``Venue.timezone``);
- :func:`port_today` for the day people report at a port (``Port.timezone``);
- :func:`zone_today` for any other IANA zone.

At 17:00 in El Paso it is already tomorrow in UTC: a check that something at a place
"is in the past" or "has taken place" must use that place's day, never the UTC one.
All four read ``django.utils.timezone.now()``, so a frozen clock in a test freezes them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.utils import timezone

if TYPE_CHECKING:
    from mppdesk.places.models import Port, Venue

UTC = dt.UTC


def utc_today() -> dt.date:
    """Today's date in UTC (the server's day)."""
    return timezone.now().astimezone(UTC).date()


def zone_today(zone: str) -> dt.date:
    """Today's date on the wall clocks of the IANA ``zone``."""
    return timezone.now().astimezone(ZoneInfo(zone)).date()


def court_today(venue: Venue) -> dt.date:
    """Today's date at the court (``Venue.timezone``)."""
    return zone_today(venue.timezone)


def port_today(port: Port) -> dt.date:
    """Today's date in the port's Mexican city (``Port.timezone``)."""
    return zone_today(port.timezone)
