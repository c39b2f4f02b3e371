"""``lib.pdf.pdf_bytes``: a printout leaves no font file open, even when it fails."""

from __future__ import annotations

import pytest
from fpdf import FPDF

from mppdesk.lib.pdf import FONT, add_fonts, pdf_bytes


def _document() -> FPDF:
    pdf = FPDF()
    add_fonts(pdf)
    pdf.add_page()
    pdf.set_font(FONT, "", 12)
    pdf.cell(0, 10, "Audiencia en Ciudad Juárez: señora Conceição")
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 10, "Plazo de 30 días")
    return pdf


def _font_files(pdf: FPDF) -> list:  # type: ignore[type-arg]
    return [font.ttfont.reader.file for font in pdf.fonts.values()]


def test_the_document_is_made_and_its_font_files_are_closed():
    pdf = _document()
    files = _font_files(pdf)
    assert len(files) == 2 and not any(f.closed for f in files)
    data = pdf_bytes(pdf)
    assert data.startswith(b"%PDF-")
    assert all(f.closed for f in files)


def test_the_font_files_are_closed_when_the_output_fails(monkeypatch):
    pdf = _document()
    files = _font_files(pdf)

    def broken() -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(pdf, "output", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        pdf_bytes(pdf)
    assert all(f.closed for f in files)
