"""Each role's home page at ``/`` shows its work; sign-in lands there."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import Membership
from mppdesk.accounts.testing import verified_login
from mppdesk.casework import services
from mppdesk.casework.tests.conftest import PDF, Team
from mppdesk.testing.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
Role = Membership.Role


def client_for(org: Any, role: str) -> Client:
    user = UserFactory(username=f"u-{role}")
    MembershipFactory(user=user, organization=org, role=role)
    return verified_login(Client(), user)


def test_the_case_workers_home_shows_caseload_tasks_and_overdue_first(
    team: Team, caseworker_client: Client
) -> None:
    services.assign(actor=team.worker, case=team.case, user=team.worker)
    today = timezone.localdate()
    services.add_task(
        actor=team.worker,
        case=team.case,
        title="Llamar al consulado",
        due_on=today - dt.timedelta(days=1),
    )
    services.add_task(
        actor=team.worker, case=team.case, title="Next month", due_on=today + dt.timedelta(days=40)
    )
    response = caseworker_client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "My caseload: 1 case" in body
    assert "Llamar al consulado" in body and "Overdue" in body
    assert "Next month" not in body  # due beyond the week
    assert "Hearings in the next 14 days" in body
    assert "Recent messages from clients" in body
    assert "Team caseloads" not in body


def test_the_supervisors_home_shows_the_team_and_unassigned_cases(
    team: Team, supervisor_client: Client
) -> None:
    services.assign(actor=team.supervisor, case=team.case, user=team.colleague)
    body = supervisor_client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Team caseloads" in body
    assert "Rosa Quispe" in body
    assert "1 unassigned case" in body  # other_case


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.ANALYST, "Statistics", "My caseload"),
        (Role.AUDITOR, "Latest audit entries", "My caseload"),
        (Role.COORDINATOR, "Dockets this week", "Team caseloads"),
        (Role.ADMIN, "Team caseloads", "My caseload"),
    ],
)
def test_every_role_lands_on_a_home_with_its_work(
    personas: Any, role: str, expected: str, absent: str
) -> None:
    client = client_for(personas.org, role)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert expected in body and absent not in body


def test_the_home_page_is_in_spanish(team: Team, caseworker_client: Client) -> None:
    body = caseworker_client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Tareas de esta semana" in body
    assert "Audiencias en los próximos 14 días" in body


def test_login_redirects_home(settings: Any) -> None:
    from django.urls import reverse

    assert reverse(settings.LOGIN_REDIRECT_URL) == "/"


def test_a_user_without_any_role_gets_a_403_with_a_way_home(db: Any) -> None:
    user = UserFactory(username="nobody")
    response = verified_login(Client(), user).get("/")
    assert response.status_code == 403
    body = response.content.decode()
    assert 'class="topbar"' in body and 'href="/"' in body


def test_the_home_never_shows_another_organizations_work(
    team: Team, outsider_client: Client
) -> None:
    services.assign(actor=team.worker, case=team.case, user=team.worker)
    services.add_task(
        actor=team.worker, case=team.case, title="Secreto", due_on=timezone.localdate()
    )
    services.upload_file(
        actor=team.worker, case=team.case, kind="notice", filename="n.pdf", data=PDF
    )
    body = outsider_client.get("/").content.decode()
    assert "Secreto" not in body and team.case.lead.given_names not in body


def test_team_caseloads_take_three_queries_whatever_the_team(
    team: Team, personas: Any, django_assert_max_num_queries: Any
) -> None:
    from mppdesk.casework.queries import team_caseloads

    for n in range(6):
        worker = UserFactory(username=f"w{n}")
        MembershipFactory(user=worker, organization=personas.org, role=Role.CASEWORKER)
        services.assign(actor=team.supervisor, case=team.case, user=worker)
    team_caseloads(team.supervisor)  # the roles of the supervisor, cached
    with django_assert_max_num_queries(3):
        rows = team_caseloads(team.supervisor)
    assert sum(r["cases"] for r in rows) == 6
