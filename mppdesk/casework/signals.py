"""Signals where a system task follows naturally from one save: a service referral with
a follow-up date, an in absentia follow-up opened. The periodic refresh catches the rest
(``casework.system``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver


@receiver(post_save, sender="assistance.ServiceReferral")
def referral_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from mppdesk.casework.system import follow_up_task

    follow_up_task(instance)


@receiver(post_save, sender="hearings.InAbsentiaFollowUp")
def follow_up_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    from mppdesk.casework.system import in_absentia_task

    in_absentia_task(instance)
