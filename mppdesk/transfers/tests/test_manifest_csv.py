"""Manifest CSVs go through the shared writer: a name cannot run as a formula."""

from __future__ import annotations

import csv
import io
import re

from hypothesis import given
from hypothesis import strategies as st

from mppdesk.lib.csvfile import FORMULA_STARTS
from mppdesk.transfers import manifest


def _line(given_names: str, family_names: str = "Pérez") -> manifest.ManifestLine:
    return manifest.ManifestLine(
        household=1, seat=1, given_names=given_names, family_names=family_names,
        birth_year="1990", sex="F", facility="=cmd|' /C calc'!A0", shelter="@Casa",
    )  # fmt: skip


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_formula_like_names_and_places_are_neutralized():
    data = manifest.to_csv(None, [_line('=HYPERLINK("http://evil","x")', "-Ruiz")])  # type: ignore[arg-type]
    (row,) = _rows(data)
    assert row["given_names"] == '\'=HYPERLINK("http://evil","x")'
    assert row["family_names"] == "'-Ruiz"
    assert row["facility"].startswith("'=") and row["shelter"] == "'@Casa"
    assert (row["household"], row["seat"], row["birth_year"]) == ("1", "1", "1990")
    assert data.startswith("\ufeff".encode())


@given(st.text(min_size=1), st.text())
def test_no_manifest_cell_starts_like_a_formula(given_names, family_names):
    (row,) = _rows(manifest.to_csv(None, [_line(given_names, family_names)]))  # type: ignore[arg-type]
    for value in row.values():
        # A signed number ("-3") is a number to a spreadsheet, never a formula.
        assert not value.startswith(FORMULA_STARTS) or re.fullmatch(
            r"[+-][0-9]+([.,][0-9]+)?", value
        )
