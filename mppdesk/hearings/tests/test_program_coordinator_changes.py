"""A program-wide coordinator (``docket.manage`` in a coordinator organization) moves and
cancels hearings of a legal-aid organization's cases from the docket page, without
reading those cases: the docket page and the change pages show program data only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mppdesk.accounts.models import Membership, Organization
from mppdesk.accounts.testing import verified_login
from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.hearings import hearing_services
from mppdesk.hearings.models import Docket, Hearing, HearingStatus, NoticeKind
from mppdesk.hearings.tests.conftest import future_day, make_case, make_docket, user_with_role
from mppdesk.testing.factories import OrganizationFactory

pytestmark = pytest.mark.django_db


def _english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def program_client(db: Any) -> Client:
    org = OrganizationFactory(
        name="Coordinación MPP", slug="mpp", kind=Organization.Kind.COORDINATOR
    )
    user = user_with_role(org, Membership.Role.COORDINATOR, "program")
    return _english(verified_login(Client(), user))


@pytest.fixture
def legal_hearing(personas: Any, el_paso: Any, juarez: Any, docket: Docket) -> Hearing:
    case = make_case(personas.org, venue=el_paso, port=juarez, riders=1, language="por")
    return hearing_services.schedule_hearing(actor=None, case=case, docket=docket)


def _assert_no_personal_data(html: str, hearing: Hearing) -> None:
    case = hearing.case
    for member in case.members.select_related("person"):
        assert member.person.full_name not in html
        assert member.person.family_names not in html
    assert case.a_number_display not in html
    assert case.a_number not in html


def test_docket_page_offers_program_coordinator_the_changes_without_names(
    program_client: Client, legal_hearing: Hearing
) -> None:
    mark = audit_mark()
    page = program_client.get(reverse("hearings:docket", kwargs={"pk": legal_hearing.docket_id}))
    assert page.status_code == 200
    views = entries_after(mark).filter(action="view", object_type="hearing")
    assert [e.object_id for e in views] == [str(legal_hearing.pk)]
    assert "language" in views[0].fields and "lead" not in views[0].fields
    html = page.content.decode()
    assert "Case of another organization" in html
    assert reverse("hearings:reschedule", kwargs={"pk": legal_hearing.pk}) in html
    assert reverse("hearings:cancel", kwargs={"pk": legal_hearing.pk}) in html
    # A summary tells rows apart: people, the language an interpreter is needed for.
    assert "Household of 2, Portuguese" in html
    assert f">{str(legal_hearing.pk)[:8]}<" not in html  # no internal id as text
    _assert_no_personal_data(html, legal_hearing)


def test_docket_page_offers_no_change_to_a_case_worker(
    caseworker_client: Client, legal_hearing: Hearing
) -> None:
    html = caseworker_client.get(
        reverse("hearings:docket", kwargs={"pk": legal_hearing.docket_id})
    ).content.decode()
    assert reverse("hearings:reschedule", kwargs={"pk": legal_hearing.pk}) not in html
    assert reverse("hearings:cancel", kwargs={"pk": legal_hearing.pk}) not in html


def test_no_change_is_offered_for_a_hearing_that_is_no_longer_open(
    program_client: Client, legal_hearing: Hearing
) -> None:
    hearing_services.cancel(actor=None, hearing=legal_hearing, reason="Case terminated")
    html = program_client.get(
        reverse("hearings:docket", kwargs={"pk": legal_hearing.docket_id})
    ).content.decode()
    assert reverse("hearings:reschedule", kwargs={"pk": legal_hearing.pk}) not in html


def test_program_coordinator_reschedules_from_the_change_page(
    program_client: Client, legal_hearing: Hearing, el_paso: Any
) -> None:
    target = make_docket(el_paso, future_day(5), courtroom="4", languages=["spa", "por"])
    url = reverse("hearings:reschedule", kwargs={"pk": legal_hearing.pk})
    form_page = program_client.get(url)
    assert form_page.status_code == 200
    html = form_page.content.decode()
    assert f'<option value="{target.pk}">' in html
    assert "Household of 2, Portuguese" in html
    _assert_no_personal_data(html, legal_hearing)
    # A missing reason comes back on the same page, still without names.
    missing = program_client.post(
        url, {"page": "change", "reschedule-docket": target.pk, "reschedule-method": "mail"}
    )
    assert missing.status_code == 400
    _assert_no_personal_data(missing.content.decode(), legal_hearing)
    assert not Hearing.objects.filter(replaces=legal_hearing).exists()
    done = program_client.post(
        url,
        {
            "page": "change",
            "reschedule-docket": target.pk,
            "reschedule-reason": "Judge unavailable",
            "reschedule-method": "mail",
        },
    )
    assert done.status_code == 302
    new = Hearing.objects.get(replaces=legal_hearing)
    assert new.docket_id == target.pk
    assert done["Location"] == reverse("hearings:docket", kwargs={"pk": target.pk})
    assert new.notices.get().kind == NoticeKind.CHANGED
    legal_hearing.refresh_from_db()
    assert legal_hearing.status == HearingStatus.RESCHEDULED


def test_program_coordinator_cancels_from_the_change_page(
    program_client: Client, legal_hearing: Hearing
) -> None:
    url = reverse("hearings:cancel", kwargs={"pk": legal_hearing.pk})
    page = program_client.get(url)
    assert page.status_code == 200
    _assert_no_personal_data(page.content.decode(), legal_hearing)
    response = program_client.post(
        url, {"page": "change", "cancel-reason": "Case terminated by DHS", "cancel-method": "mail"}
    )
    assert response.status_code == 302
    legal_hearing.refresh_from_db()
    assert legal_hearing.status == HearingStatus.CANCELLED
    assert legal_hearing.notices.filter(kind=NoticeKind.CANCELLED).exists()


def test_the_case_stays_unreadable_to_the_program_coordinator(
    program_client: Client, legal_hearing: Hearing
) -> None:
    # The hearing page is the program summary: no name, no A-number, no notice.
    detail = program_client.get(reverse("hearings:detail", kwargs={"pk": legal_hearing.pk}))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "Household of 2, Portuguese" in html
    _assert_no_personal_data(html, legal_hearing)
    case_page = program_client.get(reverse("cases:detail", kwargs={"pk": legal_hearing.case_id}))
    assert case_page.status_code == 404


def test_change_page_is_404_outside_the_schedulers_organizations(
    personas: Any, legal_hearing: Hearing
) -> None:
    # A legal-aid coordinator of another organization schedules its own cases only.
    other = user_with_role(personas.other_org, Membership.Role.COORDINATOR, "other-coord")
    client = verified_login(Client(), other)
    for name in ("reschedule", "continue", "cancel"):
        url = reverse(f"hearings:{name}", kwargs={"pk": legal_hearing.pk})
        assert client.get(url).status_code == 404, name
        assert client.post(url, {}).status_code == 404, name


def test_own_coordinator_change_page_links_to_the_hearing(
    coordinator_client: Client, legal_hearing: Hearing
) -> None:
    page = _english(coordinator_client).get(
        reverse("hearings:cancel", kwargs={"pk": legal_hearing.pk})
    )
    assert page.status_code == 200
    assert reverse("hearings:detail", kwargs={"pk": legal_hearing.pk}) in page.content.decode()
