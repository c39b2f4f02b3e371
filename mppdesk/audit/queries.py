"""Who may read the audit log, and which entries.

Auditors and administrators only: everyone else gets a 404 for the audit pages, as for
any record they may not see. The log holds ids and field names, never values, so an
auditor learns who touched which record and when, not what it says.

Scope: an auditor or administrator of a program-wide organization (the program
coordinator, a monitor) sees the whole log; one of any other organization sees the
entries recorded under their own organizations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404

from mppdesk.accounts.models import Membership, Organization
from mppdesk.audit.models import AuditEntry
from mppdesk.core.access import active_membership, visible_org_ids

if TYPE_CHECKING:
    from mppdesk.accounts.models import User

AUDIT_ROLES = frozenset({Membership.Role.AUDITOR, Membership.Role.ADMIN})
PROGRAM_WIDE_KINDS = frozenset({Organization.Kind.COORDINATOR, Organization.Kind.MONITOR})


def require_auditor(user: User) -> Membership:
    """The viewer's active membership if it may read the audit log; else ``Http404``."""
    membership = active_membership(user) if user.is_authenticated else None
    if membership is None or membership.role not in AUDIT_ROLES:
        raise Http404
    return membership


def sees_whole_log(membership: Membership) -> bool:
    return membership.organization.kind in PROGRAM_WIDE_KINDS


def entries_for(user: User) -> QuerySet[AuditEntry]:
    membership = require_auditor(user)
    entries = AuditEntry.objects.all()
    if not sees_whole_log(membership):
        entries = entries.filter(organization_id__in=visible_org_ids(user))
    return entries


def organizations_for(user: User) -> QuerySet[Organization]:
    membership = require_auditor(user)
    if sees_whole_log(membership):
        return Organization.objects.order_by("name")
    return Organization.objects.filter(pk__in=visible_org_ids(user)).order_by("name")
