"""``flush`` that keeps the audit log unless Django's test harness is running.

The audit log is append-only (``audit.triggers``): a plain ``flush`` is refused by the
database, which is right for every real database. Django's ``TransactionTestCase`` (and
so pytest-django's ``transactional_db`` and ``live_server``) empties all tables with
``flush`` after each test, though. Under the test environment that Django's test runner
and pytest-django set up (``django.test.utils.setup_test_environment``), this command
drops the audit triggers, flushes and re-creates them, all in one transaction, so no
other connection ever sees the log unguarded. Outside it, the command refuses with a
clear message instead of failing half-way in the database.

Django lets an installed app's command replace a core one of the same name; this file
does that, and calls Django's own command for the work.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from mppdesk.audit import triggers


def under_test_harness() -> bool:
    """True between ``setup_test_environment()`` and ``teardown_test_environment()``."""
    from django.test.utils import _TestState

    return hasattr(_TestState, "saved_data")


class Command(flush.Command):
    help = flush.Command.help + " Refused outside tests: the audit log is never deleted."

    def handle(self, **options: Any) -> None:
        database = options.get("database") or DEFAULT_DB_ALIAS
        if not under_test_harness():
            raise CommandError(
                "flush would delete the audit log, which is append-only; refused. "
                "For a fresh local database, remove the var/ directory instead."
            )
        connection = connections[database]
        with transaction.atomic(using=database):
            triggers.remove(connection)
            super().handle(**options)
            triggers.install(connection)
