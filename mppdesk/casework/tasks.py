"""Background task (django-tasks): the periodic refresh of system tasks."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_system_tasks() -> int:
    """Create the system tasks due today (idempotent; see ``casework.system``)."""
    from mppdesk.casework.system import refresh_system_tasks as refresh

    return refresh()
