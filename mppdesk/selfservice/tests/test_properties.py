"""Property tests: whatever attackers do, from any mix of addresses and phones not on
file, the outcome of each lookup is what a small model of the rules says, rate-limited
lookups never count against the A-number, and the holder's phone on file is answered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mppdesk.selfservice import services
from mppdesk.selfservice.models import Scope
from mppdesk.selfservice.queries import lock_state
from mppdesk.selfservice.services import Outcome
from mppdesk.selfservice.tests.conftest import A_NUMBER, BIRTH, World
from mppdesk.testing.factories import ContactPointFactory

pytestmark = pytest.mark.django_db

HOLDER_PHONE = "+526561119999"
NOW = dt.datetime.now(tz=dt.UTC).replace(microsecond=0)
LIMIT = 3  # lookups per requester an hour, small so that sequences reach it
MAX_FAILURES = 5
OTHER = "099887766"  # nobody's A-number


@dataclass(frozen=True)
class Ask:
    web: bool
    requester: int  # which address or phone (none of them on file)
    a_number: str
    right_date: bool
    seconds: int  # after NOW; within the hour, so windows never expire


asks = st.builds(
    Ask,
    web=st.booleans(),
    requester=st.integers(min_value=0, max_value=2),
    a_number=st.sampled_from([A_NUMBER, A_NUMBER, OTHER, "087654321"]),
    right_date=st.booleans(),
    seconds=st.integers(min_value=0, max_value=600),
)


def expected(ask: Ask, hits: Counter[tuple[bool, int]], failures: Counter[str]) -> str:
    """The rules, as a model: what this lookup should answer (updates the counters)."""
    hits[(ask.web, ask.requester)] += 1
    rate_limited = hits[(ask.web, ask.requester)] > LIMIT
    locked = failures[ask.a_number] >= MAX_FAILURES
    matched = ask.right_date and ask.a_number in (A_NUMBER, "087654321")
    if not matched and not rate_limited:
        failures[ask.a_number] += 1
    if rate_limited:
        return Outcome.RATE_LIMITED
    if locked:
        return Outcome.LOCKED
    if not matched:
        return Outcome.NO_MATCH
    return Outcome.MATCHED if ask.a_number == A_NUMBER else Outcome.NO_HEARING


@settings(
    max_examples=30,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=st.lists(asks, min_size=1, max_size=30))
def test_attackers_get_what_the_rules_say_and_never_lock_the_holders_phone(
    world: World, settings: Any, sequence: list[Ask]
) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = LIMIT
    settings.MPPDESK_SELFSERVICE_MAX_FAILURES = MAX_FAILURES
    with transaction.atomic():
        ContactPointFactory(person=world.case.lead, value=HOLDER_PHONE)
        hits: Counter[tuple[bool, int]] = Counter()
        failures: Counter[str] = Counter()
        for ask in sorted(sequence, key=lambda a: a.seconds):
            result = services.lookup_hearing(
                a_number=ask.a_number,
                birth_date=BIRTH if ask.right_date else dt.date(1980, 1, 1),
                requester_scope=Scope.IP if ask.web else Scope.SENDER,
                requester=f"198.51.100.{ask.requester}"
                if ask.web
                else f"+52656000000{ask.requester}",
                now=NOW + dt.timedelta(seconds=ask.seconds),
            )
            assert result.outcome == expected(ask, hits, failures), ask
        # What the A-number's counter holds is exactly the failures that were not refused
        # for their requester's own limit.
        state = lock_state(world.case, now=NOW + dt.timedelta(minutes=11))
        assert state.web_failures == failures[A_NUMBER]
        assert state.phone_failures == 0
        # The holder texts from their phone on file with the right details: answered.
        holder = services.lookup_hearing(
            a_number=A_NUMBER,
            birth_date=BIRTH,
            requester_scope=Scope.SENDER,
            requester=HOLDER_PHONE,
            now=NOW + dt.timedelta(minutes=11),
        )
        assert holder.outcome == Outcome.MATCHED
        transaction.set_rollback(True)
