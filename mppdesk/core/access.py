"""Who may see what. Every read of personal data goes through these helpers.

A record that exists but is not visible raises ``Http404`` exactly like a missing one,
so a probe cannot learn that a person is registered elsewhere.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from mppdesk.core.models import OrgScopedQuerySet

if TYPE_CHECKING:
    from mppdesk.accounts.models import Membership, User

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """How scoping asks the permission matrix, registered by ``accounts`` at start-up
    (core sits below accounts and may not import it).

    ``readable_orgs(user)`` — the organizations whose records the user may read;
    ``may_write(user, organization_id)`` — may the user change that organization's records.
    """

    readable_orgs: Callable[[Any], list[int]]
    may_write: Callable[[Any, int], bool]


_scope: Scope | None = None


def register_scope(scope: Scope) -> None:
    """Called once by ``accounts`` (``AccountsConfig.ready``)."""
    global _scope
    _scope = scope


def registered_scope() -> Scope:
    if _scope is None:
        # Fail closed and loudly: without the permission matrix nothing may be read.
        raise RuntimeError("no access scope registered: is mppdesk.accounts in INSTALLED_APPS?")
    return _scope


def visible_org_ids(user: User) -> list[int]:
    """Organizations whose records the user may read: those where their role has
    ``person.read`` (``accounts.permissions``). Analysts and auditors get none."""
    return registered_scope().readable_orgs(user)


def active_membership(user: User) -> Membership | None:
    # Cache "no membership" too: the attribute's presence, not its value, marks a lookup done.
    if not hasattr(user, "_mppdesk_membership"):
        user._mppdesk_membership = (  # type: ignore[attr-defined]
            user.memberships.select_related("organization")
            .filter(organization__is_active=True)
            .order_by("id")
            .first()
        )
    membership: Membership | None = user._mppdesk_membership  # type: ignore[attr-defined]
    return membership


def require_owner_write(user: User | None, obj: Any) -> Any:
    """``obj`` if ``user`` may change it: ``person.write`` in the *owning* organization.

    Records shared with the user's organization by a referral are read-only there
    (``PermissionDenied``, a 403: the user already sees the record).
    """
    if not registered_scope().may_write(user, obj.organization_id):
        raise PermissionDenied
    return obj


def get_visible_or_404(queryset: OrgScopedQuerySet, user: User | None, pk: Any) -> Any:
    """Fetch one visible row by primary key, or raise ``Http404`` for missing *and* denied."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    obj = queryset.visible_to(user).filter(pk=key).first()
    if obj is None:
        raise Http404
    return obj
