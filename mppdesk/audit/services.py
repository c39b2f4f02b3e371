"""Writing the audit log. Services call ``record`` inside their transaction."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from mppdesk.audit.models import AuditEntry
from mppdesk.core import context

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
        actor=actor, organization=organization, action=action, object_type=object_type,
        object_id=object_id, fields=fields,
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
    """One entry per object, written in bulk (imports, exports)."""
    entries = [
        _entry(actor=actor, organization=organization, action=action, object_type=object_type,
               object_id=oid, fields=fields)
        for oid in object_ids
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=batch_size)
    return len(entries)
