"""The shared CSV writer: no text cell reaches a spreadsheet as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from hypothesis import given
from hypothesis import strategies as st

from mppdesk.lib import csvfile


def _read(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith(csvfile.BOM)
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def test_formula_starts_get_an_apostrophe():
    rows = [['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "ok"]]
    (header, row) = _read(csvfile.csv_bytes(["a"] * 7, rows))
    assert row == [
        "'=HYPERLINK(\"http://x\",\"y\")", "'+1+1", "'-2+3", "'@SUM(A1)", "'\t=1", "'\r=1", "ok",
    ]  # fmt: skip


def test_signed_numbers_and_phone_numbers_stay_as_they_are():
    cells = ["+526561234567", "-12", "+3.5", "-0,25", "+52 656 123", "-1+2", "+1e5", "-"]
    (row,) = _read(csvfile.csv_bytes(None, [cells]))
    assert row == [
        "+526561234567", "-12", "+3.5", "-0,25", "'+52 656 123", "'-1+2", "'+1e5", "'-",
    ]  # fmt: skip


def test_numbers_dates_and_empties_are_written_plainly():
    day = dt.date(2026, 3, 1)
    (row,) = _read(csvfile.csv_bytes(None, [[-3, 2.5, None, True, day, ""]]))
    assert row == ["-3", "2.5", "", "true", "2026-03-01", ""]


def test_rows_end_in_crlf():
    assert csvfile.csv_text(["a"], [["b"]]) == "a\r\nb\r\n"


@given(st.lists(st.text(), min_size=1, max_size=6))
def test_no_text_cell_reads_back_as_a_formula(cells):
    (row,) = _read(csvfile.csv_bytes(None, [cells]))
    assert len(row) == len(cells)
    for written, original in zip(row, cells, strict=True):
        plain_number = re.fullmatch(r"[+-][0-9]+([.,][0-9]+)?", original)
        if not plain_number:
            assert not written.startswith(csvfile.FORMULA_STARTS)
        # Nothing is lost: the original is the cell, or the cell less its apostrophe.
        neutralized = original.startswith(csvfile.FORMULA_STARTS) and not plain_number
        assert written == ("'" + original if neutralized else original)
