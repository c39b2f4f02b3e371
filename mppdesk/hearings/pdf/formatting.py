"""Dates and times written out per language, from the small tables in ``texts.py``.

No Babel: five languages, one date pattern each, and Haitian Creole has no CLDR locale
to fall back on. Every time is shown in the zone it is read in, named by its city and
its abbreviation ("hora de Ciudad Juárez, MST"), because a person reporting to a port at
04:15 acts on the clock of the Mexican city, not on the court's.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from mppdesk.hearings.pdf import texts


def in_zone(moment: dt.datetime, timezone: str) -> dt.datetime:
    """``moment`` on the clock of ``timezone``; a naive datetime is refused, not guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime")
    return moment.astimezone(ZoneInfo(timezone))


def format_date(day: dt.date, language: str) -> str:
    """``martes 3 de marzo de 2026``, ``Tuesday, March 3, 2026``, ``mardi 1er mars 2026``."""
    number = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return texts.DATE_FORMAT[language].format(
        weekday=texts.WEEKDAYS[language][day.weekday()],
        day=number,
        month=texts.MONTHS[language][day.month - 1],
        year=day.year,
    )


def format_time(moment: dt.datetime | dt.time, language: str) -> str:
    """24-hour clock (English adds ``4:15 a.m.``); French writes ``04 h 15``."""
    h12 = moment.hour % 12 or 12
    return texts.TIME_FORMAT[language].format(
        hh=f"{moment.hour:02d}",
        mm=f"{moment.minute:02d}",
        h12=h12,
        ampm="a.m." if moment.hour < 12 else "p.m.",
    )


def zone_abbreviation(moment: dt.datetime) -> str:
    """``MST``/``MDT``...; a zone without a letter abbreviation reads ``UTC-07``."""
    name = moment.tzname() or ""
    if name and name[0] not in "+-":
        return name
    offset = moment.utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours:02d}" + (f":{rest:02d}" if rest else "")


def moment_parts(moment: dt.datetime, timezone: str, city: str, language: str) -> tuple[str, str]:
    """``("martes 3 de marzo de 2026, 04:15", "(hora de Ciudad Juárez, MST)")``."""
    local = in_zone(moment, timezone)
    zone = texts.ZONE_FORMAT[language].format(city=city, abbr=zone_abbreviation(local))
    return f"{format_date(local.date(), language)}, {format_time(local, language)}", f"({zone})"


def format_moment(moment: dt.datetime, timezone: str, city: str, language: str) -> str:
    """``martes 3 de marzo de 2026, 04:15 (hora de Ciudad Juárez, MST)``."""
    return " ".join(moment_parts(moment, timezone, city, language))


def city_of(address_line: str) -> str:
    """The city of an address line such as ``El Paso, TX``."""
    return address_line.split(",", 1)[0].strip() or address_line
