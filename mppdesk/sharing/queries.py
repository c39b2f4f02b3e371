"""Reads of referrals, scoped to the viewer's side of each one.

- *Outgoing*: referrals made by an organization where the user has ``person.read``
  (they see the person anyway).
- *Incoming*: referrals to an organization where the user has ``referral.decide`` or
  ``person.read``.

A referral on neither side is a 404, like a missing one. On the receiving side, the
person's names and the notes are shown only while the referral is open (pending, so the
receiver can decide; accepted, so they can work): a rejected or revoked referral is
history to the receiver, without personal data.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet
from django.http import Http404

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.sharing.models import OPEN_STATUSES, Referral, ReferralStatus

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User
    from mppdesk.people.models import Person

OPEN = [str(s) for s in OPEN_STATUSES]
#: What a referral shown in a list or by the API shows of its person, on every channel.
REFERRAL_PERSON_FIELDS = ["given_names", "family_names", "referrals"]
#: What the owner's panel of a person's referrals shows besides the record itself.
PANEL_FIELDS = ["referrals"]


def outgoing_org_ids(user: User | None) -> list[int]:
    return orgs_where(user, Action.PERSON_READ)


def incoming_org_ids(user: User | None) -> list[int]:
    return sorted(
        set(orgs_where(user, Action.REFERRAL_DECIDE)) | set(orgs_where(user, Action.PERSON_READ))
    )


def _related(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    return referrals.select_related("organization", "to_organization", "person")


def outgoing_for(user: User | None) -> QuerySet[Referral]:
    return _related(Referral.objects.filter(organization_id__in=outgoing_org_ids(user)))


def incoming_for(user: User | None) -> QuerySet[Referral]:
    return _related(Referral.objects.filter(to_organization_id__in=incoming_org_ids(user)))


def referrals_for(user: User | None) -> QuerySet[Referral]:
    """Every referral the user sees, on either side."""
    scope = Q(organization_id__in=outgoing_org_ids(user)) | Q(
        to_organization_id__in=incoming_org_ids(user)
    )
    return _related(Referral.objects.filter(scope))


def get_referral(user: User | None, pk: Any) -> Referral:
    """The referral if ``user`` is on one of its sides, else ``Http404`` (also for a bad id)."""
    try:
        key = uuid.UUID(str(pk))
    except ValueError as exc:
        raise Http404 from exc
    referral = referrals_for(user).filter(pk=key).first()
    if referral is None:
        raise Http404
    return referral


def is_sender(user: User | None, referral: Referral) -> bool:
    """On the owning side (sees the person through ownership)."""
    return can(user, Action.PERSON_READ, referral.organization_id)


def may_see_details(user: User | None, referral: Referral) -> bool:
    """Names and notes: always to the owner; to the receiver while the referral is open."""
    if is_sender(user, referral):
        return True
    return referral.status in OPEN and referral.to_organization_id in incoming_org_ids(user)


def may_decide(user: User | None, referral: Referral) -> bool:
    return referral.status == ReferralStatus.PENDING and can(
        user, Action.REFERRAL_DECIDE, referral.to_organization_id
    )


def may_revoke(user: User | None, referral: Referral) -> bool:
    return referral.status in OPEN and can(user, Action.REFERRAL_SEND, referral.organization_id)


def may_refer(user: User | None, person: Person) -> bool:
    return can(user, Action.REFERRAL_SEND, person.organization_id)


def record_referrals_viewed(actor: User | None, referrals: Iterable[Referral]) -> None:
    """Referrals that show their person's names were shown: one view of each person,
    filed under the referring (owning) organization — the same entries for the incoming
    list on the web and a read through the API."""
    audit.record_list_view(
        actor=actor,
        objects=referrals,
        object_type=ObjectType.PERSON,
        fields=REFERRAL_PERSON_FIELDS,
        object_id=lambda referral: referral.person_id,
    )


def person_referrals_for_view(actor: User | None, person: Person) -> tuple[bool, list[Referral]]:
    """For the person's access panel: whether ``actor`` reads it on the owner's side, and
    then the person's referrals (their notes say why and with what consent the person was
    referred, so showing any is recorded as a view of the person)."""
    if not can(actor, Action.PERSON_READ, person.organization_id):
        return False, []
    referrals = list(referrals_of(person))
    if referrals:
        audit.record_view(
            actor=actor, obj=person, object_type=ObjectType.PERSON, fields=PANEL_FIELDS
        )
    return True, referrals


def referrals_of(person: Person) -> QuerySet[Referral]:
    """Every referral of ``person`` (for the owner's panel), newest first."""
    return Referral.objects.filter(person=person).select_related(
        "to_organization", "created_by", "decided_by", "revoked_by"
    )


@dataclass(frozen=True)
class Access:
    """One organization that reads a person's record, and since when."""

    organization: Organization
    since: dt.datetime
    owner: bool
    referral: Referral | None = None


def access_list(person: Person) -> list[Access]:
    """Who has access to ``person``: the owning organization, then every organization
    with an accepted referral (oldest acceptance first). Roles within each organization
    follow the permission matrix (``docs/permissions.md``)."""
    rows = [Access(organization=person.organization, since=person.created_at, owner=True)]
    accepted = (
        Referral.objects.filter(person=person, status=ReferralStatus.ACCEPTED)
        .select_related("to_organization")
        .order_by("decided_at", "id")
    )
    for referral in accepted:
        rows.append(
            Access(
                organization=referral.to_organization,
                since=referral.decided_at or referral.created_at,
                owner=False,
                referral=referral,
            )
        )
    return rows


def referral_targets(person: Person) -> QuerySet[Organization]:
    """Organizations ``person`` may be referred to: active, not the owner, no open referral."""
    from mppdesk.accounts.models import Organization

    open_to = Referral.objects.filter(person=person, status__in=OPEN).values("to_organization_id")
    return (
        Organization.objects.filter(is_active=True)
        .exclude(pk=person.organization_id)
        .exclude(pk__in=open_to)
        .order_by("name")
    )
