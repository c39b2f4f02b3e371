"""Generating a notice PDF at log level INFO prints no per-glyph lines: fontTools and
fpdf2 log at WARNING (settings.LOGGING)."""

from __future__ import annotations

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from mppdesk.hearings.pdf.notice import NoticeData, render_notice

NOTICE = NoticeData(
    language="es",
    kind="scheduled",
    person_name="María José Hernández López",
    a_number_display="A012-345-678",
    hearing_kind="master",
    hearing_local=dt.datetime(2027, 3, 9, 8, 30, tzinfo=ZoneInfo("America/Denver")),
    venue_name="El Paso Immigration Court",
    venue_city="El Paso, TX",
    court_timezone="America/Denver",
    port_name="El Paso – Paso del Norte",
    port_city="Ciudad Juárez",
    report_local=dt.datetime(2027, 3, 9, 4, 30, tzinfo=ZoneInfo("America/Ciudad_Juarez")),
    port_timezone="America/Ciudad_Juarez",
)


def _noisy(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [r for r in records if r.name.startswith(("fontTools", "fpdf"))]


def test_a_notice_pdf_logs_nothing_at_info(caplog):
    caplog.set_level(logging.INFO)
    pdf = render_notice(NOTICE)
    assert pdf.startswith(b"%PDF")
    assert _noisy(caplog.records) == []


def test_without_the_setting_fonttools_would_be_noisy(caplog):
    """The test above can fail: with the loggers left at INFO, the same PDF logs lines."""
    loggers = [logging.getLogger(name) for name in ("fontTools", "fpdf")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.NOTSET)
    try:
        caplog.set_level(logging.INFO)
        render_notice(NOTICE)
        assert len(_noisy(caplog.records)) > 10
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)
