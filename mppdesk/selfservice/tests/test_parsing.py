"""Reading texts: keywords, A-numbers and dates of birth in the forms people write them."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.hearings.pdf.texts import MONTHS
from mppdesk.selfservice.parsing import (
    Intent,
    parse_birth_date,
    parse_query,
    read_text,
)

TODAY = dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("body", "intent", "language"),
    [
        ("STOP", Intent.OPT_OUT, "en"),
        ("  alto ", Intent.OPT_OUT, "es"),
        ("Bája", Intent.OPT_OUT, "es"),
        ("PARAR!", Intent.OPT_OUT, "es"),
        ("start", Intent.OPT_IN, "en"),
        ("ALTA", Intent.OPT_IN, "es"),
        ("ayuda", Intent.HELP, "es"),
        ("HELP", Intent.HELP, "en"),
        ("cita 1", Intent.LOOKUP, "es"),
        ("Audiencia 1", Intent.LOOKUP, "es"),
        ("AUDIÊNCIA 1", Intent.LOOKUP, "pt"),
        ("audiência 1", Intent.LOOKUP, "pt"),
        ("Odyans 1", Intent.LOOKUP, "ht"),
        ("hearing 1", Intent.LOOKUP, "en"),
        ("STOPPED", Intent.OTHER, ""),
        ("hola", Intent.OTHER, ""),
        ("", Intent.OTHER, ""),
        ("123 cita", Intent.OTHER, ""),
    ],
)
def test_keywords(body: str, intent: Intent, language: str) -> None:
    found = read_text(body)
    assert (found.intent, found.language) == (intent, language)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31/12/1990", dt.date(1990, 12, 31)),
        ("1/2/1990", dt.date(1990, 2, 1)),
        ("03/04/1990", dt.date(1990, 4, 3)),  # ambiguous: day first
        ("12/31/1990", dt.date(1990, 12, 31)),  # only month first fits
        ("31-12-1990", dt.date(1990, 12, 31)),
        ("31.12.1990", dt.date(1990, 12, 31)),
        ("1990-12-31", dt.date(1990, 12, 31)),
        ("31/12/90", dt.date(1990, 12, 31)),
        ("01/02/24", dt.date(2024, 2, 1)),
        ("12 mar 1990", dt.date(1990, 3, 12)),
        ("12 de marzo de 1990", dt.date(1990, 3, 12)),
        ("March 12, 1990", dt.date(1990, 3, 12)),
        ("12 março 1990", dt.date(1990, 3, 12)),
        ("1er mars 1990", dt.date(1990, 3, 1)),
        ("5 desanm 1988", dt.date(1988, 12, 5)),
        ("12 AGO 1990", dt.date(1990, 8, 12)),
    ],
)
def test_birth_date_forms(text: str, expected: dt.date) -> None:
    assert parse_birth_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31/02/1990",  # not a day
        "13/13/1990",
        "01/01/2027",  # future
        "01/01/1899",
        "01021990",  # eight digits could be an A-number
        "12 out 1990",  # Creole August or Portuguese October
        "1990",
        "31/12/1990 01/01/1991",  # two dates
        "",
    ],
)
def test_not_birth_dates(text: str) -> None:
    assert parse_birth_date(text, today=TODAY) is None


def test_query_needs_both_factors() -> None:
    assert parse_query("A012345678", today=TODAY) is None
    assert parse_query("31/12/1990", today=TODAY) is None
    assert parse_query("A012345678 31/12/1990 please", today=TODAY) is None
    assert parse_query("A0123 31/12/1990", today=TODAY) is None
    found = parse_query("31/12/1990 a#12345678", today=TODAY)
    assert found is not None and found.a_number == "012345678"


# --- Property: whatever way an A-number and a date are written, they read back ----------

digits9 = st.integers(min_value=1, max_value=999_999_999).map(lambda n: f"{n:09d}")
birth_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)


@st.composite
def written_anumber(draw: st.DrawFn, digits: str) -> str:
    body = digits[1:] if digits[0] == "0" and draw(st.booleans()) else digits
    separator = draw(st.sampled_from(["", " ", "-", "."]))
    if separator and len(body) == 9:
        body = separator.join([body[0:3], body[3:6], body[6:9]])
    prefix = draw(st.sampled_from(["", "A", "a", "A ", "A-", "A#"]))
    return prefix + body


@st.composite
def written_date(draw: st.DrawFn, day: dt.date) -> str:
    style = draw(st.sampled_from(["iso", "dmy", "dmy2", "words", "mdy_words"]))
    if style == "iso":
        return day.isoformat()
    if style in ("dmy", "dmy2"):
        sep = draw(st.sampled_from(["/", "-", "."]))
        year = str(day.year)
        if style == "dmy2":
            two = day.year % 100
            # Two digits read as the latest such year not in the future: only those.
            year = (
                f"{two:02d}"
                if (2000 + two if 2000 + two <= TODAY.year else 1900 + two) == day.year
                else year
            )
        padded = draw(st.booleans())
        d, m = (f"{day.day:02d}", f"{day.month:02d}") if padded else (str(day.day), str(day.month))
        return f"{d}{sep}{m}{sep}{year}"
    language = draw(st.sampled_from(sorted(MONTHS)))
    month = MONTHS[language][day.month - 1]
    if language == "ht" and month == "out":
        language, month = "en", "August"
    if draw(st.booleans()):
        month = month.upper()
    if style == "words":
        return f"{day.day} {month} {day.year}"
    return f"{month} {day.day}, {day.year}"


@given(data=st.data(), digits=digits9, day=birth_dates)
def test_any_written_query_reads_back(data: st.DataObject, digits: str, day: dt.date) -> None:
    a_number = data.draw(written_anumber(digits))
    date = data.draw(written_date(day))
    text = f"{a_number} {date}" if data.draw(st.booleans()) else f"{date} {a_number}"
    found = parse_query(text, today=TODAY)
    assert found is not None, text
    assert (found.a_number, found.birth_date) == (digits, day), text


@given(text=st.text(max_size=60))
def test_parsing_never_raises(text: str) -> None:
    parse_query(text, today=TODAY)
    parse_birth_date(text, today=TODAY)
    read_text(text)
