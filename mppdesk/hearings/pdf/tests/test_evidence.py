from __future__ import annotations

import csv
import io
import json
import warnings
import zipfile

import pytest

from mppdesk.hearings.pdf import build_evidence_zip, render_evidence_packet
from mppdesk.hearings.pdf.evidence import (
    MESSAGE_COLUMNS,
    NOTICE_COLUMNS,
    packet_from_json,
)
from mppdesk.hearings.pdf.tests import pdftext, samples


def _zip(*args, **kwargs) -> zipfile.ZipFile:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return zipfile.ZipFile(io.BytesIO(build_evidence_zip(*args, **kwargs)))


def _csv_rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))


def test_zip_holds_the_packet_records_csvs_and_notice_pdfs():
    packet = samples.packet()
    first = str(packet.notices[0].id)
    archive = _zip(packet, {first: b"%PDF-notice"}, generated_by="Abogada Ruiz")

    assert archive.namelist() == [
        "evidence-packet.pdf",
        "records.json",
        "notices.csv",
        "messages.csv",
        "notices/notice-01-scheduled-es.pdf",
    ]
    assert archive.read("notices/notice-01-scheduled-es.pdf") == b"%PDF-notice"
    assert archive.read("evidence-packet.pdf").startswith(b"%PDF")
    assert archive.testzip() is None


def test_records_json_round_trips():
    packet = samples.packet(messages=True)
    archive = _zip(packet, generated_by="Abogada Ruiz")
    raw = archive.read("records.json")
    document = json.loads(raw)

    assert document["format"] == "mppdesk.hearings.evidence_packet/1"
    assert document["generated_by"] == "Abogada Ruiz"
    assert document["packet"] == packet.to_dict()
    assert packet_from_json(raw) == packet
    assert "María José Gonçalves Pérez" in raw.decode("utf-8")  # UTF-8, not \u escapes


def test_no_a_number_name_or_record_id_in_file_names():
    packet = samples.packet(messages=True)
    pdfs = {str(n.id): b"%PDF" for n in packet.notices}
    names = " ".join(_zip(packet, pdfs).namelist())

    digits = "".join(c for c in names if c.isdigit())
    assert samples.A_NUMBER_DIGITS not in digits
    assert samples.A_NUMBER not in names
    for secret in ("María", "Gonçalves", "Pérez", str(packet.case_id)):
        assert secret not in names
    for notice in packet.notices:
        assert str(notice.id) not in names


def test_notice_pdfs_of_another_packet_are_refused():
    packet = samples.packet()
    other = samples.packet()

    with pytest.raises(ValueError, match="do not belong"):
        build_evidence_zip(packet, {str(other.notices[0].id): b"%PDF"})


def test_notices_csv_lists_every_notice_and_disarms_formulas():
    packet = samples.packet()
    first = str(packet.notices[0].id)
    archive = _zip(packet, {first: b"%PDF"})
    rows = _csv_rows(archive, "notices.csv")

    assert list(rows[0]) == NOTICE_COLUMNS
    assert [r["notice_id"] for r in rows] == [str(n.id) for n in packet.notices]
    assert [r["hearing_number"] for r in rows] == ["1", "2"]
    assert rows[0]["pdf_file"] == "notices/notice-01-scheduled-es.pdf"
    assert rows[0]["served_by"] == "Agente López"
    assert rows[0]["address_could_reach"] == "true"
    assert rows[1]["address"] == "'=Facebook"  # the spreadsheet shows it, does not run it
    assert rows[1]["served_at"] == ""
    assert rows[1]["address_check_code"] == "social_media"
    # records.json keeps the value as recorded.
    assert json.loads(archive.read("records.json"))["packet"]["notices"][1]["address"] == (
        "=Facebook"
    )


def test_messages_csv_is_empty_with_a_header_when_no_message_was_sent():
    archive = _zip(samples.packet())
    assert archive.read("messages.csv").decode("utf-8-sig").splitlines() == [
        ",".join(MESSAGE_COLUMNS)
    ]

    rows = _csv_rows(_zip(samples.packet(messages=True)), "messages.csv")
    assert [(r["channel"], r["to"], r["status"]) for r in rows] == [
        ("sms", "+526561234567", "failed")
    ]


def test_packet_pdf_shows_history_notices_contacts_assessment_and_deadlines():
    packet = samples.packet()
    content = pdftext.text(render_evidence_packet(packet, generated_by="Abogada Ruiz"))

    # Header: who generated it and when, on the court's clock and in UTC.
    assert "Abogada Ruiz" in content
    assert "2026-03-20 11:00 MDT [2026-03-20 17:00 UTC]" in content
    assert samples.A_NUMBER in content
    # Hearing history: the continued hearing and the missed one.
    assert "2026-01-13 08:30 MST [2026-01-13 15:30 UTC]" in content
    assert "rescheduled / continued" in content
    assert "Juez ausente / judge absent" in content
    assert "held / removal ordered in absentia" in content
    assert "2026-03-09 04:15 MDT [2026-03-09 10:15 UTC]" in content  # report time after DST
    # Notices: kind, method, address, served when and by whom, could it reach.
    assert "Albergue Buen Pastor, Ciudad Juárez" in content
    assert "=Facebook" in content
    assert "Agente López" in content
    assert "service not recorded" in content
    assert "no: The address names a social network." in content
    # Messages, contact points and their consent state.
    assert "No messages recorded." in content
    assert "majo@example.org" in content
    assert "+526561234567" in content
    assert "2026-01-02 02:00 MST [2026-01-02 09:00 UTC]" in content  # opted out at
    # The assessment of the last address and the deadlines.
    assert "No: the address of the last notice could not reach the person." in content
    assert "Deadline: 2026-09-05. 169 days left on 2026-03-20." in content
    assert "at any time (INA 240(b)(5)(C)(ii))" in content
    assert "Matter of Nivelo Cardenas" in content


def test_packet_pdf_lists_messages_with_their_delivery_status():
    content = pdftext.text(render_evidence_packet(samples.packet(messages=True)))

    assert "No messages recorded." not in content
    assert "número no válido" in content
    assert "failed 2026-03-06 09:01 MST [2026-03-06 16:01 UTC]" in content


def test_packet_in_spanish():
    content = pdftext.text(
        render_evidence_packet(samples.packet(), language="es", generated_by="Abogada Ruiz")
    )

    assert "Constancia de notificación: seguimiento de orden in absentia" in content
    assert "No hay mensajes registrados." in content
    assert "reprogramada / continuada" in content
    assert "Plazo: 2026-09-05. Quedan 169 días al 2026-03-20." in content
    assert "en cualquier momento (INA 240(b)(5)(C)(ii))" in content
    assert "Generado por" in content
    assert "?" not in content and "\ufffd" not in content


def test_packet_without_follow_up_or_contacts_still_renders():
    packet = samples.replace(samples.packet(), follow_up=None, contact_points=[], notices=[])
    content = pdftext.text(render_evidence_packet(packet))

    assert "No follow-up item is recorded for this hearing." in content
    assert "No order date is recorded." in content
    assert "No notices recorded." in content
    assert "No contact points on file." in content
    assert "Generated by unknown" in content


def test_a_deadline_that_has_passed_says_so():
    packet = samples.packet()
    late = samples.replace(
        packet, generated_at=packet.generated_at.replace(year=2026, month=9, day=10)
    )
    content = pdftext.text(render_evidence_packet(late))

    assert "Deadline: 2026-09-05. Passed 5 days before 2026-09-10." in content


def test_same_packet_zips_to_the_same_bytes():
    packet = samples.packet()
    assert build_evidence_zip(packet) == build_evidence_zip(packet)


def test_unknown_packet_language_is_refused():
    with pytest.raises(ValueError, match="language"):
        render_evidence_packet(samples.packet(), language="pt")
