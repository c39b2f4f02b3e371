"""The refusals' texts: five languages, a named clock, sane SMS lengths, nothing personal."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.reminders.segments import segment_info
from mppdesk.selfservice import services, texts
from mppdesk.selfservice.models import Scope
from mppdesk.selfservice.parsing import parse_query
from mppdesk.selfservice.services import LookupResult, Outcome, reply_text

WINTER = dt.datetime(2026, 12, 14, 22, 40, tzinfo=dt.UTC)  # 15:40 in Ciudad Juárez (MST)
SUMMER = dt.datetime(2026, 7, 14, 21, 40, tzinfo=dt.UTC)  # 15:40 there too (MDT)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("es", "15:40 (hora de Ciudad Juárez, MST)"),
        ("en", "3:40 p.m. (Ciudad Juárez time, MST)"),
        ("pt", "15:40 (horário de Ciudad Juárez, MST)"),
        ("ht", "15:40 (lè Ciudad Juárez, MST)"),
        ("fr", "15 h 40 (heure de Ciudad Juárez, MST)"),
    ],
)
def test_clock_time_names_its_clock(language: str, expected: str) -> None:
    assert texts.clock_time(WINTER, "America/Ciudad_Juarez", "Ciudad Juárez", language) == expected


def test_clock_time_follows_daylight_saving() -> None:
    assert texts.clock_time(SUMMER, "America/Ciudad_Juarez", "Ciudad Juárez", "es") == (
        "15:40 (hora de Ciudad Juárez, MDT)"
    )
    # Nogales (Sonora) keeps MST all year.
    assert texts.clock_time(SUMMER, "America/Hermosillo", "Nogales", "en") == (
        "2:40 p.m. (Nogales time, MST)"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("port", "zone"),
    [("el-paso", "hora de Ciudad Juarez, MST"), ("san-ysidro", "hora de Tijuana, PST")],
)
def test_the_retry_time_is_on_the_configured_ports_clock(
    settings: Any, port: str, zone: str
) -> None:
    settings.MPPDESK_SELFSERVICE_PORT = port
    result = LookupResult(outcome=Outcome.RATE_LIMITED, retry_at=WINTER)
    assert f"({zone})" in reply_text(result, "es", web=True)


@pytest.mark.django_db
def test_an_unknown_port_code_falls_back_to_utc_not_an_error(settings: Any) -> None:
    settings.MPPDESK_SELFSERVICE_PORT = "no-such-port"
    result = LookupResult(outcome=Outcome.RATE_LIMITED, retry_at=WINTER)
    assert reply_text(result, "en", web=False).endswith("after 10:40 p.m. (UTC time, UTC).")


@pytest.mark.django_db
def test_retry_after_is_when_the_requesters_hour_ends(world: Any, settings: Any) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 2
    first = dt.datetime(2026, 12, 14, 21, 0, 5, tzinfo=dt.UTC)

    def ask(at: dt.datetime) -> LookupResult:
        return services.lookup_hearing(
            a_number="012345678",
            birth_date=dt.date(1990, 12, 31),
            requester_scope=Scope.IP,
            requester="198.51.100.1",
            now=at,
        )

    assert ask(first).matched
    assert ask(first + dt.timedelta(minutes=20)).matched
    refused = ask(first + dt.timedelta(minutes=30))
    assert refused.outcome == Outcome.RATE_LIMITED
    assert refused.retry_at == first + dt.timedelta(hours=1)
    assert "después de las 15:00 (hora de Ciudad Juarez, MST)" in reply_text(
        refused, "es", web=True
    )
    assert ask(first + dt.timedelta(hours=1, seconds=1)).matched


@pytest.mark.parametrize("language", texts.LANGUAGES)
def test_refusals_exist_in_every_language_and_stay_short_as_sms(language: str) -> None:
    retry = texts.rate_limited_text(
        language=language,
        web=False,
        retry_at=WINTER,
        timezone="America/Matamoros",
        city="Piedras Negras",  # the longest port city name
    )
    for text in (retry, texts.PROTECTED[language], texts.GENERIC[language]):
        assert "{" not in text and "}" not in text
        # Accented letters make these UCS-2: at most three parts, like the generic answer.
        assert segment_info(text).segments <= 3, (language, text, segment_info(text))
    assert texts.RATE_LIMITED_WEB[language] != texts.RATE_LIMITED_PHONE[language]


def test_the_refusals_differ_from_not_found_and_from_each_other() -> None:
    for language in texts.LANGUAGES:
        kinds = {texts.GENERIC[language], texts.PROTECTED[language]}
        kinds.add(texts.RATE_LIMITED_PHONE[language])
        assert len(kinds) == 3


@given(
    outcome=st.sampled_from([Outcome.NO_MATCH, Outcome.NO_HEARING]),
    language=st.sampled_from(texts.LANGUAGES),
    web=st.booleans(),
)
def test_not_found_is_one_text_per_language_whatever_the_miss(
    outcome: str, language: str, web: bool
) -> None:
    assert reply_text(LookupResult(outcome=outcome), language, web=web) == texts.GENERIC[language]


def test_creole_may_is_read_as_a_month() -> None:
    found = parse_query("A012345678 1 me 2000", today=dt.date(2026, 12, 4))
    assert found is not None and found.birth_date == dt.date(2000, 5, 1)
