"""Who may export or erase a person's data (role in the person's organization).

Analysts and auditors never see personal data, so they cannot export it; erasing is
for supervisors and administrators. A refusal is a 404, like a missing person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from mppdesk.accounts.models import Membership
from mppdesk.core.access import active_membership
from mppdesk.people import queries as people_queries

if TYPE_CHECKING:
    from uuid import UUID

    from mppdesk.accounts.models import User
    from mppdesk.people.models import Person

Role = Membership.Role
EXPORT_ROLES = frozenset(
    {Role.CASEWORKER, Role.SUPERVISOR, Role.ATTORNEY, Role.COORDINATOR, Role.ADMIN}
)
ERASE_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def role_in(user: User | None, organization_id: int) -> str | None:
    """The user's role in the organization (the active membership when it is that one)."""
    if user is None or not user.is_authenticated:
        return None
    membership = active_membership(user)
    if membership is not None and membership.organization_id == organization_id:
        return str(membership.role)
    role = (
        user.memberships.filter(organization_id=organization_id, organization__is_active=True)
        .values_list("role", flat=True)
        .first()
    )
    return str(role) if role else None


def can_export(user: User | None, person: Person) -> bool:
    return role_in(user, person.organization_id) in EXPORT_ROLES


def can_erase(user: User | None, person: Person) -> bool:
    return role_in(user, person.organization_id) in ERASE_ROLES


def person_for_export(user: User | None, pk: UUID | str) -> Person:
    """The person if ``user`` sees them and may export their data, else ``Http404``."""
    person = people_queries.get_person(user, pk)
    if not can_export(user, person):
        raise Http404
    return person


def person_for_erasure(user: User | None, pk: UUID | str) -> Person:
    person = people_queries.get_person(user, pk)
    if not can_erase(user, person):
        raise Http404
    return person
