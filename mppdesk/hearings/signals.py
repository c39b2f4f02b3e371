"""Signals other apps listen to when a hearing changes (messaging plans reminders on them).

Each is sent inside the service's transaction, after the hearing rows are written, so a
receiver may write rows of its own that commit or roll back with the change. Receivers
must queue side effects (sending, tasks) with ``transaction.on_commit``.
"""

from __future__ import annotations

from django.dispatch import Signal

#: A hearing was put on a docket. kwargs: ``hearing``, ``actor``.
hearing_scheduled = Signal()

#: A hearing was moved (rescheduled) or continued to a new hearing. kwargs: ``old``,
#: ``new`` (the replacement), ``action`` ("rescheduled" or "continued"), ``actor``.
hearing_replaced = Signal()

#: A hearing that had not taken place was cancelled. kwargs: ``hearing``, ``actor``.
hearing_cancelled = Signal()
