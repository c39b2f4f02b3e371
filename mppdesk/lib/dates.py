"""Dates as people write them on rosters: ISO ``YYYY-MM-DD`` or day-first ``DD/MM/YYYY``.

A slashed date whose day and month could be swapped (``03/04/2001``) is only read when
the caller knows the order (for an import: another row of the same column settled it).
Otherwise it is an error, never a guess. A bare year (``1987``) is a date of birth with
year precision.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Literal

from django.utils.translation import gettext as _

Order = Literal["DMY", "MDY"]

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_SLASHED = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")
_ISO_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


class DateError(ValueError):
    pass


@dataclass(frozen=True)
class PartialDate:
    """A date of birth: a full date, or only the year when the day is unknown."""

    year: int
    date: dt.date | None = None

    @property
    def is_full(self) -> bool:
        return self.date is not None

    def __str__(self) -> str:
        return self.date.isoformat() if self.date else str(self.year)


def slashed_order_hint(raw: str) -> Order | None:
    """Which order a slashed date proves, if any (a part above 12 must be the day)."""
    match = _SLASHED.match((raw or "").strip())
    if not match:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12 >= second:
        return "DMY"
    if second > 12 >= first:
        return "MDY"
    return None


def _build(year: int, month: int, day: int) -> dt.date:
    # Checked here rather than passing on ``datetime``'s own (English-only) message.
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise DateError(_("Not a real date: year %(year)s is out of range.") % {"year": year})
    if not 1 <= month <= 12:
        raise DateError(_("Not a real date: month must be in 1..12."))
    try:
        return dt.date(year, month, day)
    except ValueError as exc:
        raise DateError(_("Not a real date: day is out of range for month.")) from exc


def parse_date(raw: str, order: Order | None = None) -> dt.date:
    """Parse ``raw`` into a date.

    ``order`` is how slashed dates are written, when the caller knows it. Without it a
    slashed date whose day and month could be swapped is rejected as ambiguous.
    """
    text = (raw or "").strip()
    if not text:
        raise DateError(_("Date is required."))
    iso_dt = _ISO_DATETIME.match(text)
    if iso_dt:
        text = iso_dt.group(1)
    match = _ISO.match(text)
    if match:
        return _build(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _SLASHED.match(text)
    if match:
        first, second, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
        hint = slashed_order_hint(text)
        if hint is not None and order is not None and hint != order:
            expected = _("DD/MM/YYYY") if order == "DMY" else _("MM/DD/YYYY")
            raise DateError(
                _("%(value)s does not fit the %(expected)s order used for this column.")
                % {"value": repr(text), "expected": expected}
            )
        if first > 12 and second > 12:
            raise DateError(
                _("%(value)s is not a real date: neither part can be the month.")
                % {"value": repr(text)}
            )
        effective = hint or order
        if effective is None and first != second:
            raise DateError(
                _(
                    "%(value)s is ambiguous (day and month could be swapped); "
                    "write it as YYYY-MM-DD."
                )
                % {"value": repr(text)}
            )
        if effective == "MDY":
            return _build(year, first, second)
        return _build(year, second, first)
    raise DateError(
        _("%(value)s is not a date; use YYYY-MM-DD or DD/MM/YYYY.") % {"value": repr(text)}
    )


def parse_birth_date(
    raw: str, order: Order | None = None, *, today: dt.date | None = None
) -> PartialDate:
    """Parse a date of birth: a full date or a bare year, never in the future."""
    text = (raw or "").strip()
    today = today or dt.datetime.now(dt.UTC).date()  # the UTC day (lib cannot see core.clocks)
    cache = _birth_dates.get()
    if cache is None:
        return _parse_birth_date(text, order, today)
    key = (text, order, today)
    found = cache.get(key)
    if found is None:
        # Errors raise before anything is stored: their messages follow the language.
        found = cache[key] = _parse_birth_date(text, order, today)
    return found


#: Parsed dates of birth of the import in progress (``cached_birth_dates``), else None.
_birth_dates: ContextVar[dict[tuple[str, Order | None, dt.date], PartialDate] | None] = ContextVar(
    "birth_dates", default=None
)


@contextlib.contextmanager
def cached_birth_dates() -> Iterator[None]:
    """Within the block, each distinct date of birth is parsed once.

    Rosters repeat dates of birth (twins, the 1st of January of an unknown day, the same
    family written twice). The cache lives only as long as the block — one import — so
    no process keeps people's dates of birth in memory after it.
    """
    token = _birth_dates.set({})
    try:
        yield
    finally:
        _birth_dates.reset(token)


def _parse_birth_date(text: str, order: Order | None, today: dt.date) -> PartialDate:
    year_match = _YEAR.match(text)
    if year_match:
        year = int(year_match.group(1))
        if not 1900 <= year <= today.year:
            raise DateError(
                _("Year of birth %(year)s is out of range (1900-%(max)s).")
                % {"year": year, "max": today.year}
            )
        return PartialDate(year=year)
    value = parse_date(text, order)
    if value > today:
        raise DateError(_("Date of birth is in the future."))
    if value.year < 1900:
        raise DateError(_("Date of birth is before 1900."))
    return PartialDate(year=value.year, date=value)
