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

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.audit.models import AuditEntry
    from mppdesk.stats.queries import Filters

OBJECT_TYPE = "stats"


@transaction.atomic
def record_stats_view(
    *, actor: User | None, filters: Filters, tables: Sequence[str], export: str | None = None
) -> AuditEntry:
    """Record that ``actor`` saw ``tables`` (or downloaded the table ``export``)."""
    return audit.record(
        actor=actor,
        organization=filters.organization,
        action="export" if export else "view",
        object_type=OBJECT_TYPE,
        object_id=export or "",
        fields=list(tables),
    )
