"""Receivers of hearing signals: plan, re-plan and cancel reminders (``planning``).

They run inside the hearing service's transaction (``hearings.signals``): the messages
are written with the hearing change or not at all, and sent only after commit.
"""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from mppdesk.hearings import signals
from mppdesk.reminders import planning


@receiver(signals.hearing_scheduled, dispatch_uid="reminders.hearing_scheduled")
def on_hearing_scheduled(sender: Any, hearing: Any, **kwargs: Any) -> None:
    planning.plan_hearing(hearing)


@receiver(signals.hearing_replaced, dispatch_uid="reminders.hearing_replaced")
def on_hearing_replaced(sender: Any, old: Any, new: Any, **kwargs: Any) -> None:
    planning.hearing_replaced(old, new)


@receiver(signals.hearing_cancelled, dispatch_uid="reminders.hearing_cancelled")
def on_hearing_cancelled(sender: Any, hearing: Any, **kwargs: Any) -> None:
    planning.hearing_cancelled(hearing)
