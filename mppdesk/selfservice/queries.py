"""Reads of self-service state for case workers: the lock on a case's A-number.

The counters hold no personal data (HMAC keys, counts, times), but which A-number they
belong to is a case's business: callers pass cases they read through a scoped query
(``cases.queries``), so a case worker sees the locks of the cases they may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from mppdesk.selfservice import ratelimit
from mppdesk.selfservice.models import Scope

if TYPE_CHECKING:
    from mppdesk.cases.models import Case


def _moment(epoch: int, now: int) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC) if epoch > now else None


@dataclass(frozen=True)
class LockState:
    """The self-service lock of one A-number, on both paths."""

    # Until when lookups from the web and from phones not on file are refused.
    web_locked_until: dt.datetime | None
    # Until when texts from the case's own phones on file are refused too.
    phone_locked_until: dt.datetime | None
    # Failed lookups counted in the current window (``MPPDESK_SELFSERVICE_FAILURE_WINDOW``).
    web_failures: int
    phone_failures: int

    @property
    def locked(self) -> bool:
        return self.web_locked_until is not None or self.phone_locked_until is not None

    @property
    def failures(self) -> int:
        return self.web_failures + self.phone_failures

    @property
    def can_unlock(self) -> bool:
        """Anything an unlock would clear: a lock or failures that count toward one."""
        return self.locked or self.failures > 0


def lock_states(cases: Iterable[Case], *, now: dt.datetime | None = None) -> dict[Any, LockState]:
    """``{case id: LockState}`` for cases the caller has already read (one query)."""
    epoch = int((now or timezone.now()).timestamp())
    window = settings.MPPDESK_SELFSERVICE_FAILURE_WINDOW_SECONDS
    keys = {case.pk: ratelimit.anumber_keys(case.a_number) for case in cases}
    counts = ratelimit.read(key for per_case in keys.values() for key in per_case.values())
    states = {}
    for pk, per_case in keys.items():
        web = counts[per_case[Scope.A_NUMBER]]
        phone = counts[per_case[Scope.A_NUMBER_ON_FILE]]
        states[pk] = LockState(
            web_locked_until=_moment(web.locked_until, epoch),
            phone_locked_until=_moment(phone.locked_until, epoch),
            web_failures=web.hits_within(epoch, window),
            phone_failures=phone.hits_within(epoch, window),
        )
    return states


def lock_state(case: Case, *, now: dt.datetime | None = None) -> LockState:
    return lock_states([case], now=now)[case.pk]
