from __future__ import annotations

import datetime as dt
import warnings
from zoneinfo import ZoneInfo

import pytest

from mppdesk.hearings.pdf import texts
from mppdesk.hearings.pdf.formatting import format_date, format_time
from mppdesk.hearings.pdf.notice import NoticeData, render_notice
from mppdesk.hearings.pdf.tests import pdftext, samples

UTC = dt.UTC

REPORT_LINES = {
    "es": "martes 3 de marzo de 2026, 04:15 (hora de Ciudad Juárez, MST)",
    "en": "Tuesday, March 3, 2026, 04:15 (4:15 a.m.) (Ciudad Juárez time, MST)",
    "pt": "terça-feira, 3 de março de 2026, 04:15 (horário de Ciudad Juárez, MST)",
    "ht": "madi 3 mas 2026, 04:15 (lè Ciudad Juárez, MST)",
    "fr": "mardi 3 mars 2026, 04 h 15 (heure de Ciudad Juárez, MST)",
}
HEARING_LINES = {
    "es": "martes 3 de marzo de 2026, 08:30 (hora de El Paso, MST)",
    "en": "Tuesday, March 3, 2026, 08:30 (8:30 a.m.) (El Paso time, MST)",
    "pt": "terça-feira, 3 de março de 2026, 08:30 (horário de El Paso, MST)",
    "ht": "madi 3 mas 2026, 08:30 (lè El Paso, MST)",
    "fr": "mardi 3 mars 2026, 08 h 30 (heure de El Paso, MST)",
}


def render(notice: NoticeData) -> bytes:
    # A glyph missing from the font is a warning in fpdf2: here it fails the test.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return render_notice(notice)


@pytest.mark.parametrize("language", texts.NOTICE_LANGUAGES)
def test_notice_gives_the_port_and_reporting_time_in_the_persons_language(language):
    pdf = render(samples.notice(language=language))
    content = pdftext.text(pdf)

    assert REPORT_LINES[language] in content
    assert HEARING_LINES[language] in content
    assert "El Paso – Paso del Norte" in content
    assert "Puente Paso del Norte, entrada peatonal" in content
    assert "María José Gonçalves Pérez" in content
    assert samples.A_NUMBER in content
    assert "240(b)(5)(A)" in content
    assert "EOIR-33" in content
    assert pdftext.pages(pdf) == 1


@pytest.mark.parametrize("language", texts.NOTICE_LANGUAGES)
@pytest.mark.parametrize("kind", ["scheduled", "changed", "cancelled"])
def test_every_text_renders_with_its_accents_and_nothing_is_replaced(language, kind):
    notice = samples.notice(
        language=language,
        kind=kind,
        previous_hearing_local=dt.datetime(2026, 1, 13, 8, 30, tzinfo=samples.DENVER),
        reason="Reprogramación por ausencia del juez",
    )
    pdf = render(notice)
    content = pdftext.text(pdf)
    t = texts.NOTICE[language]
    shown = [f"title_{kind}", "name", "a_number", "hearing_when", "hearing_court", "private_text"]
    shown += ["lawyer_text", "address_text", "served", "issued", f"method_{notice.served_method}"]
    if kind == "cancelled":
        shown += ["cancel_box", "hearing_heading_cancelled"]
    else:
        shown += ["report_heading", "report_on_time", "bring_text", "absent_text", "kind_master"]
    if kind == "changed":
        shown += ["previous", "reason"]
    for key in shown:
        assert pdftext.fold(t[key]) in content, key
    # The reason explains a change or a cancellation; a first notice has none to give.
    assert ("Reprogramación por ausencia del juez" in content) == (kind != "scheduled")
    assert "?" not in content
    assert "\ufffd" not in content
    assert pdftext.pages(pdf) <= 2


def test_haitian_creole_letters_render():
    pdf = render(samples.notice(language="ht", hearing_local=dt.datetime(2026, 3, 4, 8, 30, tzinfo=samples.DENVER), report_local=dt.datetime(2026, 3, 4, 4, 15, tzinfo=samples.JUAREZ)))  # fmt: skip
    content = pdftext.text(pdf)

    assert "mèkredi 4 mas 2026, 04:15 (lè Ciudad Juárez, MST)" in content
    for word in (
        "PÒ ANTRE",
        "nan pò antre a",
        "KI KOTE AK KI LÈ",
        "Dat ak lè",
        "odyans preliminè",
        "Nimewo A",
    ):
        assert word in content
    assert "?" not in content


def test_reporting_time_stays_local_across_the_daylight_saving_change():
    # US daylight saving starts on Sunday 8 March 2026; Ciudad Juárez follows it, Nogales
    # (Sonora, America/Hermosillo) does not. The same 04:15 on the port's clock is a
    # different UTC instant before and after, and is printed as given.
    before = samples.notice(
        hearing_local=dt.datetime(2026, 3, 6, 15, 30, tzinfo=UTC),
        report_local=dt.datetime(2026, 3, 6, 11, 15, tzinfo=UTC),
    )
    after = samples.notice(
        hearing_local=dt.datetime(2026, 3, 9, 14, 30, tzinfo=UTC),
        report_local=dt.datetime(2026, 3, 9, 10, 15, tzinfo=UTC),
    )
    nogales = samples.notice(
        port_name="Nogales – DeConcini",
        port_city="Nogales",
        port_timezone="America/Hermosillo",
        hearing_local=dt.datetime(2026, 3, 9, 14, 30, tzinfo=UTC),
        report_local=dt.datetime(2026, 3, 9, 11, 15, tzinfo=UTC),
    )

    assert "viernes 6 de marzo de 2026, 04:15 (hora de Ciudad Juárez, MST)" in pdftext.text(
        render(before)
    )
    after_text = pdftext.text(render(after))
    assert "lunes 9 de marzo de 2026, 04:15 (hora de Ciudad Juárez, MDT)" in after_text
    assert "lunes 9 de marzo de 2026, 08:30 (hora de El Paso, MDT)" in after_text
    assert "lunes 9 de marzo de 2026, 04:15 (hora de Nogales, MST)" in pdftext.text(render(nogales))


def test_a_reporting_time_before_midnight_warns_that_it_is_the_day_before():
    late = samples.notice(report_local=dt.datetime(2026, 3, 2, 23, 45, tzinfo=samples.JUAREZ))
    content = pdftext.text(render(late))

    assert "lunes 2 de marzo de 2026, 23:45 (hora de Ciudad Juárez, MST)" in content
    assert (
        "ATENCIÓN: debe presentarse el lunes 2 de marzo de 2026, es decir, EL DÍA ANTERIOR"
        in content
    )
    assert "ATENCIÓN" not in pdftext.text(render(samples.notice()))


def test_the_day_is_compared_on_each_places_own_clock():
    # 23:30 in Tijuana (PST) is already the next day in UTC: no warning when both fall on
    # the same local day.
    tijuana = ZoneInfo("America/Tijuana")
    notice = samples.notice(
        court_timezone="America/Los_Angeles",
        venue_city="San Diego, CA",
        hearing_local=dt.datetime(2026, 1, 15, 23, 50, tzinfo=tijuana),
        port_timezone="America/Tijuana",
        port_city="Tijuana",
        report_local=dt.datetime(2026, 1, 16, 7, 30, tzinfo=UTC),  # 23:30 PST on the 15th
    )
    content = pdftext.text(render(notice))

    assert "jueves 15 de enero de 2026, 23:30 (hora de Tijuana, PST)" in content
    assert "ATENCIÓN" not in content


def test_cancelled_notice_tells_not_to_report_and_gives_no_reporting_time():
    content = pdftext.text(render(samples.notice(kind="cancelled", reason="Caso terminado")))

    assert "CANCELACIÓN DE SU AUDIENCIA" in content
    assert "NO SE PRESENTE en el puerto de entrada para esta audiencia." in content
    assert "Su audiencia del " + HEARING_LINES["es"] + " fue cancelada." in content
    assert "04:15" not in content
    assert "Caso terminado" in content


def test_changed_notice_shows_the_previous_date():
    notice = samples.notice(
        kind="changed",
        previous_hearing_local=dt.datetime(2026, 1, 13, 15, 30, tzinfo=UTC),
        reason="El juez no estará disponible.",
    )
    content = pdftext.text(render(notice))

    assert "CAMBIO DE SU AUDIENCIA" in content
    assert "Fecha anterior (ya no es válida)" in content
    assert "martes 13 de enero de 2026, 08:30 (hora de El Paso, MST)" in content
    assert "El juez no estará disponible." in content


def test_pdf_metadata_names_no_one():
    pdf = render(samples.notice())

    assert pdftext.title(pdf) == "Notificación de audiencia"
    assert b"012345678" not in pdf


def test_naive_datetimes_and_unknown_languages_are_refused():
    with pytest.raises(ValueError, match="aware"):
        render_notice(samples.notice(report_local=dt.datetime(2026, 3, 3, 4, 15)))  # noqa: DTZ001
    with pytest.raises(ValueError, match="language"):
        render_notice(samples.notice(language="mam"))
    with pytest.raises(ValueError, match="kind"):
        render_notice(samples.notice(kind="moved"))


def test_every_language_has_every_text_and_no_question_marks():
    keys = set(texts.NOTICE["es"])
    for language in texts.NOTICE_LANGUAGES:
        assert set(texts.NOTICE[language]) == keys, language
        assert not [k for k, v in texts.NOTICE[language].items() if "?" in v], language
    packet_keys = set(texts.PACKET["en"])
    for language in texts.PACKET_LANGUAGES:
        assert set(texts.PACKET[language]) == packet_keys
        assert set(texts.PACKET_CODES[language]) == set(texts.PACKET_CODES["en"])
    assert "drafted, to be reviewed by a native speaker" in pdftext.fold(texts.__doc__ or "")


def test_dates_and_times_per_language():
    first = dt.date(2026, 4, 1)
    assert format_date(first, "fr") == "mercredi 1er avril 2026"
    assert format_date(first, "en") == "Wednesday, April 1, 2026"
    assert format_date(first, "pt") == "quarta-feira, 1 de abril de 2026"
    assert format_date(dt.date(2026, 7, 15), "ht") == "mèkredi 15 jiyè 2026"
    assert format_time(dt.time(16, 5), "en") == "16:05 (4:05 p.m.)"
    assert format_time(dt.time(0, 30), "en") == "00:30 (12:30 a.m.)"
    assert format_time(dt.time(4, 15), "fr") == "04 h 15"


def test_same_notice_renders_to_the_same_bytes():
    assert render(samples.notice()) == render(samples.notice())
