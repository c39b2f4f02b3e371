"""Schemathesis against the OpenAPI document: no server error, no response off its schema.

Run with ``make fuzz`` (CI runs it after the tests on SQLite). Every operation of
``/api/v1/openapi.json`` is called through the WSGI application, in process, with an
administrator's token of the demo legal-aid organization, on a small demo data set
(``people.demo``) loaded once per test database. Requests carry valid and invalid
data (schemathesis' positive and negative modes); path parameters are half the time
ids of real rows, so the endpoints are exercised past their 404s.

Checks: ``not_a_server_error`` (no 5xx) and ``response_schema_conformance`` (every
response, errors included, matches what the document says for its status).

Deterministic, so CI cannot flake: hypothesis is derandomized (examples follow from
each operation's definition, not from a random seed) with no example database, the
number of examples per operation is fixed (``MPPDESK_FUZZ_EXAMPLES``, default 20),
and the demo data is seeded. Each operation runs in its own rolled-back transaction.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from mppdesk.wsgi import application

EXAMPLES = int(os.environ.get("MPPDESK_FUZZ_EXAMPLES", "20"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

# Filled once per test database by ``django_db_setup``: the token, and for each path
# parameter name the ids (or codes) of real rows, in a stable order.
STATE: dict[str, Any] = {}
KNOWN: dict[str, list[Any]] = {}


def _known_ids() -> dict[str, list[Any]]:
    from mppdesk.cases.models import Case
    from mppdesk.casework.models import CaseFile, Task
    from mppdesk.hearings.models import Docket, DocketTemplate, Hearing, InAbsentiaFollowUp, Notice
    from mppdesk.hearings.models_scheduling import ScheduleProposal
    from mppdesk.incidents.models import Incident
    from mppdesk.messaging.models import Message
    from mppdesk.people.models import ContactPoint, Household, Person
    from mppdesk.places.models import DetentionFacility, Port, Shelter, Venue
    from mppdesk.screening.models import NonRefoulementInterview, ScreeningDecision
    from mppdesk.sharing.models import Referral
    from mppdesk.transfers.models import TransferGroup

    def ids(model: Any, *order: str, field: str = "pk", limit: int = 12) -> list[Any]:
        rows = model.objects.order_by(*(order or ("pk",))).values_list(field, flat=True)
        return [str(v) if not isinstance(v, int) else v for v in rows[:limit]]

    codes = [*ids(Venue, "code", field="code"), *ids(Port, "code", field="code")]
    codes += [*ids(DetentionFacility, "code", field="code"), *ids(Shelter, "code", field="code")]
    return {
        "person_id": ids(Person, "created_at", "id"),
        "household_id": ids(Household, "created_at", "id"),
        "case_id": ids(Case, "created_at", "id"),
        "hearing_id": ids(Hearing, "scheduled_at", "created_at"),
        "notice_id": ids(Notice, "created_at", "id"),
        "follow_up_id": ids(InAbsentiaFollowUp, "created_at"),
        "docket_id": ids(Docket, "id"),
        "template_id": ids(DocketTemplate, "id"),
        "group_id": ids(TransferGroup, "created_at"),
        "referral_id": ids(Referral, "created_at"),
        "proposal_id": ids(ScheduleProposal, "id"),
        "message_id": ids(Message, "created_at"),
        "decision_id": ids(ScreeningDecision, "created_at"),
        "interview_id": ids(NonRefoulementInterview, "created_at"),
        "contact_id": ids(ContactPoint, "id"),
        "task_id": ids(Task, "created_at"),
        "document_id": ids(CaseFile, "created_at"),
        "incident_id": ids(Incident, "created_at", "id"),
        "code": codes,
        "kind": ["reminder", "hearing_notice", "manual"],
        "channel": ["sms", "whatsapp", "email"],
        "language": ["es", "en", "ht"],
        "program_version": ["2019", "2021", "current"],
        "version": ["2019", "2021", "current"],
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # type: ignore[no-untyped-def]
    from mppdesk.accounts.models import Membership, Organization
    from mppdesk.accounts.services import create_api_token
    from mppdesk.people.demo import load_demo
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    with django_db_blocker.unblock():
        load_demo(people=40, households=12, detained=12)
        org = Organization.objects.get(slug="demo-legal-aid")
        user = UserFactory(username="fuzz-admin")
        MembershipFactory(user=user, organization=org, role=Membership.Role.ADMIN)
        _token, secret = create_api_token(actor=None, user=user, name="fuzz")
        STATE["token"] = secret
        KNOWN.update(_known_ids())


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any]) -> Any:
    """Half the time, the ids of real rows instead of random ones."""
    if not path_parameters:
        return st.just(path_parameters)
    names = [name for name in path_parameters if KNOWN.get(name)]
    if not names:
        return st.just(path_parameters)
    real = st.fixed_dictionaries({name: st.sampled_from(KNOWN[name]) for name in names})
    return st.one_of(st.just(path_parameters), real.map(lambda r: {**path_parameters, **r}))


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api(case: Any) -> None:
    case.call_and_validate(
        headers={"Authorization": f"Bearer {STATE['token']}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
