"""Every read that both the web and the API offer writes the same audit entries (issue 12).

The read owns its entry (``queries.get_*_for_view``, ``record_*_listed``): the web once
filed a person's movements as "movements" and the API as "person", and the API filed
reads under the token's organization, so the owning organization's auditor never saw a
partner's reads. Each test performs one read on each channel and compares the entries it
wrote: actor, organization, action, object type, object id and fields.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mppdesk.accounts.services import create_api_token
from mppdesk.accounts.testing import verified_login
from mppdesk.api.tests.helpers import ApiClient
from mppdesk.audit.models import AuditEntry
from mppdesk.testing.factories import CaseFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db

Entry = tuple[Any, ...]


def _written_by(read: Callable[[], Any]) -> list[Entry]:
    """The audit entries ``read`` wrote (which must answer 200), in a stable order."""
    last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    response = read()
    assert response.status_code == 200, response.content
    entries = AuditEntry.objects.filter(seq__gt=last).values_list(
        "actor_id", "organization_id", "action", "object_type", "object_id", "fields"
    )
    return sorted(tuple(tuple(v) if isinstance(v, list) else v for v in e) for e in entries)


def _same_on_web_and_api(user: Any, web_path: str, api_path: str) -> list[Entry]:
    web = verified_login(Client(), user)
    _token, secret = create_api_token(actor=None, user=user, name="audit test")
    api = ApiClient(secret)
    on_web = _written_by(lambda: web.get(web_path))
    on_api = _written_by(lambda: api.get(api_path))
    assert on_web, "the read wrote no audit entry"
    assert on_web == on_api
    return on_web


def test_person(personas: Any) -> None:
    person = PersonFactory(organization=personas.org)
    [entry] = _same_on_web_and_api(
        personas.caseworker,
        reverse("people:detail", kwargs={"pk": person.pk}),
        f"/api/v1/people/{person.pk}",
    )
    assert entry[1:5] == (person.organization_id, "view", "person", str(person.pk))


def test_household(personas: Any) -> None:
    household = HouseholdFactory(organization=personas.org)
    [entry] = _same_on_web_and_api(
        personas.caseworker,
        reverse("people:household", kwargs={"pk": household.pk}),
        f"/api/v1/households/{household.pk}",
    )
    assert entry[1:5] == (personas.org.pk, "view", "household", str(household.pk))


def test_people_list(personas: Any) -> None:
    people = [PersonFactory(organization=personas.org) for _ in range(3)]
    entries = _same_on_web_and_api(personas.caseworker, reverse("people:list"), "/api/v1/people")
    assert sorted(e[4] for e in entries) == sorted(str(p.pk) for p in people)


def test_case(personas: Any) -> None:
    case = CaseFactory(organization=personas.org)
    [entry] = _same_on_web_and_api(
        personas.caseworker,
        reverse("cases:detail", kwargs={"pk": case.pk}),
        f"/api/v1/cases/{case.pk}",
    )
    assert entry[1:5] == (personas.org.pk, "view", "case", str(case.pk))


def test_case_list(personas: Any) -> None:
    cases = [CaseFactory(organization=personas.org) for _ in range(2)]
    entries = _same_on_web_and_api(personas.caseworker, reverse("cases:list"), "/api/v1/cases")
    assert sorted(e[4] for e in entries) == sorted(str(c.pk) for c in cases)


def test_screening(personas: Any) -> None:
    person = PersonFactory(organization=personas.org)
    [entry] = _same_on_web_and_api(
        personas.coordinator,
        reverse("screening:person", kwargs={"pk": person.pk}),
        f"/api/v1/screening/people/{person.pk}",
    )
    assert entry[1:5] == (personas.org.pk, "view", "screening", str(person.pk))


def test_transfer_group_and_movements(personas: Any) -> None:
    from django.utils import timezone

    from mppdesk.places.models import DetentionFacility, Port
    from mppdesk.transfers import services
    from mppdesk.transfers.tests.conftest import detain

    facility = DetentionFacility.objects.get(code="el-paso-service-processing-center")
    person = detain(personas.org, facility, 2)[0]
    group = services.plan_group(
        actor=personas.coordinator, facilities=[facility], port=Port.objects.get(code="el-paso"),
        date=timezone.localdate(), target_size=100, version="2021",
    )  # fmt: skip
    [entry] = _same_on_web_and_api(
        personas.coordinator,
        reverse("transfers:group", kwargs={"pk": group.pk}),
        f"/api/v1/transfers/groups/{group.pk}",
    )
    assert entry[1:5] == (personas.org.pk, "view", "transfer_group", str(group.pk))
    [entry] = _same_on_web_and_api(
        personas.coordinator,
        reverse("transfers:timeline", kwargs={"pk": person.pk}),
        f"/api/v1/transfers/people/{person.pk}/movements",
    )
    assert entry[1:5] == (personas.org.pk, "view", "person", str(person.pk))


def test_messages(personas: Any) -> None:
    from mppdesk.messaging.tests.test_web_support import Scene, message_to

    scene = Scene.build(personas)
    case = scene.case()
    message = message_to(case, hearing=scene.hearing(case))
    [entry] = _same_on_web_and_api(
        personas.caseworker,
        reverse("messaging:person", kwargs={"pk": case.lead_id}),
        f"/api/v1/messages/people/{case.lead_id}",
    )
    assert entry[1:5] == (personas.org.pk, "view", "person", str(case.lead_id))
    [entry] = _same_on_web_and_api(
        personas.caseworker,
        reverse("messaging:timeline", kwargs={"pk": message.pk}),
        f"/api/v1/messages/{message.pk}",
    )
    assert entry[1:5] == (personas.org.pk, "view", "message", str(message.pk))


def test_at_risk(personas: Any) -> None:
    from mppdesk.messaging.tests.test_web_support import Scene

    scene = Scene.build(personas)
    case = scene.case(contacts=())
    scene.hearing(case)
    entries = _same_on_web_and_api(
        personas.caseworker, reverse("messaging:at_risk"), "/api/v1/messages/at-risk"
    )
    assert [e[1:5] for e in entries] == [(personas.org.pk, "view", "person", str(case.lead_id))]


def test_program_coordinators_summary_of_a_hearing(personas: Any) -> None:
    """A program-wide coordinator reads a hearing of a case it schedules but may not read:
    the read-only summary (``hearings.coordination.program_hearing``), filed under the
    case's organization with the summary's fields, on the web page and the API detail."""
    from mppdesk.accounts.models import Membership, Organization
    from mppdesk.hearings import hearing_services
    from mppdesk.hearings.coordination import PROGRAM_HEARING_FIELDS
    from mppdesk.hearings.tests.conftest import make_case, user_with_role
    from mppdesk.messaging.tests.test_web_support import Scene
    from mppdesk.testing.factories import OrganizationFactory

    program = OrganizationFactory(slug="program", kind=Organization.Kind.COORDINATOR)
    coordinator = user_with_role(program, Membership.Role.COORDINATOR, "coord.program")
    docket = Scene.build(personas).docket
    case = make_case(personas.org, venue=docket.venue)
    hearing = hearing_services.schedule_hearing(actor=None, case=case, docket=docket)
    [entry] = _same_on_web_and_api(
        coordinator,
        reverse("hearings:detail", kwargs={"pk": hearing.pk}),
        f"/api/v1/hearings/{hearing.pk}",
    )
    assert entry == (
        coordinator.pk, personas.org.pk, "view", "hearing", str(hearing.pk),
        tuple(sorted(PROGRAM_HEARING_FIELDS)),
    )  # fmt: skip


def test_incoming_referrals_filed_under_the_referring_organization(personas: Any) -> None:
    """The receiving organization's reads land in the owner's log on both channels."""
    from mppdesk.sharing.tests.conftest import refer

    person = PersonFactory(organization=personas.org)
    refer(personas, person)
    [entry] = _same_on_web_and_api(
        personas.outsider, reverse("sharing:incoming"), "/api/v1/referrals?direction=incoming"
    )
    assert entry[:5] == (personas.outsider.pk, personas.org.pk, "view", "person", str(person.pk))


def test_a_partners_read_of_a_shared_person_is_in_the_owners_log(personas: Any) -> None:
    from mppdesk.sharing import services
    from mppdesk.sharing.tests.conftest import refer

    person = PersonFactory(organization=personas.org)
    services.accept_referral(actor=personas.outsider, referral=refer(personas, person))
    [entry] = _same_on_web_and_api(
        personas.outsider,
        reverse("people:detail", kwargs={"pk": person.pk}),
        f"/api/v1/people/{person.pk}",
    )
    assert entry[:5] == (personas.outsider.pk, personas.org.pk, "view", "person", str(person.pk))
