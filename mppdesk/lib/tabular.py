"""Reading tabular files (CSV and XLSX) people fill in by hand or export from Excel.

Bytes in, a :class:`Table` out: the encoding (UTF-8 with or without BOM, UTF-16, cp1252)
and the delimiter (comma, semicolon, tab) are guessed the way Excel writes them, XLSX
cells arrive typed (dates as dates, whole numbers as text without ``.0``), blank lines
are skipped and every row keeps the line number a person sees in the file. A file that
cannot be read raises :class:`TableError` naming the row when it can.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _

from mppdesk.lib.text import fold

_HEADER_STRIP = re.compile(r"[^a-z0-9#]+")


def header_key(text: str) -> str:
    """A column header folded for matching: accents, case, spaces and punctuation go."""
    # fold() turns "#" into a space, which would make "a#" collide with a bare "a".
    keep_hash = (text or "").replace("#", " hash ")
    return _HEADER_STRIP.sub("", fold(keep_hash).replace(" hash", "#"))


class TableError(Exception):
    """The file cannot be read at all (type, encoding, header, size); ``row`` and
    ``column`` say where, when known (0 and "" for the whole file)."""

    def __init__(self, message: str, row: int = 0, column: str = "") -> None:
        super().__init__(message)
        self.row = row
        self.column = column


@dataclass
class Table:
    headers: list[str]
    # (line number in the file, cells); blank lines are left out.
    rows: list[tuple[int, list[Any]]]
    # True when date cells arrive as real dates (XLSX) rather than text.
    typed: bool = False


def read_source(
    source: str | os.PathLike[str] | BinaryIO, filename: str | None
) -> tuple[bytes, str]:
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        return path.read_bytes(), filename or path.name
    data = source.read()
    if isinstance(data, str):  # a text stream opened by mistake; encode back losslessly
        data = data.encode("utf-8")
    name = filename or str(getattr(source, "name", "") or "")
    return data, os.path.basename(name)


def decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TableError(
                _("The file says it is UTF-8 but is not; save it again as UTF-8.")
            ) from exc
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise TableError(_("This is not a text file; upload a CSV or XLSX file."))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Files saved by Excel on Windows in Spanish are cp1252; latin-1 accepts any byte.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def sniff_delimiter(text: str) -> str:
    first = ""
    for line in text.splitlines():
        if line.strip():
            first = line
            break
    # Count outside quotes so a quoted "Pérez, José" header does not vote for commas.
    outside = re.sub(r'"[^"]*"', "", first)
    counts = {d: outside.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_csv(data: bytes, max_rows: int) -> Table:
    text = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    headers: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    line = 0
    try:
        for cells in reader:
            start = line + 1  # a quoted cell may span lines; report where the record starts
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if headers is None:
                headers = [c.strip() for c in cells]
                continue
            if len(rows) >= max_rows:
                raise TableError(
                    _("The file has more than %(max)s rows; split it into smaller files.")
                    % {"max": max_rows},
                    row=start,
                )
            rows.append((start, cells))
    except csv.Error as exc:
        raise TableError(
            _("The file is not valid CSV near line %(line)s: %(reason)s.")
            % {"line": line + 1, "reason": exc},
            row=line + 1,
        ) from exc
    if headers is None:
        raise TableError(_("The file is empty."))
    return Table(headers=headers, rows=rows)


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        # Excel stores A-numbers, phones and years typed as numbers as floats.
        return str(int(value))
    return str(value)


def read_xlsx(data: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise TableError(
            _("The XLSX file cannot be read; open it in a spreadsheet and save it again.")
        ) from exc
    try:
        if not workbook.worksheets:
            raise TableError(_("The XLSX file has no sheets."))
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        rows: list[tuple[int, list[Any]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [cell(v) for v in values]
            if not any(c.strip() if isinstance(c, str) else True for c in cells):
                continue
            if headers is None:
                headers = [str(c).strip() for c in cells]
                continue
            if len(rows) >= max_rows:
                raise TableError(
                    _("The file has more than %(max)s rows; split it into smaller files.")
                    % {"max": max_rows},
                    row=number,
                )
            rows.append((number, cells))
    finally:
        workbook.close()
    if headers is None:
        raise TableError(_("The first sheet of the file is empty."))
    return Table(headers=headers, rows=rows, typed=True)


def read_table(data: bytes, filename: str, max_rows: int) -> Table:
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise TableError(
            _("Excel 97-2003 (.xls) files are not supported; save the file as .xlsx or CSV.")
        )
    if data.startswith(b"PK\x03\x04"):
        if suffix in ("", ".xlsx", ".xlsm", ".csv", ".txt"):
            return read_xlsx(data, max_rows)
        raise TableError(
            _("Unsupported file type %(type)s; upload a CSV or XLSX file.") % {"type": repr(suffix)}
        )
    if suffix in ("", ".csv", ".txt", ".tsv", ".tab"):
        return read_csv(data, max_rows)
    if suffix in (".xlsx", ".xlsm"):
        raise TableError(
            _("The XLSX file cannot be read; open it in a spreadsheet and save it again.")
        )
    raise TableError(
        _("Unsupported file type %(type)s; upload a CSV or XLSX file.") % {"type": repr(suffix)}
    )
