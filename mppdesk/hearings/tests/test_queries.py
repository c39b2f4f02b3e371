"""Scoped reads: another organization's hearing is a 404; referrals share hearings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from mppdesk.hearings import hearing_services, queries
from mppdesk.hearings import outcomes as outcome_services
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket
from mppdesk.people.models import ContactPoint
from mppdesk.sharing import services as sharing
from mppdesk.testing.factories import ContactPointFactory


@pytest.fixture
def hearing(personas: Any, case: Any, docket: Any) -> Any:
    return hearing_services.schedule_hearing(actor=personas.coordinator, case=case, docket=docket)


def test_outsider_gets_404(personas: Any, hearing: Any) -> None:
    assert queries.get_hearing(personas.caseworker, hearing.pk) == hearing
    with pytest.raises(Http404):
        queries.get_hearing(personas.outsider, hearing.pk)
    with pytest.raises(Http404):
        queries.get_hearing(personas.outsider, "not-a-uuid")
    assert not queries.hearings_for(personas.outsider).exists()


def test_analyst_sees_no_hearing_and_no_docket(analyst: Any, hearing: Any) -> None:
    assert not queries.hearings_for(analyst).exists()
    assert not queries.dockets_for(analyst).exists()


def test_dockets_are_seen_by_every_docket_reader(personas: Any, docket: Any) -> None:
    assert queries.get_docket(personas.outsider, docket.pk) == docket


def test_a_referral_shares_the_persons_hearings_read_only(
    personas: Any, case: Any, hearing: Any, el_paso: Any
) -> None:
    referral = sharing.refer_person(
        actor=personas.caseworker,
        person=case.lead,
        to_organization=personas.other_org,
        consent_given_at=timezone.now(),
        consent_method="verbal_in_person",
        purpose="legal_representation",
    )
    assert not queries.hearings_for(personas.outsider).exists()  # pending: nothing yet
    sharing.accept_referral(actor=personas.outsider, referral=referral)
    assert queries.get_hearing(personas.outsider, hearing.pk) == hearing
    hearing_past = make_docket(el_paso, timezone.localdate() - dt.timedelta(days=1))
    hearing_services.cancel(actor=personas.coordinator, hearing=hearing, reason="moved")
    old = hearing_services.schedule_hearing(
        actor=personas.coordinator, case=case, docket=hearing_past, allow_past=True
    )
    outcome_services.record_outcome(actor=None, hearing=old, outcome="removal_in_absentia")
    assert queries.follow_ups_for(personas.outsider).count() == 1
    with pytest.raises(PermissionDenied):
        queries.get_hearing_for_update(personas.outsider, hearing.pk)
    sharing.revoke_referral(actor=personas.caseworker, referral=referral)
    assert not queries.hearings_for(personas.outsider).exists()


def test_upcoming_lists_the_next_days_only(personas: Any, el_paso: Any) -> None:
    soon = hearing_services.schedule_hearing(
        actor=personas.coordinator,
        case=make_case(personas.org, venue=el_paso),
        docket=make_docket(el_paso, timezone.localdate() + dt.timedelta(days=3)),
    )
    hearing_services.schedule_hearing(
        actor=personas.coordinator,
        case=make_case(personas.org, venue=el_paso),
        docket=make_docket(el_paso, future_day(5)),
    )
    assert list(queries.upcoming_for(personas.caseworker, days=14)) == [soon]
    assert queries.upcoming_for(personas.caseworker, days=60).count() == 2
    assert not queries.upcoming_for(personas.outsider, days=60).exists()


def test_no_confirmed_contact_list(personas: Any, el_paso: Any) -> None:
    day = timezone.localdate() + dt.timedelta(days=5)
    silent = make_case(personas.org, venue=el_paso)
    reachable = make_case(personas.org, venue=el_paso, riders=1)
    opted_out = make_case(personas.org, venue=el_paso)
    no_consent = make_case(personas.org, venue=el_paso)
    rider = reachable.members.get(role="rider").person
    ContactPointFactory(person=rider)  # a rider's confirmed phone reaches the family
    ContactPointFactory(person=opted_out.lead, opted_out=True)
    ContactPointFactory(person=no_consent.lead, consent=False)
    far = make_case(personas.org, venue=el_paso)
    for index, case in enumerate([silent, reachable, opted_out, no_consent]):
        hearing_services.schedule_hearing(
            actor=personas.coordinator,
            case=case,
            docket=make_docket(el_paso, day, courtroom=str(index)),
        )
    hearing_services.schedule_hearing(
        actor=personas.coordinator, case=far, docket=make_docket(el_paso, future_day(4))
    )
    listed = {h.case_id for h in queries.without_confirmed_contact(personas.caseworker)}
    assert listed == {silent.pk, opted_out.pk, no_consent.pk}
    assert ContactPoint.objects.count() == 3


def test_pending_cases_are_those_without_a_hearing_ahead(
    personas: Any, el_paso: Any, hearing: Any
) -> None:
    waiting = make_case(personas.org, venue=el_paso)
    pending = set(queries.pending_cases(personas.coordinator).values_list("pk", flat=True))
    assert waiting.pk in pending and hearing.case_id not in pending
    assert not queries.pending_cases(personas.caseworker).exists()
