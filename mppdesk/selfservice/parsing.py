"""Reading an inbound text: its keyword, and the A-number and date of birth of a query.

No database here: the functions take text and return values or ``None``, so that they
can be tested exhaustively (``tests/test_parsing.py`` uses hypothesis).

Dates of birth (decided for people who mostly write day first: Latin America, Brazil,
Haiti, French-speaking Africa):

- year first: ``1990-12-31``, ``1990/12/31``, ``1990.12.31``;
- day first: ``31/12/1990``, ``31-12-1990``, ``31.12.1990``, ``1/2/1990``;
- month first only when the numbers prove it (``12/31/1990``: 31 cannot be a month);
  a date whose day and month could be swapped (``03/04/1990``) is read day first;
- a two-digit year (``31/12/90``) is the latest year ending in those digits that is not
  in the future (``24`` -> 2024 in 2026, ``90`` -> 1990);
- a month by name in Spanish, English, Portuguese, French or Haitian Creole, written out
  (Creole May is ``me``, two letters) or abbreviated to three or more letters, accents
  optional: ``12 mar 1990``, ``12 de marzo de 1990``, ``March 12, 1990``,
  ``12 março 1990``, ``12 mars 1990``, ``1 me 2000``. An abbreviation that means two
  months (``out``: Creole August, Portuguese October) is not read;
- never eight digits in a row: ``01021990`` could as well be an 8-digit A-number.

A date that is not a real day, or is in the future or before 1900, is no date.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

from mppdesk.core.clocks import utc_today
from mppdesk.hearings.pdf.texts import MONTHS
from mppdesk.lib.anumber import ANumberError, normalize_anumber
from mppdesk.lib.text import fold


class Intent(StrEnum):
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    HELP = "help"
    LOOKUP = "lookup"
    OTHER = "other"


#: First word of a text (folded: lower case, no accents) -> what it asks, in which language.
#: Opt-out and opt-in confirmations go out in the person's language, not the keyword's.
KEYWORDS: dict[str, tuple[Intent, str]] = {
    "stop": (Intent.OPT_OUT, "en"),
    "alto": (Intent.OPT_OUT, "es"),
    "baja": (Intent.OPT_OUT, "es"),
    "parar": (Intent.OPT_OUT, "es"),
    "start": (Intent.OPT_IN, "en"),
    "alta": (Intent.OPT_IN, "es"),
    "help": (Intent.HELP, "en"),
    "ayuda": (Intent.HELP, "es"),
    "ajuda": (Intent.HELP, "pt"),
    "aide": (Intent.HELP, "fr"),
    "ed": (Intent.HELP, "ht"),  # "èd"
    "cita": (Intent.LOOKUP, "es"),
    "audiencia": (Intent.LOOKUP, "es"),  # also Portuguese written without its accent
    "hearing": (Intent.LOOKUP, "en"),
    "odyans": (Intent.LOOKUP, "ht"),
    "odians": (Intent.LOOKUP, "ht"),
    "audience": (Intent.LOOKUP, "fr"),
}
#: Keywords whose accents say more than their folded form (``AUDIÊNCIA`` is Portuguese).
ACCENTED_KEYWORDS: dict[str, tuple[Intent, str]] = {
    "audiência": (Intent.LOOKUP, "pt"),
}

_FIRST_WORD = re.compile(r"^\s*([^\W\d_]+)[\s:.,;!-]*", re.UNICODE)


@dataclass(frozen=True)
class Inbound:
    """What a text says: its intent, the keyword's language and the text after it."""

    intent: Intent
    language: str  # of the keyword; "" when there was none
    rest: str


def read_text(body: str) -> Inbound:
    """The intent of ``body``: its first word, any case, accents ignored."""
    text = unicodedata.normalize("NFKC", body or "")
    match = _FIRST_WORD.match(text)
    if match:
        word = match.group(1).casefold()
        found = ACCENTED_KEYWORDS.get(word) or KEYWORDS.get(fold(word))
        if found is not None:
            rest = text[match.end() :].strip()
            intent, language = found
            # "STOP please" is an opt-out; "STOPPED" is not (the word must match whole).
            return Inbound(intent=intent, language=language, rest=rest)
    return Inbound(intent=Intent.OTHER, language="", rest=text.strip())


# --- Dates of birth ---------------------------------------------------------------------


def _month_names() -> dict[str, frozenset[int]]:
    """Folded month names (whole, of any length) and their 3+ letter prefixes -> the
    months they can mean."""
    names: dict[str, set[int]] = {}
    for months in MONTHS.values():
        for number, name in enumerate(months, start=1):
            word = fold(name)
            names.setdefault(word, set()).add(number)
            for end in range(3, len(word)):
                names.setdefault(word[:end], set()).add(number)
    names.setdefault("sept", set()).add(9)
    return {word: frozenset(found) for word, found in names.items()}


MONTH_NAMES = _month_names()

_NUMERIC = re.compile(r"(?<![\d])(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})(?![\d])")
_DAY_MONTH_YEAR = re.compile(
    r"(?<![\w])(\d{1,2})(?:er|st|nd|rd|th)?\.?\s*(?:de\s+|of\s+)?([^\W\d_]{2,})\.?,?\s*(?:de\s+|,\s*)?(\d{4}|\d{2})(?![\w])",
    re.IGNORECASE,
)
_MONTH_DAY_YEAR = re.compile(
    r"(?<![\w])([^\W\d_]{2,})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4}|\d{2})(?![\w])",
    re.IGNORECASE,
)


def _year(text: str, today: dt.date) -> int | None:
    if len(text) == 4:
        return int(text)
    if len(text) == 2:
        year = 2000 + int(text)
        return year if year <= today.year else year - 100
    return None


def _date(year: int | None, month: int, day: int, today: dt.date) -> dt.date | None:
    if year is None or not 1900 <= year <= today.year:
        return None
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    return value if value <= today else None


def _numeric(match: re.Match[str], today: dt.date) -> dt.date | None:
    first, _sep, second, third = match.groups()
    if len(first) == 4:  # year first
        if len(third) > 2:
            return None
        return _date(int(first), int(second), int(third), today)
    if len(first) > 2 or len(third) not in (2, 4):
        return None
    a, b = int(first), int(second)
    year = _year(third, today)
    if b > 12 >= a:  # only month first can be meant
        return _date(year, a, b, today)
    return _date(year, b, a, today)


def _month(word: str) -> int | None:
    months = MONTH_NAMES.get(fold(word))
    if months is None or len(months) != 1:
        return None
    return next(iter(months))


@dataclass(frozen=True)
class Found:
    value: dt.date
    start: int
    end: int


def find_birth_date(text: str, *, today: dt.date | None = None) -> Found | None:
    """The one date of birth written in ``text`` and where it is, else ``None``.

    Two different dates in the text is no answer: the reply would have to guess.
    """
    today = today or utc_today()
    found: list[Found] = []
    for match in _NUMERIC.finditer(text):
        value = _numeric(match, today)
        if value is not None:
            found.append(Found(value, match.start(), match.end()))
    for match in _DAY_MONTH_YEAR.finditer(text):
        month = _month(match.group(2))
        if month is not None:
            value = _date(_year(match.group(3), today), month, int(match.group(1)), today)
            if value is not None:
                found.append(Found(value, match.start(), match.end()))
    for match in _MONTH_DAY_YEAR.finditer(text):
        month = _month(match.group(1))
        if month is not None:
            value = _date(_year(match.group(3), today), month, int(match.group(2)), today)
            if value is not None:
                found.append(Found(value, match.start(), match.end()))
    if not found or len({f.value for f in found}) != 1:
        return None
    return found[0]


def parse_birth_date(text: str, *, today: dt.date | None = None) -> dt.date | None:
    """A date of birth given alone (the web form's field), in any accepted form."""
    cleaned = (text or "").strip()
    found = find_birth_date(cleaned, today=today)
    if found is None or cleaned[: found.start].strip() or cleaned[found.end :].strip(" .,"):
        return None
    return found.value


def parse_anumber(text: str) -> str | None:
    """The 9 digits of an A-number given alone, or ``None``."""
    try:
        return normalize_anumber(text)
    except ANumberError:
        return None


@dataclass(frozen=True)
class Query:
    a_number: str  # 9 digits
    birth_date: dt.date


_FILLER = re.compile(r"[\s,;:]+")


def parse_query(rest: str, *, today: dt.date | None = None) -> Query | None:
    """An A-number and a date of birth in either order (what follows CITA), or ``None``."""
    text = unicodedata.normalize("NFKC", rest or "")
    found = find_birth_date(text, today=today)
    if found is None:
        return None
    remainder = _FILLER.sub(" ", text[: found.start] + " " + text[found.end :]).strip()
    digits = parse_anumber(remainder)
    if digits is None:
        return None
    return Query(a_number=digits, birth_date=found.value)
