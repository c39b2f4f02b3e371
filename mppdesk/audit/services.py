"""Writing the audit log. Services call ``record`` inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from mppdesk.audit.models import AuditEntry
from mppdesk.core import context
from mppdesk.core.bulk import BulkRows

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User


def _entry(
    *,
    actor: User | None,
    organization: Organization | None,
    action: str,
    object_type: str,
    object_id: Any,
    fields: Sequence[str] = (),
) -> AuditEntry:
    ctx = context.current()
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        organization=organization,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else "",
        fields=sorted(set(fields)),
        channel=ctx.channel,
        request_id=ctx.request_id,
        ip=ctx.ip,
    )


def record(
    *,
    actor: User | None,
    organization: Organization | None,
    action: str,
    object_type: str,
    object_id: Any,
    fields: Sequence[str] = (),
) -> AuditEntry:
    entry = _entry(
        actor=actor,
        organization=organization,
        action=action,
        object_type=object_type,
        object_id=object_id,
        fields=fields,
    )
    entry.save()
    return entry


def record_many(
    *,
    actor: User | None,
    organization: Organization | None,
    action: str,
    object_type: str,
    object_ids: Iterable[Any],
    fields: Sequence[str] = (),
    batch_size: int = 1000,
) -> int:
    """One entry per object, written in bulk (imports, list views, exports).

    Rows go through ``core.bulk.BulkRows`` (executemany / COPY): at 100,000 imported
    people, building ``AuditEntry`` instances for ``bulk_create`` cost about 40% of the
    whole import.
    """
    ctx = context.current()
    now = timezone.now()
    actor_id = actor.pk if actor is not None and actor.is_authenticated else None
    org_id = organization.pk if organization is not None else None
    field_list = sorted(set(fields))
    rows = BulkRows(
        AuditEntry,
        [
            "at",
            "actor",
            "organization",
            "action",
            "object_type",
            "object_id",
            "fields",
            "channel",
            "request_id",
            "ip",
        ],
    )
    for oid in object_ids:
        rows.add(
            now, actor_id, org_id, action, object_type, "" if oid is None else str(oid), field_list,
            ctx.channel, ctx.request_id, ctx.ip,
        )  # fmt: skip
    rows.insert(batch_size)
    return len(rows.rows)
