"""Court days: which days a venue sits.

A venue does not sit on a US federal holiday (5 U.S.C. 6103, with the observed dates:
a holiday on a Saturday is observed the Friday before, on a Sunday the Monday after;
from the ``holidays`` library) nor on a ``ClosureDay`` a coordinator added for it.
Weekdays are otherwise left to the docket templates: a template for a Saturday makes
Saturday dockets.

Dockets are not made on such days (``services.generate_dockets`` skips them,
``services.create_docket`` refuses them), hearings are not put on dockets of such days
(``schedule_hearing``, ``reschedule``, ``continue_hearing``), the scheduler does not
propose them, and dockets made before a closure was known are flagged
(``Docket.closed_reason``), never deleted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import holidays as holiday_calendars
from django.utils.translation import gettext as _

from mppdesk.hearings.models import ClosureDay, Docket


@lru_cache(maxsize=32)
def _federal(year: int) -> dict[dt.date, str]:
    # observed=True adds the Friday/Monday a weekend holiday is observed on (the
    # library names it "... (observed)"); the weekend day itself is kept too.
    return dict(holiday_calendars.US(years=year, observed=True))


def federal_holiday(day: dt.date) -> str | None:
    """The US federal holiday on ``day`` (observed dates included), or ``None``."""
    return _federal(day.year).get(day)


def holiday_text(name: str) -> str:
    return _("US federal holiday: %(name)s") % {"name": name}


def closure_reason(venue_id: int | None, day: dt.date) -> str:
    """Why ``venue_id`` does not sit on ``day`` ("" when it does)."""
    name = federal_holiday(day)
    if name is not None:
        return holiday_text(name)
    if venue_id is None:
        return ""
    closure = ClosureDay.objects.filter(venue_id=venue_id, date=day).only("reason").first()
    if closure is not None:
        return closure_text(closure.reason)
    return ""


def closure_text(reason: str) -> str:
    return _("The court is closed: %(reason)s") % {"reason": reason}


def closed_days(
    venue_ids: Iterable[int], start: dt.date, end: dt.date
) -> dict[tuple[int, dt.date], str]:
    """Every (venue id, day) in [start, end] on which the venue does not sit, with why."""
    ids = sorted(set(venue_ids))
    out: dict[tuple[int, dt.date], str] = {}
    if end < start or not ids:
        return out
    for year in range(start.year, end.year + 1):
        for day, name in _federal(year).items():
            if start <= day <= end:
                for venue_id in ids:
                    out[(venue_id, day)] = holiday_text(name)
    for venue_id, day, reason in ClosureDay.objects.filter(
        venue_id__in=ids, date__gte=start, date__lte=end
    ).values_list("venue_id", "date", "reason"):
        out.setdefault((venue_id, day), closure_text(reason))
    return out


def mark_closed(dockets: Iterable[Docket]) -> list[Docket]:
    """Fill ``closed_reason`` of every docket with one query (for lists)."""
    items = list(dockets)
    if not items:
        return items
    closed = closed_days(
        {d.venue_id for d in items}, min(d.date for d in items), max(d.date for d in items)
    )
    for docket in items:
        docket.__dict__["_closed_reason"] = closed.get((docket.venue_id, docket.date), "")
    return items


__all__ = [
    "closed_days",
    "closure_reason",
    "federal_holiday",
    "mark_closed",
]
