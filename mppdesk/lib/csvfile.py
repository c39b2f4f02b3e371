"""The one CSV writer of every export (manifests, statistics, evidence packets).

Spreadsheet programs run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and a tab or carriage return at the start can hide such a prefix from a naive
check (CSV injection, OWASP). Any text cell that starts with one of them gets a leading
apostrophe, which spreadsheets read as "this is text" and do not show. Numbers stay
numbers: an ``int`` or ``float``, and text that is only a signed number (``-3``,
``+526561234567``, a phone number in E.164 form), which a spreadsheet can read as a
number but never run. Rows end in CRLF (RFC 4180);
``csv_bytes`` adds a byte-order mark so that Excel reads the accents as UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

#: A text cell starting with one of these is written with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
# A sign, digits and at most one decimal part: a number, nothing a spreadsheet can call.
_PLAIN_NUMBER = re.compile(r"[+-][0-9]+(?:[.,][0-9]+)?")


class _TextOut(Protocol):
    def write(self, text: str, /) -> int: ...


def safe_cell(value: Any) -> Any:
    """``value`` as a CSV cell: text that a spreadsheet would run is neutralized."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


class SafeWriter:
    """A ``csv.writer`` whose every cell goes through ``safe_cell``."""

    def __init__(self, out: _TextOut, **fmt: Any) -> None:
        fmt.setdefault("lineterminator", "\r\n")
        self._writer = csv.writer(out, **fmt)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _TextOut, **fmt: Any) -> SafeWriter:
    return SafeWriter(out, **fmt)


def csv_text(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]]) -> str:
    out = io.StringIO(newline="")
    w = SafeWriter(out)
    if header is not None:
        w.writerow(header)
    w.writerows(rows)
    return out.getvalue()


def csv_bytes(header: Sequence[Any] | None, rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 with a byte-order mark, for spreadsheet programs."""
    return (BOM + csv_text(header, rows)).encode("utf-8")
