"""The one write of the statistics: an audit entry saying who looked at which tables.

The entry holds no figures and nothing personal: the action (``view`` for the page and
the API, ``export`` for a CSV download), ``object_type`` ``"stats"``, the table name of
an export as ``object_id`` and the names of the tables shown as ``fields``. The
organization is the one filtered on, if any.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import transaction

from mppdesk.audit import services as audit
from mppdesk.audit.models import AuditEntry
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.stats.dashboards import Filters as DashboardFilters
    from mppdesk.stats.exports import Export
    from mppdesk.stats.queries import Filters, Scope

OBJECT_TYPE = ObjectType.STATS


@transaction.atomic
def record_stats_view(
    *, actor: User | None, filters: Filters, tables: Sequence[str], export: str | None = None
) -> AuditEntry:
    """Record that ``actor`` saw ``tables`` (or downloaded the table ``export``)."""
    return audit.record(
        actor=actor,
        organization=filters.organization,
        action=AuditAction.EXPORT if export else AuditAction.VIEW,
        object_type=OBJECT_TYPE,
        object_id=export or "",
        fields=list(tables),
    )


DASHBOARD_OBJECT_TYPE = ObjectType.STATS_DASHBOARD


@transaction.atomic
def record_dashboard_view(
    *, actor: User | None, filters: dict[str, str | None], panels: Sequence[str]
) -> AuditEntry:
    """Record that ``actor`` saw the dashboards' ``panels`` (no figures, no personal data;
    the filters are a port code and weeks)."""
    return audit.record(
        actor=actor,
        organization=None,
        action=AuditAction.VIEW,
        object_type=DASHBOARD_OBJECT_TYPE,
        object_id="",
        fields=[*panels, *(f"{k}={v}" for k, v in filters.items() if v)],
    )


@transaction.atomic
def record_research_export(
    *, actor: User | None, filters: dict[str, str | None], kind: str, fmt: str, rows: int
) -> AuditEntry:
    """Record a research export: its kind (tables, events), format, row count and filters."""
    return audit.record(
        actor=actor,
        organization=None,
        action=AuditAction.EXPORT,
        object_type=DASHBOARD_OBJECT_TYPE,
        object_id=f"{kind}.{fmt}",
        fields=[f"rows={rows}", *(f"{k}={v}" for k, v in filters.items() if v)],
    )


def research_export(
    *, actor: User | None, scope: Scope, filters: DashboardFilters, kind: str, fmt: str
) -> Export:
    """Build a research export (``exports.build``) and audit it; the one function every
    channel (page, API, command) calls."""
    from mppdesk.stats import exports

    result = exports.build(scope, filters, exports.Kind(kind), exports.Format(fmt))
    record_research_export(
        actor=actor, filters=filters.as_dict(), kind=result.kind, fmt=result.format,
        rows=len(result.rows),
    )  # fmt: skip
    return result
