"""The blank import template (CSV and XLSX) offered on the import page.

Its headers are accepted names of the importer's columns (``importer.COLUMNS``), in the
language of the page (Spanish or English), so a template filled in and uploaded maps every
column without a warning. The XLSX template has a second sheet explaining each column;
the importer reads the first sheet only.
"""

from __future__ import annotations

import io

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from mppdesk.lib import csvfile

# Canonical column -> (Spanish header, English header, what to write). Both headers are
# among the importer's accepted names (a test keeps them so).
TEMPLATE_COLUMNS = {
    "given_names": ("nombres", "given_names", _("Required. Given names as on the documents.")),
    "family_names": ("apellidos", "family_names", _("Family names (both, if two).")),
    "birth_date": (
        "fecha_nacimiento", "date_of_birth",
        _("YYYY-MM-DD or DD/MM/YYYY; a year alone if that is all that is known."),
    ),
    "sex": ("sexo", "sex", _("F, M or X.")),
    "nationality": ("nacionalidad", "nationality", _("Country name or ISO code (HND, GTM...).")),
    "languages": (
        "idiomas", "languages",
        _("Languages spoken, preferred first, separated by commas (español, mam, k'iche')."),
    ),
    "needs_interpreter": ("necesita_interprete", "needs_interpreter", _("yes / no.")),
    "vulnerabilities": (
        "vulnerabilidades", "vulnerabilities",
        _("Optional, separated by commas: pregnant, disability, medical, mental_health, elderly..."),
    ),
    "phone": ("telefono", "phone", _("Mexican or US number; +52 is assumed without a prefix.")),
    "whatsapp": ("whatsapp", "whatsapp", _("WhatsApp number, if different.")),
    "email": ("correo", "email", _("Email address.")),
    "consent": (
        "consentimiento", "consent",
        _("yes / no: the person agreed to be contacted at these numbers."),
    ),
    "a_number": ("numero_a", "a_number", _("The 9-digit A-number, on the lead's row.")),
    "household": (
        "hogar", "household",
        _("The same key on every row of one family (H1, H2...)."),
    ),
    "relationship": (
        "parentesco", "relationship",
        _("titular / lead for the lead respondent; esposa, hijo, madre... for the others."),
    ),
    "city": ("ciudad", "city", _("Border city or port of entry (Ciudad Juárez, Tijuana...).")),
    "venue": ("sede", "venue", _("Immigration court (El Paso, San Diego...).")),
    "program_version": ("programa", "program_version", _("2019, 2021 or current.")),
    "notes": ("notas", "notes", _("Free text; do not write A-numbers or phones here.")),
}  # fmt: skip


def headers(language: str | None = None) -> list[str]:
    spanish = (language or get_language() or "es").startswith("es")
    return [es if spanish else en for es, en, _help in TEMPLATE_COLUMNS.values()]


def template_csv() -> bytes:
    return csvfile.csv_bytes(headers(), [])


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet(str(_("People")))
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    # Leading zeros of phones and A-numbers survive only in text cells.
    for index in range(1, len(TEMPLATE_COLUMNS) + 1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = 18
    for column in ("phone", "whatsapp", "a_number"):
        position = list(TEMPLATE_COLUMNS).index(column) + 1
        for row in range(2, 1002):
            sheet.cell(row=row, column=position).number_format = "@"
    guide = book.create_sheet(str(_("Columns")))
    guide.append([str(_("Column")), str(_("What to write"))])
    for header, (_es, _en, help_text) in zip(headers(), TEMPLATE_COLUMNS.values(), strict=True):
        guide.append([header, str(help_text)])
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 90
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
