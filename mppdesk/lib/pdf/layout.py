"""A thin layer over fpdf2 shared by the hearing notice, the evidence packet, the
transport manifest and the assistance letters: Letter pages, the embedded fonts
(``lib.pdf.add_fonts``), a footer with page numbers, headings and label/value rows.
"""

from __future__ import annotations

import datetime as dt

from fpdf import FPDF

from mppdesk.lib.pdf import FONT, add_fonts, pdf_bytes

# US Letter: the paper sold in the US and Mexican border cities where these are printed.
PAGE_FORMAT = "Letter"


class Document(FPDF):
    """Letter pages with the embedded font and a footer line with page numbers."""

    def __init__(
        self,
        *,
        title: str,
        footer: str,
        page_label: str,
        created_at: dt.datetime | None = None,
        landscape: bool = False,
    ) -> None:
        super().__init__(orientation="L" if landscape else "P", format=PAGE_FORMAT)
        if created_at is not None:
            # The same record renders to the same bytes (no clock in the file).
            self.set_creation_date(created_at)
        self._footer_text = footer
        self._page_label = page_label  # "Page {page} of {pages}"
        add_fonts(self)
        self.set_title(title)
        self.set_creator("MPP Desk")
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(16, 12, 16)
        self.alias_nb_pages("{nb}")
        self.add_page()

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, "", 7)
        self.set_text_color(90, 90, 90)
        page = self._page_label.format(page=self.page_no(), pages="{nb}")
        page_width = 28
        if self._footer_text:
            self.multi_cell(
                self.epw - page_width, 3.5, self._footer_text, align="L", new_x="RIGHT", new_y="TOP"
            )
        else:
            self.set_x(self.l_margin + self.epw - page_width)
        self.cell(page_width, 3.5, page, align="R")
        self.set_text_color(0, 0, 0)

    # --- building blocks ---------------------------------------------------------------

    def title_line(self, text: str, size: float = 17) -> None:
        self.set_font(FONT, "B", size)
        self.multi_cell(self.epw, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def heading(self, text: str, size: float = 11.5) -> None:
        if self.will_page_break(16):
            self.add_page()
        self.ln(1.8)
        self.set_font(FONT, "B", size)
        self.multi_cell(self.epw, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(140, 140, 140)
        self.set_line_width(0.2)
        self.line(self.l_margin, self.get_y(), self.l_margin + self.epw, self.get_y())
        self.ln(1.2)

    def paragraph(self, text: str, size: float = 9.5, bold: bool = False) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(self.epw, size * 0.5, text or "—", align="L", new_x="LMARGIN", new_y="NEXT")

    def row(self, label: str, value: str, size: float = 9.5, label_width: float = 52) -> None:
        """A label and its value side by side; the row is as tall as the taller of both."""
        height = size * 0.5
        self.set_font(FONT, "B", size)
        label_lines = len(self.multi_cell(label_width, height, label, dry_run=True, output="LINES"))  # type: ignore[arg-type]
        self.set_font(FONT, "", size)
        value_lines = len(
            self.multi_cell(
                self.epw - label_width, height, value or "—", dry_run=True, output="LINES"
            )  # type: ignore[arg-type]
        )
        if self.will_page_break(height * max(label_lines, value_lines)):
            self.add_page()
        y = self.get_y()
        self.set_font(FONT, "B", size)
        self.multi_cell(label_width, height, label, align="L", new_x="RIGHT", new_y="TOP")
        self.set_font(FONT, "", size)
        self.multi_cell(
            self.epw - label_width, height, value or "—", align="L", new_x="LMARGIN", new_y="NEXT"
        )
        self.set_y(max(self.get_y(), y + height * label_lines))

    def to_bytes(self) -> bytes:
        return pdf_bytes(self)
