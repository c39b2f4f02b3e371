"""Shared setup of the messaging UI and API tests (no tests here).

``Scene`` builds cases of ``personas.org`` with a hearing in about ten days at El Paso
(places come from the seeding migrations), each lead with or without contact points.
"""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from typing import Any

from django.test import Client

from mppdesk.accounts.models import Membership
from mppdesk.accounts.testing import verified_login
from mppdesk.cases.models import Case
from mppdesk.hearings import hearing_services
from mppdesk.hearings.models import Docket, Hearing
from mppdesk.hearings.tests.conftest import EL_PASO, future_day, make_case, make_docket
from mppdesk.messaging.models import Message, MessageStatus
from mppdesk.messaging.services import enqueue_message
from mppdesk.people.models import ContactPoint
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import ContactPointFactory, MembershipFactory, UserFactory

_serial = itertools.count(1)


def client_for(user: Any, language: str = "en") -> Client:
    client = verified_login(Client(), user)
    client.cookies["django_language"] = language
    return client


def user_with_role(org: Any, role: str) -> Any:
    user = UserFactory(username=f"{role}-{next(_serial)}")
    MembershipFactory(user=user, organization=org, role=role)
    return user


def analyst(org: Any) -> Any:
    return user_with_role(org, Membership.Role.ANALYST)


@dataclass
class Scene:
    personas: Any
    docket: Docket

    @classmethod
    def build(cls, personas: Any) -> Scene:
        venue = Venue.objects.get(code=EL_PASO)
        # Next week's Monday: within the 14 days of the at-risk list.
        return cls(personas, make_docket(venue, future_day(weeks=1), capacity=60))

    def case(self, *, contacts: tuple[str, ...] = ("phone",), org: Any = None) -> Case:
        """A case whose lead has a phone (or other kinds) with consent, and no hearing yet."""
        port = Port.objects.get(code="el-paso")
        case = make_case(org or self.personas.org, venue=self.docket.venue, port=port)
        for kind in contacts:
            extra = {"value": f"p{next(_serial)}@example.org"} if kind == "email" else {}
            ContactPointFactory(person=case.lead, kind=kind, consent=True, **extra)
        return case

    def hearing(self, case: Case) -> Hearing:
        """Schedule ``case`` on the docket as the system (reminder planning runs)."""
        return hearing_services.schedule_hearing(actor=None, case=case, docket=self.docket)

    def phone(self, case: Case) -> ContactPoint:
        return ContactPoint.objects.filter(person=case.lead, kind="phone").first()  # type: ignore[return-value]


def message_to(case: Case, *, hearing: Hearing | None = None, status: str = "") -> Message:
    """A message to the case's lead (by the system), optionally moved to ``status``."""
    point = ContactPoint.objects.filter(person=case.lead).first()
    message = enqueue_message(
        actor=None,
        organization=case.organization,
        channel="sms",
        recipient=str(point.value) if point else "+526561234567",
        template="reminder",
        language="es",
        body="Recordatorio: audiencia el lunes a las 8:00.",
        idempotency_key=f"test-ui:{uuid.uuid4()}",
        person=case.lead,
        hearing=hearing,
        contact_point=point,
    )
    if status:
        Message.objects.filter(pk=message.pk).update(status=status)
        message.status = status
    return message


DELIVERED = MessageStatus.DELIVERED
