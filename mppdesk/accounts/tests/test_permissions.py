"""The permission matrix and its enforcement in the web UI, the API, the CLI and the admin."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client

from mppdesk.accounts import permissions
from mppdesk.accounts.models import Membership
from mppdesk.accounts.permissions import MATRIX, PERSONAL_DATA_ACTIONS, Action, can, orgs_where
from mppdesk.accounts.services import create_api_token
from mppdesk.accounts.testing import verified_login
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.people.models import Person
from mppdesk.testing.factories import MembershipFactory, PersonFactory, UserFactory

Role = Membership.Role
ROOT = Path(__file__).resolve().parents[3]


def member(org, role: str, **user_fields):  # type: ignore[no-untyped-def]
    user = UserFactory(**user_fields)
    MembershipFactory(user=user, organization=org, role=role)
    return user


# --- the matrix itself ----------------------------------------------------------------


def test_docs_table_is_the_matrix():
    text = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    table = text.split("<!-- matrix:start -->\n", 1)[1].split("\n<!-- matrix:end -->", 1)[0]
    assert table == permissions.markdown_table(), "regenerate the table in docs/permissions.md"


def test_every_role_has_a_row_and_every_action_a_description():
    assert set(MATRIX) == set(Role.values)
    assert set(permissions.DESCRIPTIONS) == set(Action)


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
def test_analysts_and_auditors_touch_no_personal_data(role):
    assert not (MATRIX[role] & PERSONAL_DATA_ACTIONS)


def test_rules_named_in_the_issue():
    assert MATRIX[Role.ANALYST] == {Action.STATS_READ, Action.STATS_RESEARCH, Action.SIM_RUN}
    assert MATRIX[Role.AUDITOR] == {Action.AUDIT_READ}
    assert {Action.TRANSFER_MANAGE, Action.DOCKET_MANAGE} <= MATRIX[Role.COORDINATOR]
    assert Action.TRANSFER_MANAGE not in MATRIX[Role.CASEWORKER]
    for action in (Action.INCIDENT_READ, Action.INCIDENT_WRITE):
        holders = {role for role, actions in MATRIX.items() if action in actions}
        assert holders == {Role.CASEWORKER, Role.SUPERVISOR, Role.ATTORNEY, Role.ADMIN}


def test_a_role_counts_only_in_its_own_organization(personas):
    user = member(personas.org, Role.CASEWORKER)
    MembershipFactory(user=user, organization=personas.other_org, role=Role.ANALYST)
    mine = PersonFactory(organization=personas.org)
    PersonFactory(organization=personas.other_org)

    assert can(user, Action.PERSON_READ, personas.org.pk)
    assert not can(user, Action.PERSON_READ, personas.other_org.pk)
    assert can(user, Action.STATS_READ, personas.other_org.pk)
    assert orgs_where(user, Action.PERSON_READ) == [personas.org.pk]
    assert list(Person.objects.visible_to(user)) == [mine]


def test_inactive_organization_grants_nothing(personas):
    user = member(personas.org, Role.SUPERVISOR)
    personas.org.is_active = False
    personas.org.save()
    assert not can(user, Action.PERSON_READ)
    assert orgs_where(user, Action.PERSON_READ) == []


# --- web ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
@pytest.mark.parametrize("url", ["/people/", "/people/new/", "/people/import/", "/cases/"])
def test_pages_with_personal_data_are_refused(personas, role, url):
    client = verified_login(Client(), member(personas.org, role))
    response = client.get(url)
    assert response.status_code == 403
    assert b"Not allowed" in response.content or b"No permitido" in response.content


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
def test_a_record_page_is_refused_alike_whether_it_exists_or_not(personas, role):
    person = PersonFactory(organization=personas.org)
    client = verified_login(Client(), member(personas.org, role))
    existing = client.get(f"/people/{person.pk}/")
    missing = client.get("/people/00000000-0000-4000-8000-000000000000/")
    assert existing.status_code == missing.status_code == 403
    assert existing.content == missing.content
    assert client.post("/people/", {"q": person.family_names}).status_code == 403


def test_menu_shows_what_the_role_allows(personas):
    auditor = verified_login(Client(), member(personas.org, Role.AUDITOR))
    page = auditor.get("/audit/").content.decode()
    assert 'href="/audit/"' in page
    assert 'href="/people/"' not in page
    assert 'href="/people/import/"' not in page

    caseworker = verified_login(Client(), personas.caseworker)
    page = caseworker.get("/people/").content.decode()
    assert 'href="/people/import/"' in page
    assert 'href="/audit/"' not in page


def test_start_page_follows_the_role(personas):
    """Every role starts on its own home page at ``/`` (``web.home``), never a 403."""
    auditor = verified_login(Client(), member(personas.org, Role.AUDITOR))
    response = auditor.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Latest audit entries" in response.content.decode()
    analyst = verified_login(Client(), member(personas.org, Role.ANALYST))
    assert "/stats/" in analyst.get("/").content.decode()
    caseworker = verified_login(Client(), personas.caseworker)
    assert 'id="home-caseload"' in caseworker.get("/").content.decode()


def test_attorney_may_not_import(personas):
    client = verified_login(Client(), member(personas.org, Role.ATTORNEY))
    assert client.get("/people/import/").status_code == 403
    assert client.get("/people/").status_code == 200


# --- API ------------------------------------------------------------------------------------


def bearer(user, org) -> dict[str, str]:  # type: ignore[no-untyped-def]
    _, secret = create_api_token(actor=None, user=user, name="t", organization=org)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


@pytest.mark.parametrize("role", [Role.ANALYST, Role.AUDITOR])
def test_api_refuses_roles_without_person_read(personas, role):
    person = PersonFactory(organization=personas.org)
    headers = bearer(member(personas.org, role), personas.org)
    client = Client()
    response = client.get("/api/v1/people", **headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not allow 'person.read'."
    assert client.get(f"/api/v1/people/{person.pk}", **headers).status_code == 403
    created = client.post(
        "/api/v1/people", {"given_names": ["Ana"]}, content_type="application/json", **headers
    )
    assert created.status_code == 403
    assert Person.objects.count() == 1


def test_api_role_is_the_one_in_the_tokens_organization(personas):
    user = member(personas.org, Role.CASEWORKER)
    MembershipFactory(user=user, organization=personas.other_org, role=Role.ANALYST)
    client = Client()
    assert client.get("/api/v1/people", **bearer(user, personas.org)).status_code == 200
    assert client.get("/api/v1/people", **bearer(user, personas.other_org)).status_code == 403


def test_openapi_documents_403(personas):
    schema = Client().get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/people"]["get"]
    assert "403" in operation["responses"]


# --- CLI --------------------------------------------------------------------------------------


def test_cli_import_checks_the_role(personas, tmp_path):
    from mppdesk.cli import cli

    analyst = member(personas.org, Role.ANALYST, username="ana.analista")
    sample = tmp_path / "people.csv"
    sample.write_text("given_names,family_names,nationality\nAna,Pérez,HND\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli,
        ["import", "people", str(sample), "--org", personas.org.slug, "--user", analyst.username],
    )
    assert result.exit_code == 2
    assert "does not allow importing people" in result.output
    assert Person.objects.count() == 0


# --- Django admin ---------------------------------------------------------------------------


def test_admin_site_needs_org_manage(personas):
    staff_caseworker = member(personas.org, Role.CASEWORKER, is_staff=True)
    client = verified_login(Client(), staff_caseworker)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_admin_people_are_scoped_read_only_and_audited(personas):
    admin_user = member(personas.org, Role.ADMIN, is_staff=True)
    mine = PersonFactory(organization=personas.org)
    theirs = PersonFactory(organization=personas.other_org)
    client = verified_login(Client(), admin_user)

    listing = client.get("/admin/people/person/")
    assert listing.status_code == 200
    assert str(mine.pk) in listing.content.decode()
    assert str(theirs.pk) not in listing.content.decode()
    assert client.get(f"/admin/people/person/{theirs.pk}/change/").status_code == 302

    mark = audit_mark()
    page = client.get(f"/admin/people/person/{mine.pk}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content  # view only
    views = [e for e in entries_after(mark) if e.action == "view"]
    assert [(e.object_type, e.object_id) for e in views] == [("person", str(mine.pk))]

    before = mine.family_names
    client.post(f"/admin/people/person/{mine.pk}/change/", {"nationality": "MEX"})
    mine.refresh_from_db()
    assert mine.family_names == before
    assert client.get("/admin/people/person/add/").status_code == 403


def test_superuser_gets_no_personal_data_bypass(personas):
    root = UserFactory(is_staff=True, is_superuser=True)
    PersonFactory(organization=personas.org)
    client = verified_login(Client(), root)
    assert client.get("/admin/").status_code == 200  # users and organizations: yes
    assert client.get("/admin/people/person/").status_code == 403  # people: no role, no rows
    assert client.get("/admin/audit/auditentry/").status_code == 403
