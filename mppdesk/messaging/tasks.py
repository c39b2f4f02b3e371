"""Thin tasks: a dispatch pass of the outbox (arguments are plain JSON)."""

from __future__ import annotations

import os

from django_tasks import task


@task()
def dispatch_outbox() -> int:
    """Drain what is due now, so the database worker sends messages even when no
    ``mppdesk dispatch`` process runs. Safe beside dispatcher processes (claims)."""
    from mppdesk.messaging.dispatch import drain

    return drain(f"task-{os.getpid()}")
