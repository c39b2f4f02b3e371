"""The in absentia evidence packet: a PDF for attorneys and a ZIP of the records behind it.

Input is ``hearings.evidence.EvidencePacket`` (plain frozen dataclasses, built by
``hearings.evidence.evidence_for``); nothing here reads the database. Stored codes
(kinds, statuses, methods) are labelled in the packet's language from ``texts.py``;
free text (names, addresses, reasons, ``AddressCheck.reason``) is printed as recorded,
so build the packet under ``translation.override(language)`` for matching sentences.

Every time is printed on the court's clock with UTC beside it: a motion to reopen argues
about what the person was told and when, and both readings must be on the page.

The ZIP holds ``evidence-packet.pdf``, ``records.json`` (everything, round-trips through
``packet_from_json``), ``notices.csv``, ``messages.csv`` and each printed notice under
``notices/``. File names carry only ordinal numbers, kinds and languages: never an
A-number, a name or a record id that a download folder would show.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import types
import typing
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from fpdf.fonts import FontFace

from mppdesk.hearings import evidence as records
from mppdesk.hearings.evidence import EvidencePacket, HearingRecord, NoticeRecord
from mppdesk.hearings.pdf import texts
from mppdesk.lib import csvfile
from mppdesk.lib.pdf import FONT
from mppdesk.lib.pdf.layout import Document

FORMAT = "mppdesk.hearings.evidence_packet/1"
PACKET_PDF = "evidence-packet.pdf"
RECORDS_JSON = "records.json"
NOTICES_CSV = "notices.csv"
MESSAGES_CSV = "messages.csv"
NOTICE_COLUMNS = [
    "notice_number", "notice_id", "hearing_number", "hearing_id", "kind", "method",
    "address", "language", "served_at", "served_by", "recorded_at", "recorded_by",
    "address_could_reach", "address_check_code", "address_check_reason", "pdf_file",
]  # fmt: skip
MESSAGE_COLUMNS = [
    "message_id", "hearing_number", "hearing_id", "channel", "to", "language",
    "created_at", "sent_at", "status", "status_at", "error",
]  # fmt: skip


# --- PDF ------------------------------------------------------------------------------


def render_evidence_packet(
    evidence: EvidencePacket, *, language: str = "en", generated_by: str = ""
) -> bytes:
    """The evidence packet as a PDF in ``language`` ("en" or "es").

    ``generated_by`` names who produced it (a display name); it is printed in the header
    and on every page's footer with ``evidence.generated_at``.
    """
    t = _texts(language)
    labels = _Labels(language)
    hearing = evidence.hearing
    zone = hearing.venue_timezone
    by = generated_by or str(getattr(evidence, "generated_by", "") or "") or t["unknown"]
    generated = _when(evidence.generated_at, zone)
    numbers = _hearing_numbers(evidence.chain)

    doc = Document(
        title=t["doc_title"],
        footer=t["confidential"].format(at=generated, by=by),
        page_label=t["page"],
        created_at=evidence.generated_at,
    )
    doc.title_line(t["title"], size=15)
    doc.paragraph(t["intro"], size=9)
    doc.ln(2)
    doc.row(t["organization"], evidence.organization_name)
    doc.row(t["case"], str(evidence.case_id))
    doc.row(t["a_number"], evidence.a_number_display)
    doc.row(t["generated"], generated)
    doc.row(t["generated_by"], by)

    doc.heading(t["hearing_heading"])
    doc.row(t["scheduled"], _when(hearing.scheduled_at, zone))
    doc.row(t["court"], hearing.venue_name)
    doc.row(t["courtroom"], hearing.courtroom)
    doc.row(t["judge"], hearing.judge)
    doc.row(t["kind"], labels.code("hearing_kind", hearing.kind, hearing.kind_label))
    doc.row(t["status"], labels.code("status", hearing.status, hearing.status_label))
    doc.row(t["outcome"], labels.code("outcome", hearing.outcome, hearing.outcome_label))
    doc.row(t["port"], _port(hearing))
    doc.row(t["report"], _when(hearing.report_at, hearing.port_timezone))
    doc.row(t["report_place"], hearing.report_place)
    if hearing.continuance_reason:
        doc.row(t["continuance_reason"], hearing.continuance_reason)

    _deadlines(doc, evidence, t, labels)

    doc.heading(t["address_heading"])
    check = evidence.address_could_reach
    doc.paragraph(t["could_reach_yes" if check.could_reach else "could_reach_no"], bold=True)
    doc.paragraph(f"{check.reason} [{check.code}]" if check.reason else f"[{check.code}]")
    doc.set_text_color(80, 80, 80)
    doc.paragraph(t["address_check_note"], size=8)
    doc.set_text_color(0, 0, 0)

    doc.heading(t["chain_heading"])
    _table(
        doc,
        [
            t["col_number"],
            t["col_scheduled"],
            t["report"],
            t["col_kind"],
            t["col_status"],
            t["col_reason"],
            t["col_created"],
        ],  # fmt: skip
        [
            [
                str(numbers[h.id]),
                f"{_when(h.scheduled_at, h.venue_timezone)}\n{h.venue_name}"
                + (f", {h.courtroom}" if h.courtroom else ""),
                "\n".join(
                    part
                    for part in (_port(h), _when(h.report_at, h.port_timezone), h.report_place)
                    if part and part != "—"
                )
                or "—",
                labels.code("hearing_kind", h.kind, h.kind_label),
                " / ".join(
                    part
                    for part in (
                        labels.code("status", h.status, h.status_label),
                        labels.code("outcome", h.outcome, h.outcome_label) if h.outcome else "",
                    )
                    if part
                ),
                h.continuance_reason or "—",
                _by(_when(h.created_at, h.venue_timezone), h.created_by),
            ]
            for h in evidence.chain
        ],
        widths=(7, 34, 36, 20, 26, 28, 32.9),
    )

    doc.heading(t["notices_heading"])
    if evidence.notices:
        zones = {h.id: h.venue_timezone for h in evidence.chain}
        _table(
            doc,
            [
                t["col_hearing"],
                t["col_notice_kind"],
                t["col_method"],
                t["col_address"],
                t["col_language"],
                t["col_served"],
                t["col_recorded"],
                t["col_could_reach"],
            ],  # fmt: skip
            [
                [
                    _number(numbers, n.hearing_id),
                    labels.code("notice_kind", n.kind, n.kind_label),
                    labels.code("method", n.method, n.method_label),
                    n.address or "—",
                    n.language,
                    _by(_when(n.served_at, zones.get(n.hearing_id, zone)), n.served_by)
                    if n.served_at
                    else t["not_served"],
                    _by(_when(n.recorded_at, zones.get(n.hearing_id, zone)), n.recorded_by),
                    f"{t['yes'] if n.address_check.could_reach else t['no']}: "
                    f"{n.address_check.reason or n.address_check.code}",
                ]
                for n in evidence.notices
            ],
            widths=(15, 19, 16, 32, 12, 30, 30, 29.9),
        )
    else:
        doc.paragraph(t["no_notices"])

    doc.heading(t["messages_heading"])
    if evidence.messages:
        _table(
            doc,
            [
                t["col_hearing"],
                t["col_channel"],
                t["col_to"],
                t["col_language"],
                t["col_sent"],
                t["col_delivery"],
                t["col_error"],
            ],  # fmt: skip
            [
                [
                    _number(numbers, m.hearing_id),
                    m.channel,
                    m.to,
                    m.language,
                    _when(m.sent_at, zone),
                    f"{m.status}\n{_when(m.status_at, zone)}" if m.status_at else m.status,
                    m.error or "—",
                ]
                for m in evidence.messages
            ],
            widths=(15, 16, 32, 12, 37, 37, 34.9),
        )
    else:
        doc.paragraph(t["no_messages"])

    doc.heading(t["people_heading"])
    names = {p.id: p.name for p in evidence.people}
    _table(
        doc,
        [t["col_name"], t["col_role"], t["col_languages"], t["col_interpreter"]],
        [
            [
                p.name,
                labels.code("role", p.role, p.role_label),
                ", ".join(p.languages) or "—",
                t["yes"] if p.needs_interpreter else t["no"],
            ]
            for p in evidence.people
        ],
        widths=(70, 44, 40, 29.9),
    )

    doc.heading(t["contacts_heading"])
    if evidence.contact_points:
        _table(
            doc,
            [
                t["col_person"],
                t["col_contact_kind"],
                t["col_value"],
                t["col_consent"],
                t["col_opted_out"],
                t["col_reachable"],
            ],  # fmt: skip
            [
                [
                    names.get(c.person_id, "—"),
                    labels.code("contact", c.kind, c.kind_label),
                    c.value,
                    _flag(t, c.consent, c.consent_recorded_at, zone),
                    _flag(t, c.opted_out, c.opted_out_at, zone),
                    t["yes"] if c.reachable else t["no"],
                ]
                for c in evidence.contact_points
            ],
            widths=(40, 22, 36, 32, 32, 21.9),
        )
    else:
        doc.paragraph(t["no_contacts"])
    return doc.to_bytes()


def _deadlines(doc: Document, evidence: EvidencePacket, t: dict[str, str], labels: _Labels) -> None:
    doc.heading(t["deadlines_heading"])
    zone = evidence.hearing.venue_timezone
    today = evidence.generated_at.astimezone(ZoneInfo(zone)).date()
    follow_up = evidence.follow_up
    if follow_up is None:
        doc.paragraph(t["no_follow_up"])
        doc.paragraph("• " + t["deadline_exceptional_unknown"])
    else:
        doc.row(
            t["follow_up_status"],
            labels.code("follow_up", follow_up.status, follow_up.status_label),
        )
        doc.row(t["opened_at"], _when(follow_up.opened_at, zone))
        doc.row(t["order_date"], follow_up.order_date.isoformat())
        if follow_up.notes:
            doc.row(t["notes"], follow_up.notes)
        deadline = follow_up.exceptional_circumstances_deadline
        days = (deadline - today).days
        if days > 0:
            left = t["days_left"].format(days=days, today=today.isoformat())
        elif days == 0:
            left = t["deadline_today"].format(today=today.isoformat())
        else:
            left = t["days_passed"].format(days=-days, today=today.isoformat())
        doc.ln(1)
        doc.paragraph(
            "• " + t["deadline_exceptional"].format(date=deadline.isoformat()) + " " + left,
            bold=True,
        )
    doc.paragraph("• " + t["deadline_any_time"], bold=True)
    doc.paragraph("• " + t["nivelo"], size=8.5)


def _table(
    doc: Document, headings: list[str], rows: list[list[str]], widths: Sequence[float]
) -> None:
    doc.set_font(FONT, "", 7)
    doc.set_draw_color(150, 150, 150)
    doc.set_line_width(0.15)
    with doc.table(
        col_widths=tuple(widths),
        width=doc.epw,
        text_align="LEFT",
        v_align="TOP",
        line_height=3.4,
        padding=0.8,
        headings_style=FontFace(emphasis="BOLD", fill_color=(225, 225, 225)),
        repeat_headings=1,
    ) as table:
        header = table.row()
        for text in headings:
            header.cell(text)
        for values in rows:
            row = table.row()
            for value in values:
                row.cell(value or "—")
    doc.ln(1)


class _Labels:
    def __init__(self, language: str) -> None:
        self.codes = texts.PACKET_CODES[language]

    def code(self, group: str, value: str, fallback: str) -> str:
        if not value:
            return "—"
        return self.codes.get(f"{group}.{value}", fallback or value)


def _texts(language: str) -> dict[str, str]:
    if language not in texts.PACKET:
        raise ValueError(f"unsupported packet language {language!r}")
    return texts.PACKET[language]


def _when(moment: dt.datetime | None, zone: str) -> str:
    """``2026-03-09 08:00 MDT [2026-03-09 14:00 UTC]``."""
    if moment is None:
        return "—"
    local = moment.astimezone(ZoneInfo(zone)) if zone else moment
    utc = moment.astimezone(dt.UTC)
    return f"{local:%Y-%m-%d %H:%M} {local.tzname()} [{utc:%Y-%m-%d %H:%M} UTC]"


def _by(when: str, who: str) -> str:
    return f"{when}\n{who}" if who else when


def _flag(t: dict[str, str], value: bool, at: dt.datetime | None, zone: str) -> str:
    if not value:
        return t["no"]
    return f"{t['yes']}\n{_when(at, zone)}" if at else t["yes"]


def _port(hearing: HearingRecord) -> str:
    if not hearing.port_name:
        return "—"
    if hearing.port_mexican_city:
        return f"{hearing.port_name} ({hearing.port_mexican_city})"
    return hearing.port_name


def _hearing_numbers(chain: Iterable[HearingRecord]) -> dict[uuid.UUID, int]:
    return {h.id: number for number, h in enumerate(chain, start=1)}


def _number(numbers: dict[uuid.UUID, int], hearing_id: uuid.UUID | None) -> str:
    if hearing_id is None or hearing_id not in numbers:
        return "—"
    return str(numbers[hearing_id])


# --- ZIP ------------------------------------------------------------------------------


def build_evidence_zip(
    evidence: EvidencePacket,
    notice_pdfs: dict[str, bytes] | None = None,
    *,
    language: str = "en",
    generated_by: str = "",
) -> bytes:
    """A ZIP with the packet PDF, ``records.json``, the notice and message CSVs and each
    printed notice in ``notice_pdfs`` (keyed by ``str(notice.id)``; an id that is not one
    of the packet's notices is refused, so no stray document lands in the evidence)."""
    _texts(language)
    notice_pdfs = notice_pdfs or {}
    known = {str(n.id) for n in evidence.notices}
    unknown = set(notice_pdfs) - known
    if unknown:
        raise ValueError(f"{len(unknown)} notice PDF(s) do not belong to this packet")
    pdf_names = {
        str(n.id): f"notices/notice-{number:02d}-{_slug(n.kind)}-{_slug(n.language)}.pdf"
        for number, n in enumerate(evidence.notices, start=1)
        if str(n.id) in notice_pdfs
    }
    numbers = _hearing_numbers(evidence.chain)
    files: list[tuple[str, bytes]] = [
        (
            PACKET_PDF,
            render_evidence_packet(evidence, language=language, generated_by=generated_by),
        ),
        (RECORDS_JSON, _records_json(evidence, language, generated_by, pdf_names)),
        (NOTICES_CSV, _notices_csv(evidence.notices, numbers, pdf_names)),
        (MESSAGES_CSV, _messages_csv(evidence, numbers)),
    ]
    for notice in evidence.notices:
        name = pdf_names.get(str(notice.id))
        if name is not None:
            files.append((name, notice_pdfs[str(notice.id)]))

    # The archive's timestamps are the packet's, so the same packet zips to the same bytes.
    stamp = evidence.generated_at.astimezone(dt.UTC)
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def _records_json(
    evidence: EvidencePacket, language: str, generated_by: str, pdf_names: dict[str, str]
) -> bytes:
    document = {
        "format": FORMAT,
        "language": language,
        "generated_by": generated_by,
        "files": {
            "packet_pdf": PACKET_PDF,
            "notices_csv": NOTICES_CSV,
            "messages_csv": MESSAGES_CSV,
            "notice_pdfs": pdf_names,
        },
        "packet": evidence.to_dict(),
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _csv(columns: list[str], rows: Iterable[list[Any]]) -> bytes:
    """UTF-8 with a BOM (spreadsheets read the accents); formula-like text neutralized
    by the shared writer (``lib.csvfile``). ``records.json`` keeps every value exactly
    as recorded."""
    return csvfile.csv_bytes(columns, rows)


def _notices_csv(
    notices: list[NoticeRecord], numbers: dict[uuid.UUID, int], pdf_names: dict[str, str]
) -> bytes:
    return _csv(
        NOTICE_COLUMNS,
        (
            [
                number,
                n.id,
                _number(numbers, n.hearing_id),
                n.hearing_id,
                n.kind,
                n.method,
                n.address,
                n.language,
                n.served_at,
                n.served_by,
                n.recorded_at,
                n.recorded_by,
                n.address_check.could_reach,
                n.address_check.code,
                n.address_check.reason,
                pdf_names.get(str(n.id), ""),
            ]  # fmt: skip
            for number, n in enumerate(notices, start=1)
        ),
    )


def _messages_csv(evidence: EvidencePacket, numbers: dict[uuid.UUID, int]) -> bytes:
    return _csv(
        MESSAGE_COLUMNS,
        (
            [
                m.id,
                _number(numbers, m.hearing_id),
                m.hearing_id,
                m.channel,
                m.to,
                m.language,
                m.created_at,
                m.sent_at,
                m.status,
                m.status_at,
                m.error,
            ]  # fmt: skip
            for m in evidence.messages
        ),
    )


def _slug(text: str) -> str:
    return "".join(c if c.isascii() and (c.isalpha() or c == "_") else "-" for c in text) or "x"


# --- reading records.json back ----------------------------------------------------------


def packet_from_json(data: bytes | str) -> EvidencePacket:
    """The ``EvidencePacket`` stored in a ``records.json`` (for checks and re-rendering)."""
    document = json.loads(data)
    if document.get("format") != FORMAT:
        raise ValueError("not an evidence packet record")
    packet: EvidencePacket = _decode(EvidencePacket, document["packet"])
    return packet


def _decode(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _decode(options[0], value) if len(options) == 1 else value
    if origin is list:
        (item,) = typing.get_args(kind)
        return [_decode(item, v) for v in value]
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        hints = typing.get_type_hints(kind, vars(records))
        return kind(
            **{
                f.name: _decode(hints[f.name], value[f.name])
                for f in dataclasses.fields(kind)
                if f.name in value
            }
        )
    if kind is uuid.UUID:
        return uuid.UUID(value)
    if kind is dt.datetime:
        return dt.datetime.fromisoformat(value)
    if kind is dt.date:
        return dt.date.fromisoformat(value)
    return value
