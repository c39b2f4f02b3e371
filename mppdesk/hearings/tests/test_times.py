"""Hearing and reporting times across the 2026 daylight-saving changes.

US clocks change on 2026-03-08 and 2026-11-01. El Paso's court (America/Denver) and
Ciudad Juárez (America/Ciudad_Juarez) change together; Nogales, Sonora
(America/Hermosillo) never changes, so for an 08:00 hearing in El Paso the 4-hour lead
means 04:00 in Nogales in winter and 03:00 in summer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mppdesk.hearings import hearing_services
from mppdesk.hearings.models import Session
from mppdesk.hearings.tests.conftest import make_case, make_docket
from mppdesk.hearings.times import court_datetime, local_string, report_datetime

UTC = dt.UTC
DST_START = dt.date(2026, 3, 8)
DST_END = dt.date(2026, 11, 1)
LEAD = 240


def _times(court: str, day: dt.date, at: dt.time = dt.time(8)) -> tuple[dt.datetime, dt.datetime]:
    hearing = court_datetime(court, day, at)
    return hearing, report_datetime(hearing, LEAD)


@pytest.mark.parametrize(
    ("day", "hearing_utc", "report_utc", "juarez", "nogales"),
    [
        # Friday before the March change: Mountain Standard Time everywhere.
        (dt.date(2026, 3, 6), "15:00", "11:00", "04:00 MST", "04:00 MST"),
        # Monday after it: El Paso and Juárez on MDT; Nogales still UTC-7.
        (dt.date(2026, 3, 9), "14:00", "10:00", "04:00 MDT", "03:00 MST"),
        # Friday before the November change: still summer time.
        (dt.date(2026, 10, 30), "14:00", "10:00", "04:00 MDT", "03:00 MST"),
        # Monday after it: standard time again.
        (dt.date(2026, 11, 2), "15:00", "11:00", "04:00 MST", "04:00 MST"),
    ],
)
def test_el_paso_reporting_times_around_the_2026_changes(
    day: dt.date, hearing_utc: str, report_utc: str, juarez: str, nogales: str
) -> None:
    hearing, report = _times("America/Denver", day)
    assert hearing.strftime("%H:%M") == hearing_utc
    assert report.strftime("%H:%M") == report_utc
    assert local_string(hearing, "America/Denver").startswith(f"{day} 08:00 M")
    assert local_string(report, "America/Ciudad_Juarez") == (
        f"{day} {juarez} (America/Ciudad_Juarez)"
    )
    assert local_string(report, "America/Hermosillo") == f"{day} {nogales} (America/Hermosillo)"


weekdays_2026 = st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)).filter(
    lambda d: d.weekday() < 5
)


@settings(max_examples=200, deadline=None)
@given(day=weekdays_2026, session=st.sampled_from([Session.AM, Session.PM]))
def test_reporting_time_is_four_hours_before_in_every_zone(day: dt.date, session: str) -> None:
    start = dt.time(8) if session == Session.AM else dt.time(13)
    hearing, report = _times("America/Denver", day, start)
    summer = DST_START <= day < DST_END
    # Elapsed time, whatever the zones.
    assert hearing - report == dt.timedelta(hours=4)
    assert hearing.astimezone(UTC).hour == start.hour + (6 if summer else 7)
    juarez = report.astimezone(ZoneInfo("America/Ciudad_Juarez"))
    nogales = report.astimezone(ZoneInfo("America/Hermosillo"))
    # Juárez keeps El Paso's clock: always four hours before the court's wall-clock start.
    assert (juarez.hour, juarez.minute) == (start.hour - 4, 0)
    assert juarez.date() == day
    # Nogales is an hour behind in summer only.
    assert nogales.hour == start.hour - 4 - (1 if summer else 0)
    assert nogales.utcoffset() == dt.timedelta(hours=-7)


@settings(max_examples=100, deadline=None)
@given(day=weekdays_2026)
def test_tijuana_and_matamoros_follow_their_courts(day: dt.date) -> None:
    from zoneinfo import ZoneInfo

    for court, port in (
        ("America/Los_Angeles", "America/Tijuana"),
        ("America/Chicago", "America/Matamoros"),
    ):
        _hearing, report = _times(court, day)
        local = report.astimezone(ZoneInfo(port))
        assert (local.date(), local.hour, local.minute) == (day, 4, 0)


def test_a_wall_time_in_the_spring_gap_lands_after_it() -> None:
    at = court_datetime("America/Denver", DST_START, dt.time(2, 30))
    assert local_string(at, "America/Denver") == "2026-03-08 03:30 MDT (America/Denver)"


def test_report_time_needs_an_aware_hearing_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        report_datetime(dt.datetime(2026, 3, 9, 8), LEAD)  # noqa: DTZ001


@pytest.mark.parametrize(
    ("day", "port_code", "local"),
    [
        (dt.date(2026, 3, 6), "nogales", "2026-03-06 04:00 MST (America/Hermosillo)"),
        (dt.date(2026, 3, 9), "nogales", "2026-03-09 03:00 MST (America/Hermosillo)"),
        (dt.date(2026, 11, 2), "nogales", "2026-11-02 04:00 MST (America/Hermosillo)"),
        (dt.date(2026, 3, 9), "el-paso", "2026-03-09 04:00 MDT (America/Ciudad_Juarez)"),
        (dt.date(2026, 10, 30), "el-paso", "2026-10-30 04:00 MDT (America/Ciudad_Juarez)"),
    ],
)
def test_scheduled_hearing_stores_utc_and_reports_in_the_ports_zone(
    personas: Any, el_paso: Any, day: dt.date, port_code: str, local: str
) -> None:
    from mppdesk.places.models import Port

    port = Port.objects.get(code=port_code)
    case = make_case(personas.org, venue=el_paso, port=port)
    docket = make_docket(el_paso, day)
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=docket, allow_past=True
    )
    hearing.refresh_from_db()
    assert hearing.scheduled_at.utcoffset() == dt.timedelta(0)
    assert hearing.scheduled_at - hearing.report_at == dt.timedelta(hours=4)
    assert local_string(hearing.report_at, port.timezone) == local
    assert local_string(hearing.scheduled_at, "America/Denver").startswith(f"{day} 08:00")


def test_afternoon_sessions_and_a_ports_own_lead(
    personas: Any, el_paso: Any, nogales: Any, settings: Any
) -> None:
    settings.MPPDESK_REPORT_LEAD_PM_MINUTES = 180
    case = make_case(personas.org, venue=el_paso, port=nogales)
    pm = make_docket(el_paso, dt.date(2026, 7, 6), session=Session.PM)
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=pm, allow_past=True
    )
    # 13:00 MDT = 12:00 in Nogales; three hours before.
    assert local_string(hearing.report_at, "America/Hermosillo").startswith("2026-07-06 09:00")

    nogales.report_lead_minutes = 300
    nogales.save()
    other = make_case(personas.org, venue=el_paso, port=nogales)
    am = make_docket(el_paso, dt.date(2026, 7, 6))
    hearing = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=other, docket=am, allow_past=True
    )
    # 08:00 MDT = 07:00 in Nogales; five hours before.
    assert local_string(hearing.report_at, "America/Hermosillo").startswith("2026-07-06 02:00")
