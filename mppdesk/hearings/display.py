"""Display text of the hearings' entries on a case's timeline."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from mppdesk.hearings.models import HearingStatus, Notice, NoticeMethod, Outcome

if TYPE_CHECKING:
    pass


def case_event_detail(data: Mapping[str, Any]) -> str:
    """A line for a hearing entry of the case timeline (``CaseEvent.kind == "hearing"``),
    in the active language, from the event's ``data`` (no personal data in it)."""
    from django.utils.text import capfirst

    action = str(data.get("action", ""))
    day = str(data.get("docket_date", ""))
    if action == "scheduled":
        return f"{HearingStatus.SCHEDULED.label}: {day}"
    if action == "rescheduled":
        return f"{HearingStatus.RESCHEDULED.label} → {day}"
    if action == "continued":
        return f"{Outcome.CONTINUED.label} → {day}"
    if action == "cancelled":
        return str(HearingStatus.CANCELLED.label)
    if action == "outcome":
        try:
            return str(Outcome(str(data.get("outcome", ""))).label)
        except ValueError:
            return str(data.get("outcome", ""))
    if action == "notice":
        try:
            method = str(NoticeMethod(str(data.get("method", ""))).label)
        except ValueError:
            method = ""
        return f"{capfirst(Notice._meta.verbose_name)}: {method}".rstrip(": ")
    return action
