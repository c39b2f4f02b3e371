from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from mppdesk.accounts.models import Membership
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.cases import queries as case_queries
from mppdesk.core.errors import FieldErrors
from mppdesk.people import queries as people_queries
from mppdesk.privacy import access as privacy_access
from mppdesk.privacy import services as privacy_services
from mppdesk.sharing import queries, services
from mppdesk.sharing.models import Referral, ReferralStatus
from mppdesk.sharing.tests.conftest import accepted, consent, refer, role_in
from mppdesk.testing.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


# --- referring ----------------------------------------------------------------------------


def test_consent_and_purpose_required_each_missing_field_named(personas, family):
    mark = audit_mark()
    with pytest.raises(FieldErrors) as exc:
        services.refer_person(
            actor=personas.caseworker,
            person=family.lead,
            to_organization=None,
            consent_given_at=None,
            consent_method="",
            purpose="",
        )
    assert set(exc.value.errors) == {
        "to_organization",
        "consent_given_at",
        "consent_method",
        "purpose",
    }
    assert not Referral.objects.exists()
    assert not entries_after(mark).exists()


@pytest.mark.parametrize("field", ["consent_given_at", "consent_method", "purpose"])
def test_each_consent_field_alone_is_required(personas, family, field):
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead, **{field: None if field == "consent_given_at" else ""})
    assert set(exc.value.errors) == {field}


def test_unknown_choices_and_future_or_naive_consent_are_refused(personas, family):
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead, consent_method="telepathy", purpose="fun")
    assert set(exc.value.errors) == {"consent_method", "purpose"}
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead, consent_given_at=timezone.now() + dt.timedelta(days=1))
    assert set(exc.value.errors) == {"consent_given_at"}
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead, consent_given_at=dt.datetime(2026, 1, 1, 9, 0))  # noqa: DTZ001
    assert set(exc.value.errors) == {"consent_given_at"}


def test_referral_to_own_or_inactive_organization_is_refused(personas, family):
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead, to=personas.org)
    assert set(exc.value.errors) == {"to_organization"}
    closed = OrganizationFactory(name="Cerrada", slug="cerrada", is_active=False)
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead, to=closed)
    assert set(exc.value.errors) == {"to_organization"}


def test_refer_creates_pending_referral_with_consent_and_audit_entry(personas, family):
    mark = audit_mark()
    referral = refer(personas, family.lead)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING
    assert referral.organization_id == personas.org.pk
    assert referral.consent_recorded_by == personas.caseworker
    assert referral.created_by == personas.caseworker
    assert referral.consent_note == "Aceptó en presencia de su abogada."
    entry = entries_after(mark).get()
    assert entry.action == "referral.create"
    assert (entry.object_type, entry.object_id) == ("person", str(family.lead.pk))
    assert entry.organization_id == personas.org.pk
    assert entry.actor_id == personas.caseworker.pk
    assert {"consent_given_at", "consent_method", "purpose", "to_organization"} <= set(entry.fields)


def test_notes_are_encrypted_at_rest(personas, family):
    referral = refer(personas, family.lead)
    stored = (
        Referral.objects.filter(pk=referral.pk).values_list("consent_note", "purpose_note").get()
    )
    assert all("albergue" not in value and "abogada" not in value for value in stored)


def test_only_the_owning_organization_may_refer(personas, family):
    analyst = role_in(personas.org, Membership.Role.ANALYST, "analyst")
    with pytest.raises(PermissionDenied):
        services.refer_person(
            actor=analyst, person=family.lead, to_organization=personas.other_org, **consent()
        )
    with pytest.raises(PermissionDenied):
        services.refer_person(
            actor=personas.outsider,
            person=family.lead,
            to_organization=personas.other_org,
            **consent(),
        )


def test_receiver_cannot_refer_further(personas, family, third):
    accepted(personas, family.lead)
    people_queries.get_person(personas.outsider, family.lead.pk)  # sees the person...
    third_org = third.memberships.get().organization
    with pytest.raises(PermissionDenied):  # ...but may not pass them on
        services.refer_person(
            actor=personas.outsider, person=family.lead, to_organization=third_org, **consent()
        )
    assert not Referral.objects.filter(to_organization=third_org).exists()


def test_one_open_referral_per_person_and_receiver(personas, family):
    first = refer(personas, family.lead)
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead)
    assert set(exc.value.errors) == {"to_organization"}
    # The database refuses it too (a race between two requests).
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(
            organization=personas.org,
            person=family.lead,
            to_organization=personas.other_org,
            consent_given_at=timezone.now(),
            consent_method="phone",
            purpose="other",
        )
    services.reject_referral(actor=personas.outsider, referral=first)
    second = refer(personas, family.lead)  # a closed referral is history
    assert second.status == ReferralStatus.PENDING


def test_erased_person_cannot_be_referred(personas, family):
    supervisor = role_in(personas.org, Membership.Role.SUPERVISOR, "supervisor")
    privacy_services.erase_person(actor=supervisor, person=family.lead, reason="request")
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead)
    assert "person" in exc.value.errors


# --- deciding and revoking ------------------------------------------------------------------


def test_receiver_accepts_and_the_entry_is_under_its_organization(personas, family):
    referral = refer(personas, family.lead)
    mark = audit_mark()
    referral = services.accept_referral(
        actor=personas.outsider, referral=referral, note="Cupo disponible."
    )
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.decided_by == personas.outsider
    assert referral.decided_at is not None
    entry = entries_after(mark).get()
    assert entry.action == "referral.accept"
    assert (entry.object_type, entry.object_id) == ("person", str(family.lead.pk))
    assert entry.organization_id == personas.other_org.pk
    assert set(entry.fields) == {"status", "decided_by", "decided_at", "decision_note"}


def test_receiver_rejects(personas, family):
    referral = refer(personas, family.lead)
    mark = audit_mark()
    services.reject_referral(actor=personas.outsider, referral=referral, note="Sin cupo.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED
    assert referral.decision_note == "Sin cupo."
    assert entries_after(mark).get().action == "referral.reject"


def test_only_the_receiver_decides(personas, family, third):
    referral = refer(personas, family.lead)
    with pytest.raises(PermissionDenied):  # the owner sees it but does not decide
        services.accept_referral(actor=personas.caseworker, referral=referral)
    with pytest.raises(Http404):  # a third organization does not even see it
        services.accept_referral(actor=third, referral=referral)
    analyst = role_in(personas.other_org, Membership.Role.ANALYST, "shelter-analyst")
    with pytest.raises(Http404):
        services.reject_referral(actor=analyst, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.PENDING


def test_a_decided_referral_cannot_be_decided_again(personas, family):
    referral = accepted(personas, family.lead)
    with pytest.raises(FieldErrors) as exc:
        services.reject_referral(actor=personas.outsider, referral=referral)
    assert set(exc.value.errors) == {"status"}


def test_only_the_owner_revokes(personas, family, third):
    referral = accepted(personas, family.lead)
    with pytest.raises(PermissionDenied):
        services.revoke_referral(actor=personas.outsider, referral=referral)
    with pytest.raises(Http404):
        services.revoke_referral(actor=third, referral=referral)
    mark = audit_mark()
    services.revoke_referral(actor=personas.caseworker, referral=referral)
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVOKED
    assert referral.revoked_by == personas.caseworker
    entry = entries_after(mark).get()
    assert (entry.action, entry.organization_id) == ("referral.revoke", personas.org.pk)
    with pytest.raises(FieldErrors):
        services.revoke_referral(actor=personas.caseworker, referral=referral)


def test_a_pending_referral_can_be_revoked(personas, family):
    referral = refer(personas, family.lead)
    services.revoke_referral(actor=personas.caseworker, referral=referral)
    with pytest.raises(FieldErrors):
        services.accept_referral(actor=personas.outsider, referral=referral)


# --- what the receiver sees -----------------------------------------------------------------


def _sees(user, family) -> dict[str, bool]:  # type: ignore[no-untyped-def]
    people = set(people_queries.people_for(user).values_list("pk", flat=True))
    cases = set(case_queries.cases_for(user).values_list("pk", flat=True))
    return {
        "lead": family.lead.pk in people,
        "child": family.child.pk in people,
        "case": family.case.pk in cases,
        "household": people_queries.households_for(user).exists(),
    }


NOTHING = {"lead": False, "child": False, "case": False, "household": False}


def test_receiver_sees_person_and_case_only_after_accepting(personas, family):
    referral = refer(personas, family.lead)
    assert _sees(personas.outsider, family) == NOTHING
    with pytest.raises(Http404):
        people_queries.get_person(personas.outsider, family.lead.pk)
    services.accept_referral(actor=personas.outsider, referral=referral)
    # The person and the case they are on; not the other family members or the household.
    assert _sees(personas.outsider, family) == {
        "lead": True,
        "child": False,
        "case": True,
        "household": False,
    }
    assert people_queries.get_person(personas.outsider, family.lead.pk) == family.lead
    assert case_queries.get_case(personas.outsider, family.case.pk) == family.case
    services.revoke_referral(actor=personas.caseworker, referral=referral)
    assert _sees(personas.outsider, family) == NOTHING
    with pytest.raises(Http404):
        case_queries.get_case(personas.outsider, family.case.pk)


def test_a_rejected_referral_shares_nothing(personas, family):
    referral = refer(personas, family.lead)
    services.reject_referral(actor=personas.outsider, referral=referral)
    assert _sees(personas.outsider, family) == NOTHING


def test_a_referred_child_shares_the_case_not_the_lead(personas, family):
    accepted(personas, family.child)
    seen = _sees(personas.outsider, family)
    assert seen["child"] and seen["case"] and not seen["lead"]


def test_a_third_organization_sees_nothing(personas, family, third):
    accepted(personas, family.lead)
    assert _sees(third, family) == NOTHING
    assert not queries.referrals_for(third).exists()


def test_person_shared_twice_is_listed_once(personas, family, third):
    """A user in two receiving organizations: one row, not one per referral."""
    third_org = third.memberships.get().organization
    accepted(personas, family.lead)
    second = refer(personas, family.lead, to=third_org)
    services.accept_referral(actor=third, referral=second)
    from mppdesk.testing.factories import MembershipFactory

    MembershipFactory(user=personas.outsider, organization=third_org, role="caseworker")
    personas.outsider.refresh_from_db()
    from mppdesk.accounts.permissions import forget

    forget(personas.outsider)
    assert list(people_queries.people_for(personas.outsider)) == [family.lead]
    assert case_queries.cases_for(personas.outsider).count() == 1


def test_receiver_cannot_export_or_erase(personas, family):
    receiver_supervisor = role_in(personas.other_org, Membership.Role.SUPERVISOR, "shelter-sup")
    accepted(personas, family.lead)
    for user in (personas.outsider, receiver_supervisor):
        assert people_queries.get_person(user, family.lead.pk) == family.lead
        assert not privacy_access.can_export(user, family.lead)
        assert not privacy_access.can_erase(user, family.lead)
        with pytest.raises(Http404):
            privacy_access.person_for_export(user, family.lead.pk)
        with pytest.raises(Http404):
            privacy_access.person_for_erasure(user, family.lead.pk)


# --- queries ------------------------------------------------------------------------------


def test_access_list_names_owner_and_accepted_receivers(personas, family, third):
    third_org = third.memberships.get().organization
    referral = accepted(personas, family.lead)
    refer(personas, family.lead, to=third_org)  # pending: no access yet
    rows = queries.access_list(family.lead)
    assert [(r.organization, r.owner) for r in rows] == [
        (personas.org, True),
        (personas.other_org, False),
    ]
    assert rows[0].since == family.lead.created_at
    assert rows[1].since == referral.decided_at
    assert rows[1].referral == referral


def test_incoming_and_outgoing_sides(personas, family, third):
    referral = refer(personas, family.lead)
    assert list(queries.outgoing_for(personas.caseworker)) == [referral]
    assert not queries.incoming_for(personas.caseworker).exists()
    assert list(queries.incoming_for(personas.outsider)) == [referral]
    assert not queries.outgoing_for(personas.outsider).exists()
    assert queries.get_referral(personas.outsider, referral.pk) == referral
    with pytest.raises(Http404):
        queries.get_referral(third, referral.pk)
    with pytest.raises(Http404):
        queries.get_referral(personas.outsider, "not-a-uuid")


def test_receiver_loses_names_and_notes_once_closed(personas, family):
    referral = refer(personas, family.lead)
    assert queries.may_see_details(personas.outsider, referral)
    services.reject_referral(actor=personas.outsider, referral=referral)
    referral.refresh_from_db()
    assert not queries.may_see_details(personas.outsider, referral)
    assert queries.may_see_details(personas.caseworker, referral)


def test_revoke_all_for_person_closes_and_blanks(personas, family):
    referral = accepted(personas, family.lead)
    mark = audit_mark()
    assert services.revoke_all_for_person(actor=None, person=family.lead) == 1
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REVOKED
    assert (referral.consent_note, referral.purpose_note) == ("", "")
    assert entries_after(mark).get().action == "referral.revoke"
    assert _sees(personas.outsider, family) == NOTHING


def test_a_concurrent_duplicate_is_a_field_error_not_a_crash(personas, family, monkeypatch):
    refer(personas, family.lead)
    # As if the other request's row was not yet visible to this one's check.
    monkeypatch.setattr(queries, "OPEN", [])
    with pytest.raises(FieldErrors) as exc:
        refer(personas, family.lead)
    assert set(exc.value.errors) == {"to_organization"}
    assert Referral.objects.count() == 1
