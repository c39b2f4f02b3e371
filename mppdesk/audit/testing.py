"""Test helpers for code that writes audit entries.

The log is append-only, even in tests: ``AuditEntry.objects.all().delete()`` to start a
test from an empty log is refused by the database. Take a mark instead and look only at
what was written after it::

    mark = audit_mark()
    services.update_case(...)
    entry = entries_after(mark).get()
"""

from __future__ import annotations

from django.db.models import Max, QuerySet

from mppdesk.audit.models import AuditEntry


def audit_mark() -> int:
    """The seq of the last entry written so far (0 for an empty log)."""
    return AuditEntry.objects.aggregate(last=Max("seq"))["last"] or 0


def entries_after(mark: int) -> QuerySet[AuditEntry]:
    """Entries written after ``audit_mark()`` returned ``mark``, oldest first."""
    return AuditEntry.objects.filter(seq__gt=mark).order_by("seq")
