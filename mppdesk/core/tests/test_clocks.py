"""The named todays (``core.clocks``) at the hours where they disagree (issue 12).

03:00 UTC is still the evening before on the border; 23:30 on a border clock is already
tomorrow in UTC. A check written with the wrong clock fails at one of these two hours.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from mppdesk.core import clocks
from mppdesk.hearings import times
from mppdesk.places.models import Port, Venue

UTC = dt.UTC
# Summer time: El Paso and Ciudad Juárez on MDT (UTC-6), Tijuana on PDT (UTC-7);
# Nogales, Sonora (America/Hermosillo) keeps MST (UTC-7) all year.
EL_PASO_COURT = Venue(code="ELP", name="El Paso", timezone="America/Denver")
JUAREZ_PORT = Port(code="CJS", name="Ciudad Juárez", timezone="America/Ciudad_Juarez")
NOGALES_PORT = Port(code="NOG", name="Nogales", timezone="America/Hermosillo")


@time_machine.travel(dt.datetime(2026, 7, 15, 3, 0, tzinfo=UTC), tick=False)
def test_at_three_in_the_morning_utc_the_border_is_still_on_the_day_before() -> None:
    assert clocks.utc_today() == dt.date(2026, 7, 15)
    assert clocks.court_today(EL_PASO_COURT) == dt.date(2026, 7, 14)  # 21:00 MDT
    assert clocks.port_today(JUAREZ_PORT) == dt.date(2026, 7, 14)  # 21:00 MDT
    assert clocks.port_today(NOGALES_PORT) == dt.date(2026, 7, 14)  # 20:00 MST
    assert clocks.zone_today("America/Tijuana") == dt.date(2026, 7, 14)  # 20:00 PDT
    assert clocks.zone_today("UTC") == dt.date(2026, 7, 15)


# 23:30 in Ciudad Juárez (MDT) is 05:30 UTC the next day.
@time_machine.travel(dt.datetime(2026, 7, 16, 5, 30, tzinfo=UTC), tick=False)
def test_at_half_past_eleven_at_night_on_the_border_utc_is_already_tomorrow() -> None:
    assert clocks.port_today(JUAREZ_PORT) == dt.date(2026, 7, 15)
    assert clocks.court_today(EL_PASO_COURT) == dt.date(2026, 7, 15)
    assert clocks.zone_today("America/Tijuana") == dt.date(2026, 7, 15)  # 22:30 PDT
    assert clocks.utc_today() == dt.date(2026, 7, 16)


@time_machine.travel(dt.datetime(2026, 1, 15, 6, 30, tzinfo=UTC), tick=False)
def test_in_winter_nogales_and_juarez_share_the_hour() -> None:
    # 23:30 MST in both Nogales and Ciudad Juárez; already the 15th in UTC.
    assert clocks.port_today(NOGALES_PORT) == dt.date(2026, 1, 14)
    assert clocks.port_today(JUAREZ_PORT) == dt.date(2026, 1, 14)
    assert clocks.utc_today() == dt.date(2026, 1, 15)


@pytest.mark.parametrize("name", ["utc_today", "zone_today", "court_today", "port_today"])
def test_hearings_uses_the_one_definition(name: str) -> None:
    assert getattr(times, name) is getattr(clocks, name)
