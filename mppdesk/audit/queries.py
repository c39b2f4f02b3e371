"""Who may read the audit log, and which entries.

Roles with ``audit.read`` (auditors and administrators, ``accounts.permissions``) only:
everyone else gets a 404 for the audit pages, as for any record they may not see. The log holds ids and field names, never values, so an
auditor learns who touched which record and when, not what it says.

Scope: an auditor or administrator of a program-wide organization (the program
coordinator, a monitor) sees the whole log; one of any other organization sees the
entries recorded under the organizations where they hold ``audit.read``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from mppdesk.accounts.models import Organization
from mppdesk.accounts.permissions import Action, any_program_wide, orgs_where
from mppdesk.audit.models import AuditEntry

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


def require_auditor(user: User) -> list[int]:
    """The organizations in which the viewer may read the audit log; ``Http404`` if none."""
    org_ids = orgs_where(user, Action.AUDIT_READ)
    if not org_ids:
        raise Http404
    return org_ids


def sees_whole_log(org_ids: list[int]) -> bool:
    return any_program_wide(org_ids)


def entries_for(user: User) -> QuerySet[AuditEntry]:
    org_ids = require_auditor(user)
    entries = AuditEntry.objects.all()
    if not sees_whole_log(org_ids):
        entries = entries.filter(organization_id__in=org_ids)
    return entries


def organizations_for(user: User) -> QuerySet[Organization]:
    org_ids = require_auditor(user)
    if sees_whole_log(org_ids):
        return Organization.objects.order_by("name")
    return Organization.objects.filter(pk__in=org_ids).order_by("name")
