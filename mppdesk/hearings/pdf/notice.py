"""The printed hearing notice, in the person's language (es, en, pt, ht, fr).

It takes plain data (``NoticeData``), not models, so it renders without a database; the
caller (hearings services or views) fills it from the hearing, the notice record, the
venue and the port. Personal data on it is limited to what a court notice needs: the
person's name and A-number. The port reporting instructions come first and largest: the
person acts on them, on the Mexican city's clock, often before dawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from mppdesk.hearings.pdf import texts
from mppdesk.hearings.pdf.formatting import (
    city_of,
    format_date,
    format_moment,
    in_zone,
    moment_parts,
)
from mppdesk.lib.pdf import FONT
from mppdesk.lib.pdf.layout import Document

NoticeKind = Literal["scheduled", "changed", "cancelled"]
NOTICE_KINDS: tuple[str, ...] = ("scheduled", "changed", "cancelled")


@dataclass(frozen=True)
class NoticeData:
    """What one printed notice says. Datetimes must be aware; they are shown in their zone.

    ``hearing_local`` is shown on the court's clock (``court_timezone``), ``report_local``
    on the Mexican port city's clock (``port_timezone``); a datetime in another zone (UTC
    from the database, say) is converted, never read as local.
    """

    language: str  # "es", "en", "pt", "ht", "fr"
    kind: str  # "scheduled", "changed", "cancelled"
    person_name: str
    a_number_display: str  # "A012-345-678"
    hearing_kind: str  # "master" or "individual"
    hearing_local: dt.datetime
    venue_name: str  # "El Paso Immigration Court"
    venue_city: str  # address line: "El Paso, TX"
    court_timezone: str  # IANA, e.g. "America/Denver"
    port_name: str  # "El Paso – Paso del Norte"
    port_city: str  # the Mexican city whose clock the reporting time is on: "Ciudad Juárez"
    report_local: dt.datetime
    port_timezone: str  # IANA, e.g. "America/Ciudad_Juarez"
    report_place: str = ""  # where at the port: "Puente Paso del Norte, entrada peatonal"
    previous_hearing_local: dt.datetime | None = None  # for "changed"
    reason: str = ""  # for "changed" and "cancelled", printed as written
    served_method: str = ""  # "in_person", "mail", "electronic", "shelter"
    issued_on: dt.date | None = None


def render_notice(notice: NoticeData) -> bytes:
    """The notice as a PDF (Letter, one or two pages) in ``notice.language``."""
    if notice.language not in texts.NOTICE:
        raise ValueError(f"unsupported notice language {notice.language!r}")
    if notice.kind not in NOTICE_KINDS:
        raise ValueError(f"unknown notice kind {notice.kind!r}")
    lang = notice.language
    t = texts.NOTICE[lang]
    court_city = city_of(notice.venue_city)
    hearing_text = format_moment(notice.hearing_local, notice.court_timezone, court_city, lang)

    created = (
        dt.datetime.combine(notice.issued_on, dt.time(), tzinfo=dt.UTC)
        if notice.issued_on is not None
        else None
    )
    doc = Document(title=t["doc_title"], footer="", page_label=t["page"], created_at=created)
    doc.title_line(t[f"title_{notice.kind}"])
    doc.paragraph(t[f"intro_{notice.kind}"].format(hearing=hearing_text), size=10)
    doc.ln(2)
    doc.row(t["name"], notice.person_name, size=10.5)
    doc.row(t["a_number"], notice.a_number_display, size=10.5)
    if notice.issued_on is not None:
        doc.row(t["issued"], format_date(notice.issued_on, lang), size=9)
    if notice.served_method:
        method = t.get(f"method_{notice.served_method}", notice.served_method)
        doc.row(t["served"], method, size=9)
    doc.ln(3)

    if notice.kind == "cancelled":
        _box(doc, [(t["cancel_box"], 13, True)])
    else:
        _report_box(doc, notice, t)

    cancelled = notice.kind == "cancelled"
    doc.heading(t["hearing_heading_cancelled" if cancelled else "hearing_heading"])
    doc.row(t["hearing_when"], hearing_text)
    doc.row(t["hearing_court"], notice.venue_name)
    doc.row(t["hearing_city"], notice.venue_city)
    doc.row(t["hearing_kind"], t.get(f"kind_{notice.hearing_kind}", notice.hearing_kind))
    if notice.kind == "changed" and notice.previous_hearing_local is not None:
        previous = format_moment(
            notice.previous_hearing_local, notice.court_timezone, court_city, lang
        )
        doc.row(t["previous"], previous)
    if notice.reason and notice.kind != "scheduled":
        doc.row(t["reason"], notice.reason)

    sections = ["private", "lawyer", "address"]
    if not cancelled:
        sections = ["bring", "absent", *sections]
    for section in sections:
        doc.heading(t[f"{section}_heading"], size=10)
        doc.paragraph(t[f"{section}_text"], size=9)

    return doc.to_bytes()


def _report_box(doc: Document, notice: NoticeData, t: dict[str, str]) -> None:
    lang = notice.language
    when, zone = moment_parts(notice.report_local, notice.port_timezone, notice.port_city, lang)
    lines: list[tuple[str, float, bool]] = [
        (t["report_heading"], 12.5, True),
        (t["report_port"].upper(), 8, True),
        (notice.port_name, 14, True),
    ]
    if notice.report_place:
        lines += [(t["report_place"].upper(), 8, True), (notice.report_place, 11, False)]
    lines += [(t["report_when"].upper(), 8, True), (when, 15, True), (zone, 11, True)]
    report_day = in_zone(notice.report_local, notice.port_timezone).date()
    hearing_day = in_zone(notice.hearing_local, notice.court_timezone).date()
    if report_day != hearing_day:
        # Only a reporting time before midnight can fall on another day than the hearing.
        warning = t["report_day_before"].format(date=format_date(report_day, lang))
        lines.append((warning, 11, True))
    lines.append((t["report_lead"].format(city=notice.port_city), 9.5, False))
    lines.append((t["report_on_time"], 9.5, False))
    _box(doc, lines)


def _box(doc: Document, lines: list[tuple[str, float, bool]]) -> None:
    """Lines on a light grey ground inside a heavy frame: prints well in black and white."""
    pad = 3.0
    width = doc.epw - 2 * pad

    def gap(size: float) -> float:
        return 1.0 if size <= 8 else 0.0  # a little air above each small field label

    # Measure first: the ground is drawn before the text, so the text lies on top of it.
    height = 2 * pad
    for text, size, bold in lines:
        doc.set_font(FONT, "B" if bold else "", size)
        measured = doc.multi_cell(
            width, size * 0.52, text, align="L", dry_run=True, output="HEIGHT"
        )
        height += gap(size) + float(measured)  # type: ignore[arg-type]
    if doc.will_page_break(height):
        doc.add_page()
    top = doc.get_y()
    doc.set_fill_color(232, 232, 232)
    doc.set_draw_color(0, 0, 0)
    doc.set_line_width(0.8)
    doc.rect(doc.l_margin, top, doc.epw, height, style="DF")
    doc.set_line_width(0.2)
    doc.set_y(top + pad)
    for text, size, bold in lines:
        doc.set_font(FONT, "B" if bold else "", size)
        doc.ln(gap(size))
        doc.set_x(doc.l_margin + pad)
        doc.multi_cell(width, size * 0.52, text, align="L", new_x="LMARGIN", new_y="NEXT")
    doc.set_y(top + height + 2)
