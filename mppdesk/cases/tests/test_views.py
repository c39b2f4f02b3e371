from __future__ import annotations

import pytest
from django.urls import reverse

from mppdesk.cases import services
from mppdesk.cases.models import Case, CaseEvent, CaseMember
from mppdesk.people import services as people_services
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import CaseFactory, HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _case(personas, **kwargs) -> Case:  # type: ignore[no-untyped-def]
    lead = PersonFactory(organization=personas.org, given_names="Rosa", family_names="Martínez")
    return services.open_case(
        actor=personas.caseworker,
        organization=personas.org,
        a_number="A012-345-678",
        lead=lead,
        **kwargs,
    )


def test_case_page_shows_anumber_members_and_timeline(personas, caseworker_client):
    case = _case(personas)
    child = people_services.create_family_member(
        actor=personas.caseworker,
        lead=case.lead,
        relationship="child",
        data={"given_names": "Mateo"},
    )
    response = caseworker_client.get(
        reverse("cases:detail", kwargs={"pk": case.pk}), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    text = response.text
    assert "A012-345-678" in text
    assert "Rosa Martínez" in text
    assert "Mateo" in text
    assert reverse("people:detail", kwargs={"pk": child.pk}) in text
    assert "Caso abierto" in text  # timeline, in Spanish
    assert "Familiar agregado" in text
    # The URL holds the case's UUID, never the A-number.
    assert "012345678" not in reverse("cases:detail", kwargs={"pk": case.pk})


def test_case_list_shows_own_cases_only(personas, caseworker_client):
    mine = _case(personas)
    CaseFactory(organization=personas.other_org, a_number="098765432")
    response = caseworker_client.get(reverse("cases:list"))
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == [mine]
    assert "A098-765-432" not in response.text


def test_case_list_filters_by_status(personas, caseworker_client):
    case = _case(personas)
    response = caseworker_client.get(reverse("cases:list"), {"status": "active"})
    assert list(response.context["page"].object_list) == []
    response = caseworker_client.get(reverse("cases:list"), {"status": "intake"})
    assert list(response.context["page"].object_list) == [case]


def test_edit_status_and_venue_records_timeline(personas, caseworker_client):
    case = _case(personas)
    venue = Venue.objects.first()
    port = Port.objects.first()
    response = caseworker_client.post(
        reverse("cases:edit", kwargs={"pk": case.pk}),
        {
            "status": "active",
            "venue": venue.pk if venue else "",
            "port": port.pk if port else "",
            "program_version": "2021",
        },
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "active"
    assert case.program_version == "2021"
    assert case.venue == venue and case.port == port
    assert CaseEvent.objects.filter(case=case, kind="status_changed").exists()
    page = caseworker_client.get(
        reverse("cases:detail", kwargs={"pk": case.pk}), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert "Admisión → En proceso" in page.text


def test_edit_with_invalid_status_shows_field_error(personas, caseworker_client):
    case = _case(personas)
    response = caseworker_client.post(
        reverse("cases:edit", kwargs={"pk": case.pk}),
        {"status": "bogus", "program_version": "current"},
    )
    assert response.status_code == 200
    assert "status" in response.context["edit_form"].errors
    case.refresh_from_db()
    assert case.status == "intake"


def test_add_note(personas, caseworker_client):
    case = _case(personas)
    response = caseworker_client.post(
        reverse("cases:add_note", kwargs={"pk": case.pk}), {"summary": "Cita en albergue"}
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind="note")
    assert event.summary == "Cita en albergue"
    assert event.actor == personas.caseworker


def test_add_note_with_htmx_returns_the_timeline_block(personas, caseworker_client):
    case = _case(personas)
    response = caseworker_client.post(
        reverse("cases:add_note", kwargs={"pk": case.pk}),
        {"summary": "Llamada hecha"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="timeline-block",
    )
    assert response.status_code == 200
    assert 'id="timeline-block"' in response.text
    assert "Llamada hecha" in response.text
    assert "<html" not in response.text


def test_empty_note_shows_field_error(personas, caseworker_client):
    case = _case(personas)
    response = caseworker_client.post(
        reverse("cases:add_note", kwargs={"pk": case.pk}),
        {"summary": "  "},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["note_form"].errors["summary"] == ["This field is required."]
    assert not CaseEvent.objects.filter(case=case, kind="note").exists()


def test_open_case_for_person_with_household(personas, caseworker_client):
    household = HouseholdFactory(organization=personas.org)
    child = PersonFactory(organization=personas.org)
    people_services.add_household_member(
        actor=personas.caseworker, household=household, person=child, relationship="child"
    )
    response = caseworker_client.post(
        reverse("cases:open", kwargs={"person_pk": household.lead.pk}),
        {"a_number": "23456789", "program_version": "current", "include_household": "on"},
    )
    assert response.status_code == 302
    case = Case.objects.get(lead=household.lead)
    assert case.a_number == "023456789"
    assert set(CaseMember.objects.filter(case=case).values_list("person_id", "role")) == {
        (household.lead.pk, "lead"),
        (child.pk, "rider"),
    }


def test_open_case_shows_anumber_error(personas, caseworker_client):
    person = PersonFactory(organization=personas.org)
    response = caseworker_client.post(
        reverse("cases:open", kwargs={"person_pk": person.pk}),
        {"a_number": "A12"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["a_number"] == [
        "El número A debe tener 8 o 9 dígitos; tiene 2."
    ]


def test_case_page_in_english(personas, caseworker_client, settings):
    case = _case(personas)
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = caseworker_client.get(reverse("cases:detail", kwargs={"pk": case.pk}))
    assert '<html lang="en">' in response.text
    assert "Case opened" in response.text
    assert "Change status or venue" in response.text


def test_outsider_gets_404_on_case_page(personas, outsider_client):
    case = _case(personas)
    assert outsider_client.get(reverse("cases:detail", kwargs={"pk": case.pk})).status_code == 404


def test_outsider_gets_404_on_every_case_page(personas, outsider_client):
    case = _case(personas)
    pages = [
        ("get", reverse("cases:detail", kwargs={"pk": case.pk}), {}),
        ("get", reverse("cases:edit", kwargs={"pk": case.pk}), {}),
        (
            "post",
            reverse("cases:edit", kwargs={"pk": case.pk}),
            {"status": "closed", "program_version": "current"},
        ),
        ("post", reverse("cases:add_note", kwargs={"pk": case.pk}), {"summary": "intruso"}),
        ("get", reverse("cases:open", kwargs={"person_pk": case.lead.pk}), {}),
        (
            "post",
            reverse("cases:open", kwargs={"person_pk": case.lead.pk}),
            {"a_number": "99999999"},
        ),
    ]
    for method, url, data in pages:
        response = getattr(outsider_client, method)(url, data)
        assert response.status_code == 404, url
    case.refresh_from_db()
    assert case.status == "intake"
    assert not CaseEvent.objects.filter(case=case, kind="note").exists()
    assert Case.objects.count() == 1
    assert outsider_client.get(reverse("cases:list")).context["page"].paginator.count == 0


def test_case_pages_require_login(personas, client):
    case = _case(personas)
    response = client.get(reverse("cases:detail", kwargs={"pk": case.pk}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_case_page_view_is_audited(personas, caseworker_client):
    from mppdesk.audit.testing import audit_mark, entries_after
    from mppdesk.testing.factories import CaseFactory

    case = CaseFactory(organization=personas.org)
    mark = audit_mark()
    assert caseworker_client.get(reverse("cases:detail", kwargs={"pk": case.pk})).status_code == 200
    assert (
        entries_after(mark)
        .filter(action="view", object_type="case", object_id=str(case.pk))
        .exists()
    )
