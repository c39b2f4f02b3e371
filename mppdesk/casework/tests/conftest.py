"""A legal-aid case with a lead respondent; a supervisor and a second case worker of
the same organization; the shelter's case worker (``personas.outsider``) as the attacker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.models import Membership, User
from mppdesk.accounts.testing import verified_login
from mppdesk.cases.models import Case
from mppdesk.testing.factories import CaseFactory, MembershipFactory, PersonFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


@dataclass
class Team:
    case: Case
    other_case: Case
    worker: User
    colleague: User
    supervisor: User
    outsider: User
    foreign_case: Case


def new_case(org: Any) -> Case:
    from mppdesk.cases.models import CaseMember

    lead = PersonFactory(organization=org)
    case: Case = CaseFactory(organization=org, lead=lead)
    CaseMember.objects.get_or_create(case=case, person=lead, defaults={"role": "lead"})
    return case


@pytest.fixture
def team(personas: Any) -> Team:
    colleague = UserFactory(username="colleague", first_name="Rosa", last_name="Quispe")
    MembershipFactory(user=colleague, organization=personas.org, role=Membership.Role.CASEWORKER)
    supervisor = UserFactory(username="boss", first_name="Inés", last_name="Duarte")
    MembershipFactory(user=supervisor, organization=personas.org, role=Membership.Role.SUPERVISOR)
    return Team(
        case=new_case(personas.org),
        other_case=new_case(personas.org),
        worker=personas.caseworker,
        colleague=colleague,
        supervisor=supervisor,
        outsider=personas.outsider,
        foreign_case=new_case(personas.other_org),
    )


@pytest.fixture
def supervisor_client(team: Team) -> Client:
    return verified_login(Client(), team.supervisor)


@pytest.fixture(autouse=True)
def _english(settings: Any) -> None:
    """Pages in English unless a test asks for Spanish (Accept-Language)."""
    settings.LANGUAGE_CODE = "en"
