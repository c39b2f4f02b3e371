"""The transport manifest of a transfer group (CSV and PDF).

It holds the minimum the transport needs, one line per included person:

- household number (who travels and is seated together) and seat number;
- given names and family names: the identity check at boarding and at the port is done
  against the person's documents, so initials would not do;
- year of birth and sex: to tell apart people with the same names and to see that a
  child travels with their family (the full date of birth is not needed);
- pick-up facility and destination shelter (where the bus stops).

It never holds an A-number, nationality, phone number, date of birth, roster id or any
screening data: a manifest is printed and handed to drivers, and a lost one must not
let anyone look a person's hearing up (the courts answer to an A-number alone) or
reach them. File names hold the group's date and the start of its random id only.
Each download is recorded in the audit log as an export of the group and of each
person (``services.record_manifest_export``).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from mppdesk.lib import csvfile
from mppdesk.transfers.models import TransferGroup, TransferMember

COLUMNS = (
    "household",
    "seat",
    "given_names",
    "family_names",
    "birth_year",
    "sex",
    "facility",
    "shelter",
)


@dataclass(frozen=True)
class ManifestLine:
    household: int
    seat: int
    given_names: str
    family_names: str
    birth_year: str
    sex: str
    facility: str
    shelter: str


def manifest_lines(group: TransferGroup) -> list[ManifestLine]:
    members = (
        TransferMember.objects.filter(group=group, included=True)
        .select_related("person", "facility", "shelter")
        .order_by("household_number", "seat")
    )
    lines = []
    for m in members:
        p = m.person
        year = p.birth_year or (p.birth_date.year if p.birth_date else None)
        lines.append(
            ManifestLine(
                household=m.household_number or 0,
                seat=m.seat or 0,
                given_names=p.given_names,
                family_names=p.family_names,
                birth_year=str(year) if year else "",
                sex=p.sex,
                facility=m.facility.name,
                shelter=m.shelter.name if m.shelter else "",
            )
        )
    return lines


def filename(group: TransferGroup, extension: str) -> str:
    """``manifest-2026-01-28-1a2b3c4d.csv``: no personal data in a file name."""
    return f"manifest-{group.date.isoformat()}-{str(group.pk)[:8]}.{extension}"


def to_csv(group: TransferGroup, lines: list[ManifestLine]) -> bytes:
    # UTF-8 with BOM: Excel (what transport companies open it with) reads the accents;
    # names that start like a formula are neutralized (``lib.csvfile``).
    return csvfile.csv_bytes(COLUMNS, ([getattr(line, c) for c in COLUMNS] for line in lines))


def to_pdf(group: TransferGroup, lines: list[ManifestLine]) -> bytes:
    """Landscape, one row per person; long names, facilities and shelters wrap inside their
    cell (nothing is cut: the crew reads the stop off this sheet), and the header row is
    repeated on every page."""
    from fpdf.fonts import FontFace

    from mppdesk.lib.pdf import FONT
    from mppdesk.lib.pdf.layout import Document

    doc = Document(
        title=_("Transport manifest"),
        footer=_("Contains personal data: hand it only to the transport crew; destroy after use."),
        page_label=_("Page {page} of {pages}"),
        created_at=group.approved_at or group.created_at,
        landscape=True,
    )
    doc.title_line(_("Transport manifest"))
    doc.row(_("Group"), group.name)
    doc.row(_("Date"), group.date.isoformat())
    doc.row(_("Port of entry"), f"{group.port.name} → {group.receiving_city}")
    doc.row(_("People"), str(len(lines)))
    doc.ln(3)
    headers = [
        (_("Household"), 16), (_("Seat"), 10), (_("Given names"), 36), (_("Family names"), 36),
        (_("Year"), 11), (_("Sex"), 8), (_("Facility"), 45), (_("Shelter"), 45),
    ]  # fmt: skip
    doc.set_font(FONT, "", 8)
    with doc.table(
        col_widths=[w for _h, w in headers],
        width=doc.epw,
        line_height=4.2,
        text_align="LEFT",
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        repeat_headings=1,
        padding=1,
    ) as table:
        heading = table.row()
        for text, _w in headers:
            heading.cell(str(text))
        for line in lines:
            row = table.row()
            for value in (
                str(line.household), str(line.seat), line.given_names, line.family_names,
                line.birth_year, line.sex, line.facility, line.shelter,
            ):  # fmt: skip
                row.cell(value)
    return doc.to_bytes()
