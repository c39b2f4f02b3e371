import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.lib.dates import (
    DateError,
    PartialDate,
    parse_birth_date,
    parse_date,
    slashed_order_hint,
)

TODAY = dt.date(2026, 3, 1)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2001-03-04", dt.date(2001, 3, 4)),
        ("2001-3-4", dt.date(2001, 3, 4)),
        (" 2001-03-04 ", dt.date(2001, 3, 4)),
        ("2001-03-04 00:00:00", dt.date(2001, 3, 4)),  # a spreadsheet date cell as text
        ("2001-03-04T00:00", dt.date(2001, 3, 4)),
        ("25/12/2001", dt.date(2001, 12, 25)),
        ("25.12.2001", dt.date(2001, 12, 25)),
        ("25-12-2001", dt.date(2001, 12, 25)),
        ("13/1/2001", dt.date(2001, 1, 13)),
        ("03/03/2001", dt.date(2001, 3, 3)),  # day == month: no ambiguity
        ("12/25/2001", dt.date(2001, 12, 25)),  # second part above 12 proves MM/DD
        ("29/02/2000", dt.date(2000, 2, 29)),
    ],
)
def test_unambiguous_dates_parse(raw, expected):
    assert parse_date(raw) == expected


def test_ambiguous_slashed_date_is_rejected_without_an_order():
    with pytest.raises(DateError, match="ambiguous"):
        parse_date("03/04/2001")


def test_ambiguous_slashed_date_follows_the_given_order():
    assert parse_date("03/04/2001", "DMY") == dt.date(2001, 4, 3)
    assert parse_date("03/04/2001", "MDY") == dt.date(2001, 3, 4)


@pytest.mark.parametrize(("raw", "order"), [("12/25/2001", "DMY"), ("25/12/2001", "MDY")])
def test_date_contradicting_the_column_order_is_rejected(raw, order):
    with pytest.raises(DateError, match="does not fit"):
        parse_date(raw, order)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/2000", "Not a real date"),
        ("29/02/2001", "Not a real date"),
        ("2001-02-29", "Not a real date"),
        ("2001-13-01", "Not a real date"),
        ("00/00/2000", "Not a real date"),
        ("0000-01-01", "Not a real date"),
        ("13/14/2001", "not a real date"),  # neither part can be the month
        ("", "required"),
        ("   ", "required"),
        ("yesterday", "not a date"),
        ("2001/03/04", "not a date"),
        ("4 March 2001", "not a date"),
        ("03/04/01", "not a date"),  # two-digit years are never guessed
    ],
)
def test_invalid_dates_are_rejected(raw, message):
    with pytest.raises(DateError, match=message):
        parse_date(raw)


def test_slashed_order_hint():
    assert slashed_order_hint("25/12/2001") == "DMY"
    assert slashed_order_hint("12/25/2001") == "MDY"
    assert slashed_order_hint("03/04/2001") is None
    assert slashed_order_hint("2001-03-04") is None
    assert slashed_order_hint("") is None


def test_birth_date_full():
    assert parse_birth_date("1990-05-17", today=TODAY) == PartialDate(
        year=1990, date=dt.date(1990, 5, 17)
    )


def test_birth_date_year_only():
    birth = parse_birth_date("1987", today=TODAY)
    assert birth == PartialDate(year=1987)
    assert not birth.is_full
    assert str(birth) == "1987"


def test_birth_date_today_is_allowed():
    assert parse_birth_date("2026-03-01", today=TODAY).date == TODAY


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2026-03-02", "future"),
        ("02/03/2027", "future"),
        ("2027", "out of range"),
        ("1899", "out of range"),
        ("1899-12-31", "before 1900"),
        ("", "required"),
        ("31/02/2000", "Not a real date"),
    ],
)
def test_bad_birth_dates_are_rejected(raw, message):
    with pytest.raises(DateError, match=message):
        parse_birth_date(raw, "DMY", today=TODAY)


def test_birth_date_uses_the_order():
    assert parse_birth_date("03/04/2001", "DMY", today=TODAY).date == dt.date(2001, 4, 3)


def test_partial_date_str():
    assert str(PartialDate(year=2001, date=dt.date(2001, 4, 3))) == "2001-04-03"


def _dmy(value: dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


@given(st.dates())
def test_iso_round_trips(value):
    assert parse_date(value.isoformat()) == value


@given(st.dates())
def test_day_first_round_trips_with_dmy_order(value):
    assert parse_date(_dmy(value), "DMY") == value


@given(st.dates())
def test_month_first_round_trips_with_mdy_order(value):
    written = f"{value.month:02d}/{value.day:02d}/{value.year:04d}"
    assert parse_date(written, "MDY") == value


@given(st.dates())
def test_without_order_a_slashed_date_is_right_or_refused(value):
    try:
        result = parse_date(_dmy(value))
    except DateError:
        assert value.day <= 12 and value.day != value.month
        return
    assert result == value


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_birth_dates_in_range_round_trip(value):
    assert parse_birth_date(_dmy(value), "DMY", today=TODAY) == PartialDate(
        year=value.year, date=value
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("31/02/2000", "Not a real date: day is out of range for month."),
        ("2001-13-01", "Not a real date: month must be in 1..12."),
        ("0000-01-01", "Not a real date: year 0 is out of range."),
        ("4 March 2001", "'4 March 2001' is not a date; use YYYY-MM-DD or DD/MM/YYYY."),
    ],
)
def test_messages_read_as_before_in_english(raw, message):
    with pytest.raises(DateError) as excinfo:
        parse_date(raw)
    assert str(excinfo.value) == message


@pytest.mark.parametrize(
    ("raw", "order", "message"),
    [
        ("31/02/2000", None, "No es una fecha real: ese día no existe en ese mes."),
        ("2001-13-01", None, "No es una fecha real: el mes debe estar entre 1 y 12."),
        (
            "03/04/2001",
            None,
            "'03/04/2001' es ambigua (el día y el mes podrían estar invertidos); "
            "escríbala como AAAA-MM-DD.",
        ),
        (
            "04/25/2001",
            "DMY",
            "'04/25/2001' no corresponde al orden DD/MM/AAAA que se usa en esta columna.",
        ),
    ],
)
def test_messages_follow_the_active_language(raw, order, message):
    with translation.override("es"), pytest.raises(DateError) as excinfo:
        parse_date(raw, order)
    assert str(excinfo.value) == message
