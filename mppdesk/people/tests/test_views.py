from __future__ import annotations

import pytest
from django.urls import reverse

from mppdesk.audit.models import AuditEntry
from mppdesk.cases.models import Case, CaseEvent, CaseMember
from mppdesk.people import services
from mppdesk.people.models import ContactPoint, HouseholdMember, Person
from mppdesk.places.models import Port, Venue
from mppdesk.testing.factories import (
    CaseFactory,
    ContactPointFactory,
    HouseholdFactory,
    PersonFactory,
    people_named,
    person_named,
)

pytestmark = pytest.mark.django_db


def _person(personas, **kwargs) -> Person:  # type: ignore[no-untyped-def]
    return services.create_person(
        actor=personas.caseworker,
        organization=kwargs.pop("organization", personas.org),
        data={
            "given_names": "José",
            "family_names": "Pérez López",
            "birth_date": "1990-05-17",
            **kwargs,
        },
    )


# --- list and search ---------------------------------------------------------------------


def test_list_shows_only_own_organization(personas, caseworker_client):
    mine = PersonFactory(organization=personas.org, given_names="Marisol", family_names="Cruz")
    PersonFactory(organization=personas.other_org, given_names="Ajena", family_names="Otra")
    response = caseworker_client.get(reverse("people:list"))
    assert response.status_code == 200
    assert "Marisol" in response.text
    assert reverse("people:detail", kwargs={"pk": mine.pk}) in response.text
    assert "Ajena" not in response.text


def test_list_is_paginated(personas, caseworker_client):
    for _ in range(30):
        PersonFactory(organization=personas.org)
    first = caseworker_client.get(reverse("people:list"))
    second = caseworker_client.get(reverse("people:list"), {"page": 2})
    assert first.context["page"].paginator.num_pages == 2
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


def test_search_by_anumber_in_any_format(personas, caseworker_client):
    case = CaseFactory(organization=personas.org, a_number="012345678")
    PersonFactory(organization=personas.org, given_names="Nadie")
    for q in ["A012-345-678", "12345678", "a 012 345 678"]:
        response = caseworker_client.post(reverse("people:list"), {"q": q})
        assert list(response.context["page"].object_list) == [case.lead], q
    assert "A012-345-678" in response.text
    assert "Nadie" not in response.text


def test_search_by_name_ignores_accents_and_case(personas, caseworker_client):
    person = _person(personas)
    PersonFactory(organization=personas.org, given_names="Ana", family_names="Gómez")
    response = caseworker_client.post(reverse("people:list"), {"q": "JOSE perez"})
    assert list(response.context["page"].object_list) == [person]
    response = caseworker_client.post(reverse("people:list"), {"q": "pérez lópez"})
    assert list(response.context["page"].object_list) == [person]


def test_search_by_phone(personas, caseworker_client):
    contact = ContactPointFactory(person__organization=personas.org, value="+526561234567")
    response = caseworker_client.post(reverse("people:list"), {"q": "656 123 4567"})
    assert list(response.context["page"].object_list) == [contact.person]


def test_search_does_not_find_other_organizations_people(personas, caseworker_client):
    CaseFactory(organization=personas.other_org, a_number="098765432")
    response = caseworker_client.post(reverse("people:list"), {"q": "A098-765-432"})
    assert list(response.context["page"].object_list) == []


def test_htmx_search_returns_only_the_results_partial(personas, caseworker_client):
    _person(personas)
    response = caseworker_client.post(
        reverse("people:list"), {"q": "jose"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert response.status_code == 200
    assert "José" in response.text
    assert "<html" not in response.text
    assert "HX-Request" in response["Vary"]


def test_list_requires_login(client):
    response = client.get(reverse("people:list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- person page -------------------------------------------------------------------------


def test_detail_shows_registry_data_case_and_timeline(personas, caseworker_client):
    person = services.create_person(
        actor=personas.caseworker,
        organization=personas.org,
        data={
            "given_names": "María",
            "family_names": "López",
            "birth_date": "1988-02-03",
            "nationality": "HND",
            "languages": [{"code": "spa"}, {"code": "quc", "needs_interpreter": True}],
            "vulnerabilities": ["pregnant"],
        },
        contacts=[{"kind": "whatsapp", "value": "+526561112233", "consent": True}],
    )
    from mppdesk.cases import services as case_services

    venue = Venue.objects.first()
    case = case_services.open_case(
        actor=personas.caseworker,
        organization=personas.org,
        a_number="12345678",
        lead=person,
        venue=venue,
    )
    case_services.add_case_note(
        actor=personas.caseworker, case=case, summary="Llamó para confirmar"
    )
    response = caseworker_client.get(
        reverse("people:detail", kwargs={"pk": person.pk}), HTTP_ACCEPT_LANGUAGE="es"
    )
    assert response.status_code == 200
    text = response.text
    assert "María" in text and "López" in text
    assert "A012-345-678" in text
    assert "Honduras" in text
    assert "Embarazada" in text  # vulnerability label in Spanish
    assert "656 111 2233" in text  # national format, not E.164
    assert "Llamó para confirmar" in text
    assert "Nota" in text  # timeline event kind
    if venue is not None:
        assert venue.name in text
    assert reverse("cases:detail", kwargs={"pk": case.pk}) in text


def test_detail_flags_possible_duplicates(personas, caseworker_client):
    first = _person(personas)
    second = _person(personas)
    response = caseworker_client.get(reverse("people:detail", kwargs={"pk": first.pk}))
    assert list(response.context["duplicates"]) == [second]
    assert reverse("people:detail", kwargs={"pk": second.pk}) in response.text


def test_detail_shows_household_with_links(personas, caseworker_client):
    household = HouseholdFactory(organization=personas.org)
    child = PersonFactory(organization=personas.org, given_names="Lucía")
    services.add_household_member(
        actor=personas.caseworker, household=household, person=child, relationship="child"
    )
    response = caseworker_client.get(reverse("people:detail", kwargs={"pk": household.lead.pk}))
    assert "Lucía" in response.text
    assert reverse("people:detail", kwargs={"pk": child.pk}) in response.text
    assert reverse("people:household", kwargs={"pk": household.pk}) in response.text
    household_page = caseworker_client.get(reverse("people:household", kwargs={"pk": household.pk}))
    assert household_page.status_code == 200
    assert "Lucía" in household_page.text


def test_person_page_reads_the_person_household_port_and_memberships_once(
    personas, caseworker_client
):
    """The household and its port come with the person; the viewer's roles and the
    membership the menu shows are one read; the movements panel does not read the
    person again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    port = Port.objects.order_by("code").first()
    household = HouseholdFactory(organization=personas.org, port=port)
    url = reverse("people:detail", kwargs={"pk": household.lead.pk})
    caseworker_client.get(url)  # the session's first request
    with CaptureQueriesContext(connection) as captured:
        response = caseworker_client.get(url)
    assert response.status_code == 200
    assert str(port) in response.text
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [q for q in sql if q.startswith("SELECT") and 'FROM "places_port"' in q]
    assert len([q for q in sql if 'FROM "accounts_membership"' in q]) == 1
    person_reads = [
        q for q in sql
        if 'FROM "people_person"' in q and household.lead.pk.hex in q
        and "dedupe_bidx" not in q.split("WHERE", 1)[1]  # the possible duplicates: not them
    ]  # fmt: skip
    assert len(person_reads) == 1, person_reads


def test_contact_consent_and_opt_out_toggles_go_through_the_service(personas, caseworker_client):
    contact = ContactPointFactory(person__organization=personas.org, consent=False)
    url = reverse(
        "people:contact_preferences", kwargs={"pk": contact.person.pk, "contact_id": contact.pk}
    )
    response = caseworker_client.post(url, {"consent": "1"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.consent and contact.consent_recorded_at is not None
    response = caseworker_client.post(
        url, {"opted_out": "1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="contact-1"
    )
    assert response.status_code == 200
    assert f'id="contact-{contact.pk}"' in response.text
    contact.refresh_from_db()
    assert contact.opted_out and contact.consent
    assert (
        AuditEntry.objects.filter(object_type="contact_point", object_id=str(contact.pk)).count()
        == 2
    )


def test_person_page_add_contact_fields_are_in_the_reader_language_and_submit(
    personas, caseworker_client
):
    """The blank "Add a contact point" fields are rendered once per language: a page in
    Spanish after one in English (and back) shows its own labels, the fields are HTML
    (not escaped text), and what they send adds the contact point."""
    person = _person(personas)
    url = reverse("people:detail", kwargs={"pk": person.pk})
    pages = {
        language: caseworker_client.get(url, HTTP_ACCEPT_LANGUAGE=language).text
        for language in ("en", "es", "en")
    }
    assert "Phone number or e-mail" in pages["en"] and "Teléfono o correo" not in pages["en"]
    assert "Teléfono o correo electrónico" in pages["es"]
    assert "Phone number or e-mail" not in pages["es"]
    for text in pages.values():
        assert '<select name="kind"' in text and '<input type="text" name="value"' in text
        assert "&lt;select" not in text
    response = caseworker_client.post(
        reverse("people:add_contact", kwargs={"pk": person.pk}),
        {"kind": "phone", "value": "+52 656 123 4567", "consent": "on"},
    )
    assert response.status_code == 302
    assert person.contact_points.get().consent is True


def test_add_contact_point_shows_field_error(personas, caseworker_client):
    person = PersonFactory(organization=personas.org)
    url = reverse("people:add_contact", kwargs={"pk": person.pk})
    response = caseworker_client.post(url, {"kind": "phone", "value": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["value"]
    response = caseworker_client.post(
        url, {"kind": "email", "value": "Ana@Example.org", "consent": "on"}
    )
    assert response.status_code == 302
    assert person.contact_points.get().value == "ana@example.org"


# --- create and edit ---------------------------------------------------------------------


def test_create_person_with_contact_and_case(personas, caseworker_client):
    venue = Venue.objects.first()
    port = Port.objects.first()
    response = caseworker_client.post(
        reverse("people:create"),
        {
            "given_names": "Rosa",
            "family_names": "Hernández",
            "birth_date": "03/04/1995",
            "sex": "F",
            "nationality": "GTM",
            "preferred_language": "spa",
            "other_languages": "mam",
            "vulnerabilities": ["pregnant", "indigenous"],
            "contact_kind": "phone",
            "contact_value": "656 123 4567",
            "contact_consent": "on",
            "a_number": "A 023-456-789",
            "venue": venue.pk if venue else "",
            "port": port.pk if port else "",
            "program_version": "current",
        },
    )
    assert response.status_code == 302
    person = person_named("Rosa")
    assert response["Location"] == reverse("people:detail", kwargs={"pk": person.pk})
    assert person.organization == personas.org
    assert person.created_by == personas.caseworker
    assert person.vulnerabilities == ["pregnant", "indigenous"]
    assert [lang.code for lang in person.languages.all()] == ["spa", "mam"]
    contact = person.contact_points.get()
    assert (contact.kind, contact.value, contact.consent) == ("phone", "+526561234567", True)
    case = Case.objects.get(lead=person)
    assert case.a_number == "023456789"
    assert case.venue == venue and case.port == port
    # The A-number never travels in a URL.
    assert "023456789" not in response["Location"]


def test_create_shows_field_level_errors(personas, caseworker_client):
    response = caseworker_client.post(
        reverse("people:create"),
        {
            "given_names": "",
            "family_names": "P3rez",
            "birth_date": "31/02/1990",
            "contact_value": "12",
            "a_number": "12",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["given_names"] == ["This field is required."]
    assert errors["family_names"] == ["Names cannot contain digits."]
    assert "birth_date" in errors
    assert "contact_value" in errors
    assert errors["a_number"] == ["A-number must have 8 or 9 digits, got 2."]
    assert 'class="errorlist' in response.text
    assert Person.objects.count() == 0


def test_create_field_errors_are_translated_to_spanish(personas, caseworker_client):
    response = caseworker_client.post(
        reverse("people:create"),
        {"given_names": "", "family_names": "P3rez"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    errors = response.context["form"].errors
    assert errors["given_names"] == ["Este campo es obligatorio."]
    assert errors["family_names"] == ["Los nombres no pueden contener dígitos."]


def test_create_shows_the_anumber_error_in_spanish(personas, caseworker_client):
    # The services raise the message in the request's language; no English reaches the form.
    response = caseworker_client.post(
        reverse("people:create"),
        {"given_names": "Rosa", "a_number": "12"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["a_number"] == ["El número A debe tener 8 o 9 dígitos; tiene 2."]
    assert "El número A debe tener 8 o 9 dígitos; tiene 2." in response.text
    assert Person.objects.count() == 0


def test_create_shows_date_errors_in_spanish(personas, caseworker_client):
    response = caseworker_client.post(
        reverse("people:create"),
        {"given_names": "Rosa", "birth_date": "31/02/1990"},
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.context["form"].errors["birth_date"] == [
        "No es una fecha real: ese día no existe en ese mes."
    ]


def test_create_with_duplicate_anumber_keeps_nothing(personas, caseworker_client):
    CaseFactory(organization=personas.org, a_number="023456789")
    before = Person.objects.count()
    response = caseworker_client.post(
        reverse("people:create"),
        {"given_names": "Rosa", "a_number": "023456789"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["a_number"] == [
        "A case with this A-number already exists."
    ]
    # The person created before the case failed was rolled back.
    assert Person.objects.count() == before


def test_edit_person(personas, caseworker_client):
    person = _person(personas, languages=[{"code": "spa"}])
    url = reverse("people:edit", kwargs={"pk": person.pk})
    form_page = caseworker_client.get(url)
    assert form_page.status_code == 200
    assert form_page.context["form"].initial["given_names"] == "José"
    response = caseworker_client.post(
        url,
        {
            "given_names": "José Luis",
            "family_names": "Pérez López",
            "birth_date": "1990-05-17",
            "sex": "M",
            "nationality": "SLV",
            "preferred_language": "spa",
            "needs_interpreter": "",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.given_names == "José Luis"
    assert person.nationality == "SLV"
    assert AuditEntry.objects.filter(
        object_type="person", action="update", object_id=str(person.pk)
    ).exists()


def test_edit_shows_field_errors_and_keeps_the_record(personas, caseworker_client):
    person = _person(personas)
    response = caseworker_client.post(
        reverse("people:edit", kwargs={"pk": person.pk}), {"given_names": ""}
    )
    assert response.status_code == 200
    assert "given_names" in response.context["form"].errors
    person.refresh_from_db()
    assert person.given_names == "José"


# --- family ------------------------------------------------------------------------------


def test_add_family_member_creates_household_and_joins_case(personas, caseworker_client):
    case = CaseFactory(organization=personas.org)
    lead = case.lead
    response = caseworker_client.post(
        reverse("people:add_family_member", kwargs={"pk": lead.pk}),
        {
            "relationship": "child",
            "given_names": "Mateo",
            "family_names": lead.family_names,
            "birth_date": "2018",
        },
    )
    assert response.status_code == 302
    child = person_named("Mateo")
    membership = HouseholdMember.objects.get(person=child)
    assert membership.relationship == "child"
    assert membership.household.lead == lead
    assert CaseMember.objects.filter(case=case, person=child, role="rider").exists()
    assert CaseEvent.objects.filter(case=case, kind="member_added").exists()
    page = caseworker_client.get(reverse("people:detail", kwargs={"pk": lead.pk}))
    assert "Mateo" in page.text


def test_add_family_member_requires_relationship(personas, caseworker_client):
    lead = PersonFactory(organization=personas.org)
    response = caseworker_client.post(
        reverse("people:add_family_member", kwargs={"pk": lead.pk}), {"given_names": "Mateo"}
    )
    assert response.status_code == 200
    assert "relationship" in response.context["form"].errors
    assert not people_named("Mateo")


# --- languages ---------------------------------------------------------------------------


def test_pages_render_in_spanish_by_default(personas, caseworker_client):
    person = PersonFactory(organization=personas.org)
    for url in [
        reverse("people:list"),
        reverse("people:create"),
        reverse("people:detail", kwargs={"pk": person.pk}),
    ]:
        response = caseworker_client.get(url)
        assert response.status_code == 200
        assert '<html lang="es">' in response.text
    assert "Personas" in caseworker_client.get(reverse("people:list")).text
    assert "Nombres" in caseworker_client.get(reverse("people:create")).text


def test_pages_render_in_english_with_language_cookie(personas, caseworker_client, settings):
    caseworker_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = caseworker_client.get(reverse("people:create"))
    assert '<html lang="en">' in response.text
    assert "Given names" in response.text
    assert "Register person" in response.text


def test_pages_render_in_english_with_accept_language(personas, caseworker_client):
    response = caseworker_client.get(reverse("people:list"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en">' in response.text
    assert "Search by A-number, phone or name" in response.text


def test_country_names_follow_the_language(personas, caseworker_client):
    person = PersonFactory(organization=personas.org, nationality="BRA")
    url = reverse("people:detail", kwargs={"pk": person.pk})
    assert "Brasil" in caseworker_client.get(url, HTTP_ACCEPT_LANGUAGE="es").text
    assert "Brazil" in caseworker_client.get(url, HTTP_ACCEPT_LANGUAGE="en").text


# --- privacy -----------------------------------------------------------------------------


def test_outsider_gets_404_on_person_page(personas, outsider_client):
    person = PersonFactory(organization=personas.org)
    assert (
        outsider_client.get(reverse("people:detail", kwargs={"pk": person.pk})).status_code == 404
    )


def test_outsider_gets_404_on_every_person_and_household_page(personas, outsider_client):
    household = HouseholdFactory(organization=personas.org)
    person = household.lead
    contact = ContactPointFactory(person=person, consent=True)
    pages = [
        ("get", reverse("people:detail", kwargs={"pk": person.pk}), {}),
        ("get", reverse("people:edit", kwargs={"pk": person.pk}), {}),
        ("post", reverse("people:edit", kwargs={"pk": person.pk}), {"given_names": "Hack"}),
        ("get", reverse("people:add_family_member", kwargs={"pk": person.pk}), {}),
        (
            "post",
            reverse("people:add_family_member", kwargs={"pk": person.pk}),
            {"relationship": "child", "given_names": "X"},
        ),
        ("get", reverse("people:add_contact", kwargs={"pk": person.pk}), {}),
        (
            "post",
            reverse("people:add_contact", kwargs={"pk": person.pk}),
            {"kind": "phone", "value": "+526561234567"},
        ),
        (
            "post",
            reverse(
                "people:contact_preferences", kwargs={"pk": person.pk, "contact_id": contact.pk}
            ),
            {"opted_out": "1"},
        ),
        ("get", reverse("people:household", kwargs={"pk": household.pk}), {}),
    ]
    for method, url, data in pages:
        response = getattr(outsider_client, method)(url, data)
        assert response.status_code == 404, url
    person.refresh_from_db()
    contact.refresh_from_db()
    assert person.given_names != "Hack"
    assert not contact.opted_out
    assert Person.objects.filter(organization=personas.org).count() == 1
    assert ContactPoint.objects.filter(person=person).count() == 1


def test_outsider_404_looks_like_a_missing_record(personas, outsider_client):
    import uuid

    person = PersonFactory(organization=personas.org)
    denied = outsider_client.get(reverse("people:detail", kwargs={"pk": person.pk}))
    missing = outsider_client.get(reverse("people:detail", kwargs={"pk": uuid.uuid4()}))
    assert denied.status_code == missing.status_code == 404
    assert denied.content == missing.content


def test_contact_of_another_person_gives_404(personas, caseworker_client):
    mine = PersonFactory(organization=personas.org)
    theirs = ContactPointFactory(person__organization=personas.other_org)
    url = reverse("people:contact_preferences", kwargs={"pk": mine.pk, "contact_id": theirs.pk})
    assert caseworker_client.post(url, {"opted_out": "1"}).status_code == 404


def test_search_words_in_the_url_are_ignored(personas, caseworker_client):
    """Search terms are personal data: only a POSTed search filters, so none lands in a URL."""
    _person(personas)
    other = PersonFactory(organization=personas.org, given_names="Wideline", family_names="Joseph")
    response = caseworker_client.get(reverse("people:list"), {"q": "jose"})
    assert other.given_names in response.text  # unfiltered list


def test_search_pagination_posts_the_query(personas, caseworker_client):
    for _ in range(30):
        PersonFactory(organization=personas.org, given_names="Rosa", family_names="Mejía Cruz")
    response = caseworker_client.post(reverse("people:list"), {"q": "rosa", "page": "2"})
    assert response.status_code == 200
    assert 'name="page"' in response.text or 'rel="prev"' in response.text
    assert "?q=" not in response.text


def test_person_page_view_is_audited_without_values(personas, caseworker_client):
    from mppdesk.audit.testing import audit_mark, entries_after

    person = PersonFactory(organization=personas.org)
    mark = audit_mark()
    assert (
        caseworker_client.get(reverse("people:detail", kwargs={"pk": person.pk})).status_code == 200
    )
    entry = entries_after(mark).get(action="view")
    assert entry.object_type == "person" and entry.object_id == str(person.pk)
    assert entry.actor == personas.caseworker and "given_names" in entry.fields


def test_outsider_404_writes_no_view_entry(personas, outsider_client):
    from mppdesk.audit.testing import audit_mark, entries_after

    person = PersonFactory(organization=personas.org)
    mark = audit_mark()
    assert (
        outsider_client.get(reverse("people:detail", kwargs={"pk": person.pk})).status_code == 404
    )
    assert not entries_after(mark).filter(action="view").exists()
