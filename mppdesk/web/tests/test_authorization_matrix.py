"""Every URL and every API operation, asked by one persona per role, answers as the
permission matrix (``accounts.permissions.MATRIX``) says.

The URL patterns are walked from the root resolver, not listed by hand: a view added later
without an entry in ``EXPECTATIONS`` fails ``test_every_url_pattern_has_an_expectation``.
What each persona should get is derived from the matrix (``role_allows``), never from a
table of roles:

- anonymous: the login page (a redirect to ``/accounts/login/``) for every private page;
- a role without the page's action: 403 (``web.access.requires``), or 404 where the app's
  convention is to hide the page (audit log, statistics, privacy: ``Kind.HIDDEN``);
- a role with it: an answer (200, a redirect, a 400 form error, a 405), never 401/403/404,
  for the records of its own organization;
- a case worker of organization B: 404 for organization A's records;
- the admin site: only administrators with ``is_staff`` (or superusers) get past its login,
  and inside it an organization's administrator stays within its organizations;
- the API: 401 without a token, 403 when the operation's ``auth=role(action)`` is not
  allowed, never 401/403 when it is; B's token gets 404 for A's records.

Mismatches are collected and reported together: url, persona, expected, got.
"""

from __future__ import annotations

import datetime as dt
import enum
import itertools
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from mppdesk.accounts.models import ApiToken, Membership, Organization, User
from mppdesk.accounts.permissions import Action, role_allows
from mppdesk.accounts.services import create_api_token
from mppdesk.accounts.testing import verified_login
from mppdesk.audit.models import AuditEntry
from mppdesk.cases.models import Case
from mppdesk.people.models import ContactPoint, Household, Person
from mppdesk.sharing import services as sharing_services
from mppdesk.sharing.models import Referral
from mppdesk.stats.queries import TABLE_NAMES
from mppdesk.testing.authz import Pattern, api_operations, path_view, url_patterns
from mppdesk.testing.factories import (
    CaseFactory,
    ContactPointFactory,
    HouseholdFactory,
    MembershipFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

A = Action
Role = Membership.Role
OPENAPI = "/api/v1/openapi.json"
HTTP_METHODS = ("get", "post", "put", "patch", "delete")

# --- the world: organizations, personas and records ---------------------------------------


@dataclass
class Persona:
    label: str
    user: User | None  # None: anonymous
    role: str | None  # the role in the persona's organization
    in_org_a: bool

    @property
    def admin_access(self) -> bool:
        """May open the admin site (``accounts.admin_site.MppDeskAdminSite.has_permission``)."""
        user = self.user
        return bool(
            user is not None
            and user.is_staff
            and (user.is_superuser or role_allows(self.role, A.ORG_MANAGE))
        )

    @property
    def staff_or_anonymous(self) -> bool:
        return self.user is None or self.user.is_staff

    def client(self) -> Client:
        client = Client()
        return verified_login(client, self.user) if self.user is not None else client


@dataclass
class World:
    org_a: Organization  # legal services: the personas' organization, owner of the records
    org_b: Organization  # a shelter: its case worker must not reach A's records
    org_c: Organization  # refers people to A and receives A's referrals (B is on no side)
    a_sender: User  # a case worker of A who makes A's referrals
    c_worker: User
    personas: list[Persona] = field(default_factory=list)


@dataclass
class Records:
    """Organization A's records that URLs point at. Fresh for each persona, so that a
    request that changes one (a referral accepted, revoked) cannot change the next answer."""

    person: Person
    contact: ContactPoint
    household: Household
    case: Case
    referral_out: Referral  # A → C, pending: read and revoked by A
    referral_in: Referral  # C → A, pending: accepted by A
    referral_in_reject: Referral  # C → A, pending: rejected by A
    hearing: Any = None  # A's hearing ahead (scheduled by the system)
    notice: Any = None
    follow_up: Any = None  # A's in absentia follow-up (a past hearing)
    proposal: Any = None  # A coordinator's open schedule proposal
    screening_decision: Any = None  # the proposed screening decision of ``person``
    interview: Any = None  # a non-refoulement interview of ``person``
    group: Any = None  # A's planned transfer group
    message: Any = None  # an outbox message to ``person``
    incident: Any = None  # A's incident report naming ``person``
    task: Any = None  # a task on ``case``
    case_file: Any = None  # an uploaded document of ``case``
    assignment: Any = None  # ``case`` assigned to A's referral sender


def _org(name: str, slug: str, kind: str) -> Organization:
    return cast(Organization, OrganizationFactory(name=name, slug=slug, kind=kind))


def _user(username: str, org: Organization, role: str, **extra: Any) -> User:
    user = cast(User, UserFactory(username=username, **extra))
    MembershipFactory(user=user, organization=org, role=role)
    return user


@pytest.fixture(autouse=True)
def _sessions_in_cache(settings: Any) -> None:
    """Speed only: reading and saving the session row are four of the six queries of a
    refused request, and have nothing to do with who may do what."""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cache"


@pytest.fixture
def world(db: Any) -> World:
    kinds = Organization.Kind
    org_a = _org("Asistencia Legal Frontera", "alf", kinds.LEGAL_SERVICES)
    org_b = _org("Red de Albergues", "red", kinds.SHELTER)
    org_c = _org("Casa del Migrante", "casa", kinds.SHELTER)
    world = World(
        org_a=org_a,
        org_b=org_b,
        org_c=org_c,
        a_sender=_user("a-sender", org_a, Role.CASEWORKER),
        c_worker=_user("c-worker", org_c, Role.CASEWORKER),
    )
    world.personas.append(Persona("anonymous", None, None, in_org_a=False))
    for role in Role:
        # The supervisor is staff too: the flag alone, without org.manage, opens no admin.
        staff = role in (Role.ADMIN, Role.SUPERVISOR)
        user = _user(f"a-{role.value}", org_a, role, is_staff=staff)
        world.personas.append(Persona(role.value, user, role.value, in_org_a=True))
    outsider = _user("b-caseworker", org_b, Role.CASEWORKER)
    world.personas.append(Persona("B caseworker", outsider, Role.CASEWORKER, in_org_a=False))
    create_api_token(actor=None, user=world.a_sender, name="sender", organization=org_a)
    return world


def _refer(actor: User, person: Person, to: Organization) -> Referral:
    return sharing_services.refer_person(
        actor=actor,
        person=person,
        to_organization=to,
        consent_given_at=timezone.now() - dt.timedelta(minutes=5),
        consent_method="verbal_in_person",
        purpose="legal_representation",
    )


def new_person(org: Organization) -> Person:
    return cast(Person, PersonFactory(organization=org))


def new_household(org: Organization, lead: Person) -> Household:
    return cast(Household, HouseholdFactory(organization=org, lead=lead))


def new_case(org: Organization, lead: Person) -> Case:
    return cast(Case, CaseFactory(organization=org, lead=lead))


def _hearing_records(world: World, person: Person) -> dict[str, Any]:
    from mppdesk.hearings import hearing_services
    from mppdesk.hearings import outcomes as outcome_services
    from mppdesk.hearings.models import Docket
    from mppdesk.hearings.models_scheduling import ScheduleProposal
    from mppdesk.places.models import Port, Venue

    venue = Venue.objects.get(code="el-paso-immigration-court")
    port = Port.objects.get(code="el-paso")
    today = timezone.localdate()
    room = f"m{next(_ROOMS)}"

    def docket(day: dt.date) -> Docket:
        return Docket.objects.create(
            venue=venue, date=day, session="am", courtroom=room, capacity=10,
            interpreter_languages=["spa"], starts_at=dt.time(8),
        )  # fmt: skip

    def court_day(day: dt.date, step: int) -> dt.date:
        # No hearing may sit on a US federal holiday (hearings/calendar.py).
        from mppdesk.hearings.calendar import federal_holiday

        while federal_holiday(day) is not None:
            day += dt.timedelta(days=step)
        return day

    ahead = cast(Case, CaseFactory(organization=world.org_a, lead=person, venue=venue, port=port))
    hearing = hearing_services.schedule_hearing(
        actor=None, case=ahead, docket=docket(court_day(today + dt.timedelta(days=21), 1))
    )
    past = cast(Case, CaseFactory(organization=world.org_a, venue=venue, port=port))
    held = hearing_services.schedule_hearing(
        actor=None,
        case=past,
        docket=docket(court_day(today - dt.timedelta(days=7), -1)),
        allow_past=True,
    )
    outcome_services.record_outcome(
        actor=None, hearing=held, outcome="failed_to_appear", in_absentia_order=True
    )
    proposal = ScheduleProposal.objects.create(
        venue_codes=[venue.code], period_start=today, period_end=today, as_of=today,
        organization_ids=[world.org_a.pk], method="test", objective=0.0, weighted_waiting=0.0,
    )  # fmt: skip
    return {
        "hearing": hearing,
        "notice": hearing.notices.get(),
        "follow_up": held.follow_up,
        "proposal": proposal,
    }


_ROOMS = itertools.count(1)  # one courtroom per persona's records: dockets are unique


def _program_records(world: World, person: Person) -> dict[str, Any]:
    """Screening and transfer records of organization A (made by the system)."""
    from mppdesk.messaging.services import enqueue_message
    from mppdesk.places.models import Port
    from mppdesk.screening import services as screening_services
    from mppdesk.transfers.models import TransferGroup

    screening = screening_services.screen_person(actor=None, person=person, version="2021")
    interview = screening_services.record_interview(
        actor=None, person=person, version="2019", fear_how="volunteered"
    )
    group = TransferGroup.objects.create(
        organization=world.org_a, name="authz", date=timezone.localdate(),
        port=Port.objects.get(code="el-paso"), receiving_city="Ciudad Juarez",
        target_size=10, rules_version="2021",
    )  # fmt: skip
    message = enqueue_message(
        actor=None, organization=world.org_a, person=person, channel="sms",
        recipient="+526560000000", template="reminder", language="es", body="x",
        idempotency_key=f"authz:{person.pk}",
    )  # fmt: skip
    return {
        "message": message,
        "screening_decision": screening.records[0],
        "interview": interview,
        "group": group,
    }


def _casework_records(world: World, case: Case) -> dict[str, Any]:
    """A's casework on the case: made as A's case worker (a_sender) would."""
    from mppdesk.casework import services as casework

    return {
        "task": casework.add_task(
            actor=world.a_sender, case=case, title="authz", due_on=timezone.localdate()
        ),
        "case_file": casework.upload_file(
            actor=world.a_sender, case=case, kind="notice", filename="a.pdf", data=b"%PDF-1.4 x"
        ),
        "assignment": casework.assign(actor=world.a_sender, case=case, user=world.a_sender),
    }


def make_records(world: World) -> Records:
    person = new_person(world.org_a)
    household = new_household(world.org_a, person)
    case = new_case(world.org_a, person)
    return Records(
        **_hearing_records(world, person),
        **_program_records(world, person),
        **_casework_records(world, case),
        person=person,
        contact=cast(ContactPoint, ContactPointFactory(person=person)),
        household=household,
        case=case,
        referral_out=_refer(world.a_sender, person, world.org_c),
        referral_in=_refer(world.c_worker, new_person(world.org_c), world.org_a),
        referral_in_reject=_refer(world.c_worker, new_person(world.org_c), world.org_a),
        incident=_incident(world, person),
    )


def _incident(world: World, person: Person) -> Any:
    from mppdesk.incidents.services import record_incident

    return record_incident(
        actor=world.a_sender, organization=world.org_a, occurred_on=timezone.localdate(),
        port="el-paso", kinds=["threats"], perpetrator="unknown", people=[person],
        narrative="authz", consent_method="phone", uses=["keep", "report"],
    )  # fmt: skip


# --- expectations --------------------------------------------------------------------------


class Kind(enum.Enum):
    PUBLIC = "public"  # anyone, signed in or not
    WEBHOOK = "provider webhook: a request without a valid signature is refused (403)"
    SIGNED_IN = "any signed-in user"
    PAGE = "requires(action): 403 without it"
    HIDDEN = "action checked in queries: 404 without it"
    ADMIN = "admin site"
    API = "API operation (test_api_operations_answer_as_the_matrix_says)"
    METRICS = "bearer token (MPPDESK_METRICS_TOKEN): 404 while none is configured"


Values = Callable[[Records], dict[str, object]]


@dataclass(frozen=True)
class Expect:
    kind: Kind
    action: Action | None = None
    values: Values | None = None  # the URL's parameters: organization A's records
    query: Mapping[str, str] = field(default_factory=dict)
    ends_session: bool = False  # sign the persona in again after asking
    methods: tuple[str, ...] = ("GET", "POST")
    anonymous_only: bool = False  # the same for everyone, and slow: asked once
    program_data: bool = False  # values name program data (a docket): no 404 for B


PUBLIC = Expect(Kind.PUBLIC)
SIGNED_IN = Expect(Kind.SIGNED_IN)


def page(action: Action, values: Values | None = None) -> Expect:
    return Expect(Kind.PAGE, action, values)


def hidden(action: Action, values: Values | None = None, **query: str) -> Expect:
    return Expect(Kind.HIDDEN, action, values, query)


def incident(r: Records) -> dict[str, object]:
    return {"pk": r.incident.pk}


def person(r: Records) -> dict[str, object]:
    return {"pk": r.person.pk}


def case(r: Records) -> dict[str, object]:
    return {"pk": r.case.pk}


def hearing(r: Records) -> dict[str, object]:
    return {"pk": r.hearing.pk}


def docket(r: Records) -> dict[str, object]:
    return {"pk": r.hearing.docket_id}


def notice(r: Records) -> dict[str, object]:
    return {"pk": r.hearing.pk, "notice_pk": r.notice.pk}


def follow_up(r: Records) -> dict[str, object]:
    return {"pk": r.follow_up.pk}


def proposal(r: Records) -> dict[str, object]:
    return {"pk": r.proposal.pk}


def group(r: Records) -> dict[str, object]:
    return {"pk": r.group.pk}


def template_key(r: Records) -> dict[str, object]:
    return {"kind": "reminder", "channel": "sms", "language": "es"}


#: Every URL pattern, by qualified name (or by route when it has none). The admin site's
#: and the API's patterns follow ``rule_for`` below.
EXPECTATIONS: dict[str, Expect] = {
    "healthz": PUBLIC,
    "readyz": PUBLIC,
    # Its token checks: mppdesk/ops/tests/test_metrics.py.
    "metrics": Expect(Kind.METRICS, methods=("GET",)),
    "set_language": PUBLIC,
    "login": PUBLIC,
    "logout": Expect(Kind.PUBLIC, ends_session=True),
    "two_factor_setup": SIGNED_IN,
    "two_factor_verify": SIGNED_IN,
    "two_factor_remove": Expect(Kind.SIGNED_IN, ends_session=True),
    "home": SIGNED_IN,
    "admin:login": PUBLIC,
    "admin:logout": Expect(Kind.PUBLIC, ends_session=True),
    # The API's documents answer every method alike; the schema is built at each request.
    "api:openapi-json": Expect(Kind.PUBLIC, methods=("GET",), anonymous_only=True),
    "api:openapi-view": Expect(Kind.PUBLIC, methods=("GET",)),
    "api:api-root": PUBLIC,
    "^api/": PUBLIC,  # unknown API paths: a 404 in the API's error shape
    "people:list": page(A.PERSON_READ),
    "people:export": page(A.LIST_EXPORT),
    "people:create": page(A.PERSON_WRITE),
    "people:import": page(A.PERSON_IMPORT),
    "people:import_template_csv": page(A.PERSON_IMPORT),
    "people:import_template_xlsx": page(A.PERSON_IMPORT),
    "people:household": page(A.PERSON_READ, lambda r: {"pk": r.household.pk}),
    "people:detail": page(A.PERSON_READ, person),
    "people:edit": page(A.PERSON_WRITE, person),
    "people:add_family_member": page(A.PERSON_WRITE, person),
    "people:add_contact": page(A.PERSON_WRITE, person),
    "people:contact_preferences": page(
        A.PERSON_WRITE, lambda r: {"pk": r.person.pk, "contact_id": r.contact.pk}
    ),
    "cases:list": page(A.PERSON_READ),
    "cases:export": page(A.LIST_EXPORT),
    "cases:open": page(A.PERSON_WRITE, lambda r: {"person_pk": r.person.pk}),
    "cases:detail": page(A.PERSON_READ, case),
    "cases:edit": page(A.PERSON_WRITE, case),
    "cases:add_note": page(A.PERSON_WRITE, case),
    "audit:list": hidden(A.AUDIT_READ),
    "audit:verify": hidden(A.AUDIT_READ),
    "privacy:export": hidden(A.PERSON_EXPORT, lambda r: {"pk": r.person.pk, "fmt": "json"}),
    "privacy:erase": hidden(A.PERSON_ERASE, person),
    "stats:index": hidden(A.STATS_READ),
    "stats:export": hidden(A.STATS_READ, table=TABLE_NAMES[0]),
    "stats:dashboards": hidden(A.STATS_RESEARCH),
    "stats:research_export": hidden(A.STATS_RESEARCH, kind="events", format="csv"),
    "sim:index": page(A.SIM_RUN),
    "sharing:incoming": page(A.PERSON_READ),
    "sharing:outgoing": page(A.PERSON_READ),
    "sharing:person_access": page(A.PERSON_READ, person),
    "sharing:refer": page(A.REFERRAL_SEND, person),
    "sharing:accept": page(A.REFERRAL_DECIDE, lambda r: {"pk": r.referral_in.pk}),
    "sharing:reject": page(A.REFERRAL_DECIDE, lambda r: {"pk": r.referral_in_reject.pk}),
    "sharing:revoke": page(A.REFERRAL_SEND, lambda r: {"pk": r.referral_out.pk}),
    "hearings:calendar": page(A.DOCKET_READ),
    "hearings:generate": page(A.DOCKET_MANAGE),
    "hearings:docket": Expect(Kind.PAGE, A.DOCKET_READ, docket, program_data=True),
    "hearings:roll_call": Expect(Kind.PAGE, A.PERSON_WRITE, docket, program_data=True),
    "hearings:upcoming": page(A.DOCKET_READ),
    "hearings:upcoming_export": page(A.LIST_EXPORT),
    "hearings:no_contact": page(A.DOCKET_READ),
    "hearings:no_contact_export": page(A.LIST_EXPORT),
    "hearings:follow_ups": page(A.DOCKET_READ),
    "hearings:follow_up": page(A.DOCKET_READ, follow_up),
    "hearings:follow_up_update": page(A.PERSON_WRITE, follow_up),
    "hearings:evidence_pdf": page(A.DOCKET_READ, follow_up),
    "hearings:evidence_zip": page(A.DOCKET_READ, follow_up),
    "hearings:schedule": page(A.DOCKET_MANAGE),
    "hearings:proposal": page(A.DOCKET_MANAGE, proposal),
    "hearings:proposal_commit": page(A.DOCKET_MANAGE, proposal),
    "hearings:proposal_discard": page(A.DOCKET_MANAGE, proposal),
    "hearings:person_panel": page(A.DOCKET_READ, person),
    "hearings:case_panel": page(A.DOCKET_READ, case),
    "hearings:detail": page(A.DOCKET_READ, hearing),
    "hearings:record_notice": page(A.PERSON_WRITE, hearing),
    "hearings:notice_served": page(A.PERSON_WRITE, notice),
    "hearings:notice_pdf": page(A.DOCKET_READ, notice),
    "hearings:reschedule": page(A.DOCKET_MANAGE, hearing),
    "hearings:continue": page(A.DOCKET_MANAGE, hearing),
    "hearings:cancel": page(A.DOCKET_MANAGE, hearing),
    "hearings:outcome": page(A.PERSON_WRITE, hearing),
    # Twilio's hooks answer only signed POSTs (their own tests send signed ones).
    "twilio_inbound": Expect(Kind.WEBHOOK),
    "twilio_status": Expect(Kind.WEBHOOK),
    "selfservice_es": PUBLIC,
    "selfservice_en": PUBLIC,
    "selfservice_pt": PUBLIC,
    "selfservice_ht": PUBLIC,
    "selfservice_fr": PUBLIC,
    # A case worker clears the self-service lock of a case's A-number (POST only).
    "selfservice_unlock": page(A.PERSON_WRITE, case),
    "messaging:at_risk": page(A.PERSON_READ),
    "messaging:at_risk_export": page(A.LIST_EXPORT),
    "messaging:person": page(A.PERSON_READ, person),
    "messaging:person_export": page(A.LIST_EXPORT, person),
    "messaging:timeline": page(A.PERSON_READ, lambda r: {"pk": r.message.pk}),
    "messaging:send": page(A.MESSAGE_SEND, person),
    "messaging:send_preview": page(A.MESSAGE_SEND, person),
    "messaging:templates": page(A.MESSAGE_TEMPLATE_MANAGE),
    "messaging:template_edit": Expect(
        Kind.PAGE, A.MESSAGE_TEMPLATE_MANAGE, template_key, program_data=True
    ),
    "messaging:template_preview": Expect(
        Kind.PAGE, A.MESSAGE_TEMPLATE_MANAGE, template_key, program_data=True
    ),
    "messaging:template_reset": Expect(
        Kind.PAGE, A.MESSAGE_TEMPLATE_MANAGE, template_key, program_data=True
    ),
    "messaging:policies": page(A.MESSAGE_TEMPLATE_MANAGE),
    "messaging:policy_edit": Expect(
        Kind.PAGE,
        A.MESSAGE_TEMPLATE_MANAGE,
        lambda r: {"program_version": "current"},
        program_data=True,
    ),
    "transfers:groups": page(A.TRANSFER_READ),
    "transfers:plan": page(A.TRANSFER_MANAGE),
    "transfers:roster": page(A.TRANSFER_MANAGE),
    "transfers:capacity": page(A.TRANSFER_READ),
    "transfers:places": page(A.TRANSFER_READ),
    "transfers:shelter_edit": Expect(
        Kind.PAGE,
        A.TRANSFER_MANAGE,
        lambda r: {"code": "ciudad-juarez-casa-del-migrante"},
        program_data=True,
    ),
    "transfers:timeline": page(A.TRANSFER_READ, person),
    "transfers:group": page(A.TRANSFER_READ, group),
    "transfers:approve": page(A.TRANSFER_MANAGE, group),
    "transfers:depart": page(A.TRANSFER_MANAGE, group),
    "transfers:arrive": page(A.TRANSFER_MANAGE, group),
    "transfers:cancel": page(A.TRANSFER_MANAGE, group),
    "transfers:manifest_csv": page(A.TRANSFER_READ, group),
    "transfers:manifest_pdf": page(A.TRANSFER_READ, group),
    "screening:queue": page(A.SCREENING_DECIDE),
    "screening:rules": page(A.SCREENING_RULES_MANAGE),
    "screening:person": page(A.PERSON_READ, person),
    "screening:person_facts": page(A.SCREENING_DECIDE, person),
    "screening:person_screen": page(A.SCREENING_DECIDE, person),
    "screening:person_interview": page(A.SCREENING_DECIDE, person),
    "screening:decision_review": page(
        A.SCREENING_DECIDE, lambda r: {"pk": r.screening_decision.pk}
    ),
    "screening:household": page(A.PERSON_READ, lambda r: {"pk": r.household.pk}),
    "screening:household_screen": page(A.SCREENING_DECIDE, lambda r: {"pk": r.household.pk}),
    "screening:household_review": page(A.SCREENING_DECIDE, lambda r: {"pk": r.household.pk}),
    # Documents, needs and referrals to services (issue 14): ids of a person's records
    # travel in the POSTed form, looked up within the person.
    "assistance:worklist": page(A.PERSON_READ),
    "assistance:providers": page(A.PERSON_READ),
    "assistance:transport": page(A.PERSON_READ),
    "assistance:person": page(A.PERSON_READ, person),
    "assistance:add_document": page(A.PERSON_WRITE, person),
    "assistance:document_status": page(A.PERSON_WRITE, person),
    "assistance:add_need": page(A.PERSON_WRITE, person),
    "assistance:need_status": page(A.PERSON_WRITE, person),
    "assistance:refer": page(A.PERSON_WRITE, person),
    "assistance:referral_outcome": page(A.PERSON_WRITE, person),
    "assistance:letter": page(A.PERSON_EXPORT, person),
    "incidents:index": page(A.INCIDENT_READ),
    "incidents:new": page(A.INCIDENT_WRITE),
    "incidents:detail": page(A.INCIDENT_READ, incident),
    "incidents:consent": page(A.INCIDENT_WRITE, incident),
    "incidents:tallies": hidden(A.STATS_READ),
    "incidents:tallies_csv": hidden(A.STATS_READ),
    "casework:tasks": page(A.PERSON_READ),
    "casework:task_status": page(A.PERSON_WRITE, lambda r: {"pk": r.task.pk}),
    "casework:team": page(A.CASE_ASSIGN),
    "casework:assign": page(A.PERSON_WRITE, case),
    "casework:assign_me": page(A.PERSON_WRITE, case),
    "casework:unassign": page(A.PERSON_WRITE, lambda r: {"pk": r.assignment.pk}),
    "casework:add_task": page(A.PERSON_WRITE, case),
    "casework:add_note": page(A.PERSON_WRITE, case),
    "casework:upload": page(A.PERSON_WRITE, case),
    "casework:download": page(A.PERSON_READ, lambda r: {"pk": r.case_file.pk}),
}


def rule_for(pattern: Pattern) -> Expect | None:
    """The expectation of a pattern: its entry, else the admin site's or the API's rule."""
    if pattern.key in EXPECTATIONS:
        return EXPECTATIONS[pattern.key]
    if pattern.namespace == "admin":
        # Every admin view is wrapped by AdminSite.admin_view (has_permission): a model
        # admin registered later is covered, and one that forgets the wrapper fails.
        return Expect(Kind.ADMIN)
    if pattern.namespace == "api" and path_view(pattern) is not None:
        return Expect(Kind.API)
    return None


def admin_objects(world: World, records: Records) -> dict[type[Any], object]:
    """The object each admin model's URLs are asked about: organization A's where it has
    one; ``admin_values`` adds the first row of any other model as it meets it."""
    return {
        Person: records.person,
        Household: records.household,
        Case: records.case,
        Organization: world.org_a,
        User: world.a_sender,
        ApiToken: ApiToken.objects.filter(organization=world.org_a).first(),
        AuditEntry: AuditEntry.objects.filter(organization=world.org_a).first(),
        ContentType: ContentType.objects.get_for_model(Person),
    }


def admin_values(pattern: Pattern, objects: dict[type[Any], object]) -> dict[str, object]:
    """Parameters of an admin URL: a real object of the model the URL is about."""
    person = objects[Person]
    values: dict[str, object] = {"app_label": "people", "url": "no-such-page/"}
    values["content_type_id"] = getattr(objects[ContentType], "pk", 0)
    values["object_id"] = getattr(person, "pk", 0)
    parts = pattern.route.split("/")
    if parts[1] != "r" and {"object_id", "pk", "id"} & set(pattern.params):
        model = apps.get_model(parts[1], parts[2])
        if model not in objects:
            objects[model] = model._default_manager.order_by("pk").first()
        key = getattr(objects[model], "pk", 0)  # none: the admin answers "doesn't exist"
        values.update(object_id=key, pk=key, id=key)
    return values


# --- outcomes ------------------------------------------------------------------------------


class Outcome(enum.Enum):
    OPEN = "an answer (not 401/403)"
    ALLOWED = "allowed (not 401/403/404, no sign-in redirect)"
    LOGIN = "302 to /accounts/login/"
    ADMIN_LOGIN = "302 to /admin/login/"
    ADMIN_IN = "inside the admin (no redirect to its login)"
    FORBIDDEN = "403"
    NOT_FOUND = "404"
    UNSEEN = "404, or 422 when the body is checked first"
    UNAUTHORIZED = "401"


def _redirects_to(response: Response, url_name: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(reverse(url_name))


def _sent_to_sign_in(response: Response) -> bool:
    return any(
        _redirects_to(response, name)
        for name in ("login", "admin:login", "two_factor_setup", "two_factor_verify")
    )


def matches(outcome: Outcome, response: Response) -> bool:
    status = response.status_code
    if status >= 500:
        return False
    if outcome is Outcome.OPEN:
        return status not in (401, 403)
    if outcome is Outcome.ALLOWED:
        return status not in (401, 403, 404) and not _sent_to_sign_in(response)
    if outcome is Outcome.LOGIN:
        return _redirects_to(response, "login")
    if outcome is Outcome.ADMIN_LOGIN:
        return _redirects_to(response, "admin:login")
    if outcome is Outcome.ADMIN_IN:
        return not _redirects_to(response, "admin:login")
    if outcome is Outcome.UNSEEN:
        return status in (404, 422)
    return (
        status
        == {Outcome.FORBIDDEN: 403, Outcome.NOT_FOUND: 404, Outcome.UNAUTHORIZED: 401}[outcome]
    )


def expected_outcome(expect: Expect, persona: Persona, *, a_record: bool) -> Outcome:
    """What ``persona`` should get, from the matrix."""
    if expect.kind is Kind.PUBLIC:
        return Outcome.OPEN
    if expect.kind is Kind.WEBHOOK:
        return Outcome.FORBIDDEN  # the matrix's requests are unsigned, whoever is signed in
    if expect.kind is Kind.METRICS:
        return Outcome.NOT_FOUND  # no token configured in the tests
    if expect.kind is Kind.ADMIN:
        return Outcome.ADMIN_IN if persona.admin_access else Outcome.ADMIN_LOGIN
    if persona.user is None:
        return Outcome.LOGIN
    if expect.kind is Kind.SIGNED_IN:
        return Outcome.ALLOWED
    assert expect.action is not None  # noqa: S101
    if not role_allows(persona.role, expect.action):
        return Outcome.FORBIDDEN if expect.kind is Kind.PAGE else Outcome.NOT_FOUND
    if a_record and not persona.in_org_a:
        return Outcome.NOT_FOUND
    return Outcome.ALLOWED


def describe(response: Response) -> str:
    location = f" → {response['Location']}" if response.has_header("Location") else ""
    return f"{response.status_code}{location}"


# --- URL patterns --------------------------------------------------------------------------


def test_every_url_pattern_has_an_expectation() -> None:
    patterns = url_patterns()
    problems: list[str] = []
    for pattern in patterns:
        expect = rule_for(pattern)
        where = f"{pattern.route!r} (name {pattern.name!r}, view {pattern.view})"
        if expect is None:
            problems.append(
                f"{where} has no expectation: add it to EXPECTATIONS in "
                "mppdesk/web/tests/test_authorization_matrix.py"
            )
            continue
        declared = getattr(pattern.callback, "required_action", None)
        if expect.kind is Kind.PAGE and declared != expect.action:
            problems.append(
                f"{where}: expected @requires({expect.action}), the view declares {declared}"
            )
        if expect.kind is not Kind.PAGE and declared is not None:
            problems.append(f"{where}: the view has @requires({declared}), expected {expect}")
        own_values = expect.kind not in (Kind.ADMIN, Kind.API)  # those two fill their own
        if own_values and expect.values is None and pattern.params:
            problems.append(f"{where}: parameters {pattern.params} have no values")
    stale = set(EXPECTATIONS) - {p.key for p in patterns}
    problems += [f"EXPECTATIONS[{key!r}] matches no URL pattern" for key in sorted(stale)]
    assert not problems, "\n".join(problems)


def _plan(
    patterns: list[Pattern], world: World, records: Records
) -> list[tuple[Pattern, Expect, str]]:
    """Each non-API pattern with its expectation and a concrete URL."""
    plan = []
    objects = admin_objects(world, records)
    for pattern in patterns:
        expect = rule_for(pattern)
        assert expect is not None, pattern.key  # test_every_url_pattern_has_an_expectation
        if expect.kind is Kind.API:
            continue
        if expect.kind is Kind.ADMIN:
            values = admin_values(pattern, objects)
        else:
            values = expect.values(records) if expect.values else {}
        url = pattern.url(values)
        if expect.query:
            url += "?" + urlencode(expect.query)
        plan.append((pattern, expect, url))
    return plan


def test_web_pages_answer_as_the_matrix_says(world: World) -> None:
    mismatches: list[str] = []
    checks = 0
    patterns = url_patterns()
    for persona in world.personas:
        records = make_records(world)
        client = persona.client()
        for pattern, expect, url in _plan(patterns, world, records):
            if expect.anonymous_only and persona.user is not None:
                continue
            outcome = expected_outcome(
                expect, persona, a_record=expect.values is not None and not expect.program_data
            )
            answers: dict[str, Response] = {}
            methods = expect.methods
            if expect.kind is Kind.ADMIN and (
                persona.admin_access or not persona.staff_or_anonymous
            ):
                # An administrator's POSTs inside the admin are its forms (the admin's own
                # tests); what matters here is that the site lets them in. Everyone else is
                # refused by AdminSite.admin_view before it looks at the method: all ask GET,
                # the anonymous visitor and the staff supervisor POST as well.
                methods = ("GET",)
            for method in methods:
                answers[method] = client.get(url) if method == "GET" else client.post(url, {})
                if expect.ends_session:
                    client = persona.client()
            checks += len(answers)
            real = {m: r for m, r in answers.items() if r.status_code != 405}
            if not real:
                mismatches.append(f"{url} as {persona.label}: every method answered 405")
            for method, response in real.items():
                if not matches(outcome, response):
                    mismatches.append(
                        f"{method} {url} [{pattern.key}] as {persona.label}: "
                        f"expected {outcome.value}, got {describe(response)}"
                    )
    assert checks > 0
    assert not mismatches, f"{len(mismatches)} of {checks} answers differ:\n" + "\n".join(
        mismatches
    )


# --- the admin site ------------------------------------------------------------------------


def test_admin_site_opens_only_for_administrators(world: World) -> None:
    org_a = world.org_a
    extra = [
        Persona(
            "superuser",
            cast(User, UserFactory(is_staff=True, is_superuser=True)),
            None,
            in_org_a=False,
        ),
        Persona(
            "staff caseworker",
            _user("a-staff-caseworker", org_a, Role.CASEWORKER, is_staff=True),
            Role.CASEWORKER,
            in_org_a=True,
        ),
        Persona("admin without is_staff", _user("a-admin2", org_a, Role.ADMIN), Role.ADMIN, True),
    ]
    mismatches = []
    for persona in [*world.personas, *extra]:
        response = persona.client().get("/admin/")
        if persona.admin_access:
            ok = response.status_code == 200
        else:
            ok = (
                response.status_code == 302 and response["Location"] == "/admin/login/?next=/admin/"
            )
        if not ok:
            mismatches.append(f"/admin/ as {persona.label}: got {describe(response)}")
    assert [p.label for p in [*world.personas, *extra] if p.admin_access] == [
        "admin",
        "superuser",
    ]
    assert not mismatches, "\n".join(mismatches)


def test_administrator_sees_the_admin_lists_of_its_organization(world: World) -> None:
    records = make_records(world)
    admin = next(p for p in world.personas if p.role == Role.ADMIN)
    client = admin.client()
    pages = {
        "admin:people_person_changelist": {},
        "admin:people_household_changelist": {},
        "admin:cases_case_changelist": {},
        "admin:accounts_user_changelist": {},
        "admin:accounts_organization_changelist": {},
        "admin:accounts_apitoken_changelist": {},
        "admin:audit_auditentry_changelist": {},
        "admin:people_person_change": {"object_id": records.person.pk},
        "admin:cases_case_change": {"object_id": records.case.pk},
    }
    got = {name: client.get(reverse(name, kwargs=kw)).status_code for name, kw in pages.items()}
    assert got == dict.fromkeys(pages, 200)


def test_administrator_cannot_open_another_organizations_objects_in_the_admin(
    world: World,
) -> None:
    """Users, organizations and tokens are scoped to the organizations one administers,
    people, households and cases by ``visible_to``: B's objects are not there for A's admin."""
    admin = next(p for p in world.personas if p.role == Role.ADMIN)
    b_user = next(p.user for p in world.personas if p.label == "B caseworker")
    assert b_user is not None
    b_token, _secret = create_api_token(actor=None, user=b_user, name="t", organization=world.org_b)
    b_person = new_person(world.org_b)
    b_case = new_case(world.org_b, b_person)
    b_household = new_household(world.org_b, b_person)
    objects: dict[str, object] = {
        "accounts_user": b_user.pk,
        "accounts_organization": world.org_b.pk,
        "accounts_apitoken": b_token.pk,
        "people_person": b_person.pk,
        "people_household": b_household.pk,
        "cases_case": b_case.pk,
    }
    client = admin.client()
    got = {}
    for model, pk in objects.items():
        for view in ("change", "history", "delete"):
            url = reverse(f"admin:{model}_{view}", args=[pk])
            got[url] = describe(client.get(url))
    got_password = reverse("admin:auth_user_password_change", args=[b_user.pk])
    got[got_password] = describe(client.get(got_password))
    # Django's admin sends a missing object back to the index ("doesn't exist"), or 404s;
    # deleting is refused (403) to everyone but superusers before the object is looked up.
    refused = {k: answer for k, answer in got.items() if answer in ("302 → /admin/", "404", "403")}
    assert refused == got


def test_organization_administrator_cannot_grant_superuser_or_permissions(world: World) -> None:
    """``org.manage`` manages the users of one's organization, not the whole site: a user
    made superuser (or given Django permissions) would step outside the matrix and see
    every organization's users and tokens in the admin."""
    from django.contrib.auth.models import Permission

    admin = next(p for p in world.personas if p.role == Role.ADMIN)
    assert admin.user is not None and not admin.user.is_superuser
    permission = Permission.objects.get(codename="change_membership")
    client = admin.client()
    for user in (admin.user, world.a_sender):
        client.post(
            reverse("admin:accounts_user_change", args=[user.pk]),
            {
                "username": user.username,
                "is_active": "on",
                "is_staff": "on",
                "is_superuser": "on",
                "user_permissions": [permission.pk],
                "date_joined_0": "2025-01-01",
                "date_joined_1": "00:00:00",
            },
        )
        user.refresh_from_db()
        assert not user.is_superuser, f"{user.username} was made superuser by an org admin"
        assert not user.user_permissions.exists(), f"{user.username} was given permissions"


def test_organization_administrator_cannot_take_over_a_member_of_another_organization(
    world: World,
) -> None:
    """A user who is a case worker in A and an administrator in B is in A's user list, but
    resetting their password would let A's administrator act as B's: the matrix holds a
    role per organization, so only who administers all of a user's organizations may."""
    admin = next(p for p in world.personas if p.role == Role.ADMIN)
    both = _user("a-and-b", world.org_a, Role.CASEWORKER)
    MembershipFactory(user=both, organization=world.org_b, role=Role.ADMIN)
    new_password = "another long passphrase 9"  # noqa: S105 - test-only password
    client = admin.client()
    url = reverse("admin:auth_user_password_change", args=[both.pk])
    client.post(url, {"password1": new_password, "password2": new_password})
    both.refresh_from_db()
    assert not both.check_password(new_password), (
        "an administrator of A reset the password of an administrator of B"
    )


# --- the API -------------------------------------------------------------------------------


@pytest.fixture
def spec(db: Any) -> dict[str, Any]:
    response = Client().get(OPENAPI)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def documented_operations(spec: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted(
        (method.upper(), path)
        for path, item in spec["paths"].items()
        for method in item
        if method in HTTP_METHODS
    )


def test_every_api_operation_is_documented_and_declares_a_role(spec: dict[str, Any]) -> None:
    served = api_operations(url_patterns())
    documented = documented_operations(spec)
    problems = [f"{m} {p} is served but not in {OPENAPI}" for m, p in set(served) - set(documented)]
    problems += [f"{m} {p} is documented but not served" for m, p in set(documented) - set(served)]
    for key in documented:
        if key not in served:
            continue
        op = served[key]
        actions = op.actions
        if len(actions) != 1 or actions[0] is None:
            problems.append(
                f"{key[0]} {key[1]} ({op.view}) has auth {actions}: expected one auth=role(action)"
            )
        operation_id = spec["paths"][key[1]][key[0].lower()]["operationId"]
        if operation_id != op.operation.api.get_openapi_operation_id(op.operation):
            problems.append(f"{key[0]} {key[1]}: operationId {operation_id} is not {op.view}")
    assert not problems, "\n".join(problems)


def api_values(path: str, records: Records) -> dict[str, str]:
    """Path parameters: organization A's records (the referral a decision needs is one A
    received; the one read or revoked is one A made)."""
    referral = records.referral_out
    if path.endswith("/accept"):
        referral = records.referral_in
    elif path.endswith("/reject"):
        referral = records.referral_in_reject
    from mppdesk.hearings.models import DocketTemplate

    template, _ = DocketTemplate.objects.get_or_create(
        venue=records.hearing.docket.venue, weekday=0, session="am", courtroom="authz",
        defaults={"capacity": 10, "interpreter_languages": ["spa"]},
    )  # fmt: skip
    places = records.hearing.docket.venue.code if "/venues/" in path else records.hearing.port.code
    if "/transfers/facilities/" in path:
        places = "el-paso-service-processing-center"
    elif "/transfers/shelters/" in path:
        places = "ciudad-juarez-casa-del-migrante"
    return {
        "person_id": str(records.person.pk),
        "household_id": str(records.household.pk),
        "case_id": str(records.case.pk),
        "task_id": str(records.task.pk),
        "document_id": str(records.case_file.pk),
        "contact_id": str(records.contact.pk),
        "referral_id": str(referral.pk),
        "docket_id": str(records.hearing.docket_id),
        "hearing_id": str(records.hearing.pk),
        "notice_id": str(records.notice.pk),
        "follow_up_id": str(records.follow_up.pk),
        "proposal_id": str(records.proposal.pk),
        "template_id": str(template.pk),
        "code": places,
        "decision_id": str(records.screening_decision.pk),
        "interview_id": str(records.interview.pk),
        "version": "current",
        "group_id": str(records.group.pk),
        "message_id": str(records.message.pk),
        "kind": "reminder",
        "channel": "sms",
        "language": "es",
        "program_version": "current",
        "incident_id": str(records.incident.pk),
    }


#: API paths whose ids name program data (dockets, templates, places) or a coordinator's
#: proposal, not one organization's records: another organization may see them too.
PROGRAM_DATA_PATHS = (
    "/api/v1/dockets/",
    "/api/v1/places/",
    "/api/v1/schedule/",
    "/api/v1/screening/rules/",
    "/api/v1/transfers/facilities",
    "/api/v1/transfers/shelters",
    "/api/v1/transfers/capacity",
    "/api/v1/messages/templates/",
    "/api/v1/messages/policies/",
)


PATH_PARAM = re.compile(r"{(\w+)}")


def fill(path: str, values: Mapping[str, str]) -> tuple[str, bool, list[str]]:
    """The path with its parameters filled, whether it names one of A's records, and the
    parameters ``values`` has nothing for (filled with a random UUID: the 401 and 403,
    which come first, are still checked; the operation fails the test until given one)."""
    missing = [name for name in PATH_PARAM.findall(path) if name not in values]
    filled = PATH_PARAM.sub(lambda m: values.get(m[1], str(uuid.uuid4())), path)
    return filled, filled != path, missing


def call(client: Client, method: str, url: str) -> Response:
    body = "{}" if method in ("POST", "PUT", "PATCH") else ""
    response: Response = client.generic(method, url, body, content_type="application/json")
    return response


def api_outcome(persona: Persona, action: Action | None, method: str, *, a_record: bool) -> Outcome:
    if persona.user is None:
        return Outcome.UNAUTHORIZED
    if action is None or not role_allows(persona.role, action):
        return Outcome.FORBIDDEN
    if a_record and not persona.in_org_a:
        return Outcome.NOT_FOUND if method == "GET" else Outcome.UNSEEN
    return Outcome.ALLOWED


def test_api_operations_answer_as_the_matrix_says(world: World, spec: dict[str, Any]) -> None:
    served = api_operations(url_patterns())
    operations = documented_operations(spec)
    mismatches: list[str] = []
    checks = 0
    for persona in world.personas:
        records = make_records(world)
        headers = {}
        if persona.user is not None:
            org = world.org_a if persona.in_org_a else world.org_b
            _token, secret = create_api_token(
                actor=None, user=persona.user, name="t", organization=org
            )
            headers["Authorization"] = f"Bearer {secret}"
        client = Client(headers=headers)
        for method, path in operations:
            actions = served[(method, path)].actions if (method, path) in served else [None]
            url, a_record, missing = fill(path, api_values(path, records))
            a_record = a_record and not path.startswith(PROGRAM_DATA_PATHS)
            outcome = api_outcome(persona, actions[0], method, a_record=a_record)
            if missing and outcome not in (Outcome.UNAUTHORIZED, Outcome.FORBIDDEN):
                problem = f"{method} {path}: no value for {missing}: add one to api_values"
                if problem not in mismatches:
                    mismatches.append(problem)
                continue
            response = call(client, method, url)
            checks += 1
            if not matches(outcome, response):
                mismatches.append(
                    f"{method} {url} as {persona.label}: "
                    f"expected {outcome.value}, got {describe(response)}"
                )
    assert not mismatches, f"{len(mismatches)} of {checks} answers differ:\n" + "\n".join(
        mismatches
    )


def test_a_web_session_does_not_open_the_api(world: World, spec: dict[str, Any]) -> None:
    """The API takes bearer tokens only: a signed-in browser's cookies are no credential
    (so that no other site can make a visitor's browser call it)."""
    records = make_records(world)
    admin = next(p for p in world.personas if p.role == Role.ADMIN)
    client = admin.client()
    got = {}
    for method, path in documented_operations(spec):
        url, _a_record, _missing = fill(path, api_values(path, records))
        got[f"{method} {url}"] = call(client, method, url).status_code
    assert got == dict.fromkeys(got, 401)
