"""Hearing and reporting times across time zones and daylight-saving changes.

The court sits in the US (``Venue.timezone``: Pacific, Mountain or Central); people
report at a port from the Mexican side (``Port.timezone``). Mexican border cities follow
US daylight-saving time (America/Tijuana, America/Ciudad_Juarez, America/Matamoros);
Nogales, Sonora (America/Hermosillo) does not, so its clocks are one hour behind
El Paso's in summer and equal in winter.

Rules:
- A docket's start is a wall-clock time in the court's zone on the docket's date:
  ``court_datetime`` turns it into an aware UTC datetime (a wall time that does not
  exist, in the spring-forward gap, moves forward by the gap; an ambiguous one takes
  its first occurrence).
- The reporting time is the hearing time minus the lead, in elapsed time (people need
  that many real hours to be processed and escorted), shown in the port's zone.
- Everything is stored in UTC and shown with the zone's abbreviation and IANA name.
- "Today" depends on the clock: :func:`utc_today` for lists and counters across venues
  (the server's day), :func:`court_today` for what a court has or has not yet sat,
  :func:`port_today` for the day people report at a port, :func:`zone_today` for any other
  zone. At 17:00 in El Paso it is already tomorrow in UTC: a check that a docket "is in the
  past" or "has taken place" must use the court's day, never the UTC one. The four are
  defined in ``core.clocks`` and imported here.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.conf import settings

# "Today" for each clock is defined once, in core.clocks; hearings keeps importing it here.
from mppdesk.core.clocks import UTC as UTC
from mppdesk.core.clocks import court_today as court_today
from mppdesk.core.clocks import port_today as port_today
from mppdesk.core.clocks import utc_today as utc_today
from mppdesk.core.clocks import zone_today as zone_today

if TYPE_CHECKING:
    from mppdesk.hearings.models import Docket
    from mppdesk.places.models import Port


def report_lead_minutes(session: str) -> int:
    """Minutes between reporting at the port and the start of a session (``am``/``pm``):
    ``MPPDESK_REPORT_LEAD_MINUTES`` / ``MPPDESK_REPORT_LEAD_PM_MINUTES`` (settings.py)."""
    if session == "pm":
        return int(settings.MPPDESK_REPORT_LEAD_PM_MINUTES)
    return int(settings.MPPDESK_REPORT_LEAD_MINUTES)


def court_datetime(zone: str, day: dt.date, at: dt.time) -> dt.datetime:
    """``day`` at wall-clock ``at`` in ``zone``, as an aware UTC datetime."""
    tz = ZoneInfo(zone)
    # fold=0: an ambiguous time is its first occurrence; a time in the spring-forward gap
    # is read with the offset before the change, i.e. it lands after the gap.
    local = dt.datetime.combine(day, at.replace(tzinfo=None), tzinfo=tz)
    return local.astimezone(UTC)


def report_datetime(hearing_at: dt.datetime, lead_minutes: int) -> dt.datetime:
    """When to report for a hearing at ``hearing_at`` (aware): ``lead_minutes`` earlier."""
    if hearing_at.tzinfo is None:
        raise ValueError("hearing_at must be timezone-aware")
    return (hearing_at - dt.timedelta(minutes=lead_minutes)).astimezone(UTC)


def scheduled_time(docket: Docket) -> dt.datetime:
    """The docket's start in UTC (the venue's time zone and its daylight-saving rules)."""
    return court_datetime(docket.venue.timezone, docket.date, docket.starts_at)


def report_lead(docket: Docket, port: Port | None) -> dt.timedelta:
    minutes = (
        port.report_lead_minutes
        if port is not None and port.report_lead_minutes is not None
        else report_lead_minutes(docket.session)
    )
    return dt.timedelta(minutes=minutes)


def reporting_time(docket: Docket, port: Port | None) -> dt.datetime | None:
    """When people on this docket report at ``port`` (UTC), or None without a port."""
    if port is None:
        return None
    return report_datetime(
        scheduled_time(docket), int(report_lead(docket, port).total_seconds() // 60)
    )


def in_zone(moment: dt.datetime, zone: str) -> dt.datetime:
    return moment.astimezone(ZoneInfo(zone))


def local_string(moment: dt.datetime | None, zone: str) -> str:
    """``"2026-03-09 04:00 MDT (America/Ciudad_Juarez)"``; empty for no time or zone."""
    if moment is None or not zone:
        return ""
    local = in_zone(moment, zone)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({zone})"
