"""Lists downloaded as CSV: who may, which rows, and the audit entry of every row.

A list page shows a page of records; its CSV export takes every record the same filters
and sort select, up to the list's cap (``core.pagination.LIST_CAP``). One function does
what every export must, so no list can forget it:

- the actor's role must allow ``list.export`` (``ExportRefused``, a 403, otherwise);
- only records owned by the organizations where it does are written: a record shared
  with the actor's organization by a referral stays with its owner, like a subject-access
  export, and a record of another organization was never in the scoped list anyway;
- more rows than the cap are refused (``ExportTooLarge``) rather than cut silently;
- every record written gets one ``export`` entry in the audit log, filed under its owning
  organization (``audit.services.record_list_view``);
- cells go through ``lib.csvfile`` (formula injection neutralized).

The search words and filters are not recorded: they may be personal data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, orgs_where
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction
from mppdesk.core.pagination import LIST_CAP
from mppdesk.lib.csvfile import csv_bytes

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


class ExportRefused(PermissionDenied):
    """The actor's roles allow no list export."""


class ExportTooLarge(Exception):
    """More records match than one export may hold."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        super().__init__(
            _("More than %(cap)s records match: narrow the list to export it.") % {"cap": cap}
        )


@dataclass(frozen=True)
class ListExport:
    filename: str
    content: bytes
    count: int


def export_orgs(actor: User | None) -> list[int]:
    """The organizations whose records ``actor`` may export."""
    return orgs_where(actor, Action.LIST_EXPORT)


def may_export(actor: User | None) -> bool:
    """Whether to offer the export link at all (display flag)."""
    return bool(export_orgs(actor))


T = TypeVar("T")


def export_list(
    *,
    actor: User | None,
    rows: Iterable[T],
    filename: str,
    header: Sequence[Any],
    cells: Callable[[T], Sequence[Any]],
    object_type: str,
    fields: Sequence[str],
    organization_id_of: Callable[[T], int] = lambda row: row.organization_id,  # type: ignore[attr-defined]
    object_id: Callable[[T], Any] = lambda row: row.pk,  # type: ignore[attr-defined]
    scope_field: str = "organization_id",
    cap: int | None = None,
) -> ListExport:
    """``rows`` (already scoped, filtered and sorted like the list page) as a CSV file,
    each record written recorded as exported. See the module docstring for the rules."""
    allowed = set(export_orgs(actor))
    if not allowed:
        raise ExportRefused
    cap = LIST_CAP if cap is None else cap
    if isinstance(rows, QuerySet):
        # Counted in the database up to the cap, like the list's pages.
        rows = rows.filter(**{f"{scope_field}__in": allowed})[: cap + 1]
    owned = (row for row in rows if organization_id_of(row) in allowed)
    kept = list(islice(owned, cap + 1))
    if len(kept) > cap:
        raise ExportTooLarge(cap)
    content = csv_bytes([str(h) for h in header], (cells(row) for row in kept))
    with transaction.atomic():
        audit.record_list_view(
            actor=actor,
            objects=kept,
            object_type=object_type,
            fields=fields,
            object_id=object_id,
            organization_id_of=organization_id_of,
            action=AuditAction.EXPORT,
        )
    return ListExport(filename=filename, content=content, count=len(kept))
