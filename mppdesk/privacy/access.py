"""Who may export or erase a person's data (role in the person's organization).

The permission matrix (``accounts.permissions``) decides: export is ``person.export``,
erasure ``person.erase``, both in the person's *owning* organization (a referral's
receiver may do neither). A refusal is a 404, like a missing person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import Http404

from mppdesk.accounts.permissions import Action, can
from mppdesk.people import queries as people_queries

if TYPE_CHECKING:
    from uuid import UUID

    from mppdesk.accounts.models import User
    from mppdesk.people.models import Person


def can_export(user: User | None, person: Person) -> bool:
    return can(user, Action.PERSON_EXPORT, person.organization_id)


def can_erase(user: User | None, person: Person) -> bool:
    return can(user, Action.PERSON_ERASE, person.organization_id)


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
