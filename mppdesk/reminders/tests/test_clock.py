"""Every message that states a time names its clock, as the printed notice does."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from mppdesk.messaging.models import Channel, TemplateKind
from mppdesk.places.models import Port
from mppdesk.reminders import catalog
from mppdesk.reminders.models import LANGUAGES
from mppdesk.reminders.segments import segment_info
from mppdesk.reminders.tests.conftest import make_case, make_docket, schedule

ALL = [(k, c, lang) for k in TemplateKind.values for c in Channel.values for lang in LANGUAGES]


@pytest.mark.parametrize(("kind", "channel", "language"), ALL)
def test_every_default_that_gives_a_time_names_its_clock(
    kind: str, channel: str, language: str
) -> None:
    body = catalog.default_body(kind, channel, language)
    names = catalog.placeholders_in(body)
    if set(names) & set(catalog.TIME_PLACEHOLDERS):
        assert "zone" in names, (kind, channel, language, body)
        # The clock comes right with the first time the text gives.
        first = min(body.index("{" + n + "}") for n in catalog.TIME_PLACEHOLDERS if n in names)
        assert body.index("{zone}") - first < 30, body


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "zone"),
    [
        ("es", "hora de Ciudad Juárez, MDT"),
        ("en", "Ciudad Juárez time, MDT"),
        ("pt", "horário de Ciudad Juárez, MDT"),
        ("ht", "lè Ciudad Juárez, MDT"),
        ("fr", "heure de Ciudad Juárez, MDT"),
    ],
)
def test_the_sample_names_the_clock_in_each_language(language: str, zone: str) -> None:
    context = catalog.sample_context(language)
    assert context["zone"] == zone  # 9 March 2026: daylight time in Ciudad Juárez
    sms = catalog.preview("reminder", Channel.SMS, language)
    assert f"({zone.replace('á', 'a')})" in sms  # folded to GSM-7 for SMS


def _hearing_on(day: dt.date, personas: Any, el_paso: Any, port: Port, room: str = "1") -> Any:
    case = make_case(personas.org, venue=el_paso, port=port)
    return schedule(personas.coordinator, case, make_docket(el_paso, day, courtroom=room))


def _next(weekday: int, month: int) -> dt.date:
    """The first such weekday of ``month`` in the coming year (after today) that is a
    court day (a week later when it is a US federal holiday, e.g. 5 July 2027)."""
    from mppdesk.hearings.calendar import federal_holiday

    today = dt.date.today()  # noqa: DTZ011 - a calendar day for a docket
    year = today.year + (1 if (month, 1) <= (today.month, today.day) else 0)
    day = dt.date(year, month, 1)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    while federal_holiday(day) is not None:
        day += dt.timedelta(weeks=1)
    return day


@pytest.mark.django_db
def test_a_hearings_messages_name_the_ports_clock_winter_and_summer(
    personas: Any, el_paso: Any, juarez: Port, nogales: Port
) -> None:
    winter = _hearing_on(_next(0, 1), personas, el_paso, juarez, "w")
    summer = _hearing_on(_next(0, 7), personas, el_paso, juarez, "s")
    sonora = _hearing_on(_next(0, 7), personas, el_paso, nogales, "n")
    assert catalog.hearing_context(winter, "es")["zone"] == "hora de Ciudad Juarez, MST"
    assert catalog.hearing_context(summer, "es")["zone"] == "hora de Ciudad Juarez, MDT"
    assert catalog.hearing_context(sonora, "en")["zone"] == "Nogales time, MST"  # no DST
    body = catalog.render("reminder", Channel.SMS, "es", catalog.hearing_context(summer, "es"))
    assert "(hora de Ciudad Juarez, MDT)" in body


@pytest.mark.django_db
def test_a_time_across_a_daylight_saving_change_carries_its_own_abbreviation(
    personas: Any, el_paso: Any, juarez: Port
) -> None:
    hearing = _hearing_on(_next(0, 1), personas, el_paso, juarez)
    # Moved in memory to the Monday after spring forward, reporting on the Saturday
    # before it (still standard time) — the kind of case the default texts must not blur.
    hearing.scheduled_at = dt.datetime(2027, 3, 15, 14, 0, tzinfo=dt.UTC)  # 08:00 MDT
    hearing.report_at = dt.datetime(2027, 3, 13, 12, 0, tzinfo=dt.UTC)  # 05:00 MST
    context = catalog.hearing_context(hearing, "es")
    assert context["zone"] == "hora de Ciudad Juarez, MDT"
    assert (context["time"], context["report_time"]) == ("08:00", "05:00 MST")
    same_day = catalog.hearing_context(
        _hearing_on(_next(0, 1), personas, el_paso, juarez, "2"), "es"
    )
    assert " " not in same_day["report_time"]  # the same clock: named once by {zone}


def test_an_override_without_the_clock_gets_it_after_its_first_time() -> None:
    context = {"date": "lunes", "time": "08:00", "report_time": "04:00", "zone": "hora de X, MST"}
    assert catalog.fill("{date} a las {time}, puerto {report_time}.", context) == (
        "lunes a las 08:00 (hora de X, MST), puerto 04:00."
    )
    assert catalog.fill("Puerto {report_time}.", context) == "Puerto 04:00 (hora de X, MST)."
    # Already named: left as written.
    assert catalog.fill("{time} ({zone})", context) == "08:00 (hora de X, MST)"
    # No time, or nothing to name it with: nothing added.
    assert catalog.fill("El {date}.", context) == "El lunes."
    assert catalog.fill("{time}", {"time": "08:00"}) == "08:00"


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_sms_defaults_stay_at_most_three_gsm7_segments_for_every_real_port(language: str) -> None:
    from mppdesk.hearings.notices import GENERIC_REPORT_PLACE

    base = catalog.sample_context(language)
    at = dt.datetime(2026, 3, 9, 14, 0, tzinfo=dt.UTC)
    for port in Port.objects.select_related("venue"):
        context = {
            **base,
            "city": port.mexican_city,
            "port": port.name,
            "venue": port.venue.name if port.venue else base["venue"],
            "report_place": port.report_place
            or GENERIC_REPORT_PLACE[language].format(port=port.name),
            "zone": catalog.zone_name(at.astimezone(_zone(port)), port.mexican_city, language),
        }
        for kind in TemplateKind.values:
            body = catalog.fill(
                catalog.default_body(kind, Channel.SMS, language), context, channel=Channel.SMS
            )
            info = segment_info(body)
            assert info.encoding == "GSM-7", (port.code, kind, body)
            assert info.segments <= 3, (port.code, kind, info, body)


def _zone(port: Port) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(port.timezone)
