"""A case worker sees the self-service lock on the person page and unlocks it (web, API)."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.services import create_api_token
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.selfservice import services
from mppdesk.selfservice.models import LookupCounter, Scope
from mppdesk.selfservice.queries import lock_state
from mppdesk.selfservice.tests.conftest import A_NUMBER, World, reply_of, text_in
from mppdesk.selfservice.tests.test_web import post, status_box
from mppdesk.testing.factories import ContactPointFactory

pytestmark = pytest.mark.django_db

PHONE = "+526561119999"


def lock_web(client: Client) -> None:
    for i in range(5):
        post(client, "/lookup", A_NUMBER, "01/01/1980", ip=f"198.51.100.{i}")


def lock_phone(client: Client, settings: Any) -> None:
    settings.MPPDESK_SELFSERVICE_MAX_PHONE_FAILURES = 2
    for _ in range(2):
        text_in(client, f"CITA A{A_NUMBER} 01/01/1980", PHONE)


def person_page(client: Client, world: World, language: str = "en") -> str:
    response = client.get(f"/people/{world.case.lead_id}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_person_page_shows_the_lock_and_its_end(
    client: Client, world: World, caseworker_client: Client
) -> None:
    page = person_page(caseworker_client, world)
    assert "Open: no failed lookups lately." in page
    assert "Unlock self-service lookup" not in page  # nothing to unlock
    lock_web(client)
    state = lock_state(world.case)
    assert state.web_locked_until is not None
    expected = state.web_locked_until - timezone.now()
    assert dt.timedelta(hours=23, minutes=59) < expected <= dt.timedelta(hours=24)
    page = person_page(caseworker_client, world)
    assert "Protected until " in page
    assert "Texts from the phones on file for this case are still answered." in page
    assert "Times in Ciudad Juárez." in page
    assert "Unlock self-service lookup" in page
    assert f'action="/selfservice/cases/{world.case.pk}/unlock"' in page
    spanish = person_page(caseworker_client, world, "es")
    assert "Protegido hasta " in spanish and "Desbloquear la consulta de autoservicio" in spanish


def test_some_failures_show_and_can_be_cleared(
    client: Client, world: World, caseworker_client: Client
) -> None:
    for i in range(2):
        post(client, "/lookup", A_NUMBER, "01/01/1980", ip=f"198.51.100.{i}")
    page = person_page(caseworker_client, world)
    assert "Open. 2 recent failed lookups count toward a lock." in page
    assert "Unlock self-service lookup" in page


def test_unlocking_clears_both_paths_and_is_audited_without_values(
    client: Client, world: World, caseworker_client: Client, settings: Any
) -> None:
    ContactPointFactory(person=world.case.lead, value=PHONE)
    lock_web(client)
    lock_phone(client, settings)
    assert lock_state(world.case).web_locked_until is not None
    assert lock_state(world.case).phone_locked_until is not None
    mark = audit_mark()
    page_url = f"/people/{world.case.lead_id}/"
    response = caseworker_client.post(
        f"/selfservice/cases/{world.case.pk}/unlock", {"next": page_url}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302 and response["Location"] == page_url
    state = lock_state(world.case)
    assert not state.locked and state.failures == 0
    assert not LookupCounter.objects.filter(
        scope__in=[Scope.A_NUMBER, Scope.A_NUMBER_ON_FILE]
    ).exists()
    [entry] = entries_after(mark).filter(object_type="case")
    assert (entry.action, entry.object_id, entry.fields) == (
        "update",
        str(world.case.pk),
        ["selfservice_lock"],
    )
    assert entry.actor_id is not None and entry.organization_id == world.case.organization_id
    assert A_NUMBER not in " ".join([entry.object_type, *entry.fields])
    page = caseworker_client.get(page_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Self-service lookups of this A-number are open again." in page
    # Both paths answer again.
    assert "Your next hearing" in status_box(post(client, "/lookup", A_NUMBER, "31/12/1990"))
    assert reply_of(text_in(client, f"CITA A{A_NUMBER} 31/12/1990", PHONE)).startswith(
        "Su próxima audiencia"
    )


def test_unlock_goes_back_only_to_this_site(world: World, caseworker_client: Client) -> None:
    response = caseworker_client.post(
        f"/selfservice/cases/{world.case.pk}/unlock", {"next": "https://evil.example/"}
    )
    assert response["Location"] == f"/people/{world.case.lead_id}/"


def test_an_outsider_cannot_unlock_or_see_the_case(
    client: Client, world: World, outsider_client: Client, personas: Any
) -> None:
    lock_web(client)
    assert outsider_client.post(f"/selfservice/cases/{world.case.pk}/unlock").status_code == 404
    assert lock_state(world.case).locked
    with pytest.raises(PermissionDenied):
        services.unlock_lookups(actor=personas.outsider, case=world.case)
    assert lock_state(world.case).locked


def test_unlock_is_post_only(world: World, caseworker_client: Client) -> None:
    assert caseworker_client.get(f"/selfservice/cases/{world.case.pk}/unlock").status_code == 405


def test_an_analyst_may_not_unlock(client: Client, world: World, personas: Any) -> None:
    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import verified_login
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    analyst = UserFactory(username="analyst")
    MembershipFactory(user=analyst, organization=personas.org, role=Membership.Role.ANALYST)
    lock_web(client)
    response = verified_login(Client(), analyst).post(f"/selfservice/cases/{world.case.pk}/unlock")
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.unlock_lookups(actor=analyst, case=world.case)
    assert lock_state(world.case).locked


def test_unlocking_one_case_unlocks_the_number_for_every_case_holding_it(
    client: Client, world: World, personas: Any
) -> None:
    from mppdesk.selfservice.tests.conftest import make_case

    theirs = make_case(personas.other_org, a_number=A_NUMBER, birth=world.case.lead.birth_date)  # type: ignore[arg-type]
    lock_web(client)
    assert lock_state(theirs).locked
    services.unlock_lookups(actor=personas.caseworker, case=world.case)
    assert not lock_state(theirs).locked


# --- API ----------------------------------------------------------------------------------


def api_client(user: Any) -> Client:
    _token, secret = create_api_token(actor=None, user=user, name="t")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_api_reads_and_clears_the_lock(client: Client, world: World, personas: Any) -> None:
    api = api_client(personas.caseworker)
    url = f"/api/v1/cases/{world.case.pk}/lookup-lock"
    body = api.get(url).json()
    assert body == {
        "locked": False,
        "web_locked_until": None,
        "phone_locked_until": None,
        "web_failures": 0,
        "phone_failures": 0,
    }
    lock_web(client)
    body = api.get(url).json()
    assert body["locked"] is True and body["web_failures"] == 5
    assert dt.datetime.fromisoformat(body["web_locked_until"]) > timezone.now()
    mark = audit_mark()
    cleared = api.delete(url)
    assert cleared.status_code == 200
    assert cleared.json()["locked"] is False and cleared.json()["web_failures"] == 0
    assert entries_after(mark).filter(object_type="case", fields=["selfservice_lock"]).exists()


def test_api_outsider_gets_404(client: Client, world: World, personas: Any) -> None:
    lock_web(client)
    api = api_client(personas.outsider)
    url = f"/api/v1/cases/{world.case.pk}/lookup-lock"
    assert api.get(url).status_code == 404
    assert api.delete(url).status_code == 404
    assert lock_state(world.case).locked
