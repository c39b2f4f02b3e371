"""PDF building blocks shared by every printout (fpdf2).

The DejaVu fonts in ``fonts/`` cover the Latin letters of all the notice languages
(è, ò, ç, ã, õ, ñ, «») and are embedded as subsets, so a printout never depends on the
reader's fonts. :func:`add_fonts` registers them on a document under :data:`FONT`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fpdf import FPDF

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"


def add_fonts(pdf: FPDF) -> None:
    """Register the regular and bold DejaVu faces on ``pdf`` as family :data:`FONT`."""
    pdf.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))


def pdf_bytes(pdf: FPDF) -> bytes:
    """The finished document; its font files are closed even when the output fails.

    fpdf2 opens each font file when it is added and reads its tables lazily; it closes
    the files at the end of a successful output only. A document whose output fails
    would hold two descriptors in a web worker until garbage collection.
    """
    try:
        return bytes(pdf.output())
    finally:
        for font in pdf.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()
