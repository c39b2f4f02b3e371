"""People over the REST API: list, filters, search, get, create, update, contacts, scoping."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.audit.models import AuditEntry
from mppdesk.people.models import ContactPoint, Person
from mppdesk.testing.factories import (
    CaseFactory,
    ContactPointFactory,
    HouseholdFactory,
    PersonFactory,
)

URL = "/api/v1/people"
SEARCH = f"{URL}/search"


@pytest.fixture
def maria(personas) -> Person:  # type: ignore[no-untyped-def]
    return PersonFactory(
        organization=personas.org, given_names="María José", family_names="López Hernández",
        birth_date=dt.date(1990, 5, 14), nationality="HND",
    )  # fmt: skip


@pytest.fixture
def stranger(personas) -> Person:  # type: ignore[no-untyped-def]
    """A person registered by the other organization."""
    return PersonFactory(organization=personas.other_org, given_names="María", family_names="Ajena")


# --- list -------------------------------------------------------------------------------


def test_list_is_paginated_with_count(api: ApiClient, personas) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        PersonFactory(organization=personas.org)
    first = api.get(URL, {"limit": 2}).json()
    assert first["count"] == 5
    assert (first["limit"], first["offset"]) == (2, 0)
    assert len(first["items"]) == 2
    last = api.get(URL, {"limit": 2, "offset": 4}).json()
    assert len(last["items"]) == 1
    seen = {
        p["id"]
        for offset in (0, 2, 4)
        for p in api.get(URL, {"limit": 2, "offset": offset}).json()["items"]
    }
    assert len(seen) == 5


def test_list_shows_only_the_tokens_organization(
    api: ApiClient, maria: Person, stranger: Person
) -> None:
    ids = [p["id"] for p in api.get(URL).json()["items"]]
    assert ids == [str(maria.pk)]


def test_list_ignores_a_q_parameter(api: ApiClient, maria: Person, personas) -> None:  # type: ignore[no-untyped-def]
    """Searching by name is a POST; a stray `q` in the URL filters nothing."""
    other = PersonFactory(organization=personas.org, given_names="Pedro", family_names="Ramírez")
    body = api.get(URL, {"q": "maria"}).json()
    assert {p["id"] for p in body["items"]} == {str(maria.pk), str(other.pk)}


def test_list_filters_by_nationality_code_or_name(api: ApiClient, maria: Person, personas) -> None:  # type: ignore[no-untyped-def]
    PersonFactory(organization=personas.org, nationality="GTM")
    for value in ("HND", "Honduras"):
        body = api.get(URL, {"nationality": value}).json()
        assert [p["id"] for p in body["items"]] == [str(maria.pk)]


def test_list_unknown_nationality_is_422_naming_it(api: ApiClient) -> None:
    assert_error(api.get(URL, {"nationality": "Atlantis"}), 422, "nationality")


def test_list_filters_by_has_case(api: ApiClient, maria: Person, personas) -> None:  # type: ignore[no-untyped-def]
    other = PersonFactory(organization=personas.org)
    CaseFactory(organization=personas.org, lead=maria)
    with_case = api.get(URL, {"has_case": "true"}).json()
    without_case = api.get(URL, {"has_case": "false"}).json()
    assert [p["id"] for p in with_case["items"]] == [str(maria.pk)]
    assert [p["id"] for p in without_case["items"]] == [str(other.pk)]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 10_000}, "limit"),
        ({"offset": -1}, "offset"),
        ({"has_case": "maybe"}, "has_case"),
    ],
)
def test_bad_query_parameters_are_422_naming_them(
    api: ApiClient, params: dict[str, object], field: str
) -> None:
    assert_error(api.get(URL, params), 422, field)


def test_list_records_a_view_per_person_shown(api: ApiClient, maria: Person) -> None:
    api.get(URL)
    entry = AuditEntry.objects.get(action="view", object_type="person")
    assert entry.object_id == str(maria.pk)
    assert entry.channel == "api"


# --- search -----------------------------------------------------------------------------


@pytest.fixture
def jose(personas) -> Person:  # type: ignore[no-untyped-def]
    return PersonFactory(organization=personas.org, given_names="José", family_names="Pérez")


def _ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["items"]]


def test_search_names_without_accents(api: ApiClient, jose: Person, maria: Person) -> None:
    response = api.post(SEARCH, {"q": "Jose Perez"})
    assert _ids(response) == [str(jose.pk)]
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (1, 50, 0)
    assert body["items"][0]["given_names"] == "José"


@pytest.mark.parametrize("notation", ["A012-345-678", "A 012 345 678", "012345678", "12345678"])
def test_search_finds_an_a_number_in_any_notation(
    api: ApiClient, maria: Person, personas, notation: str
) -> None:  # type: ignore[no-untyped-def]
    CaseFactory(organization=personas.org, lead=maria, a_number="012345678")
    PersonFactory(organization=personas.org)
    assert _ids(api.post(SEARCH, {"q": notation})) == [str(maria.pk)]


@pytest.mark.parametrize("notation", ["+52 656 123 4567", "+526561234567"])
def test_search_finds_an_exact_phone(api: ApiClient, maria: Person, notation: str) -> None:
    ContactPointFactory(person=maria, value="+526561234567")
    assert _ids(api.post(SEARCH, {"q": notation})) == [str(maria.pk)]


def test_search_applies_nationality_and_has_case(api: ApiClient, personas) -> None:  # type: ignore[no-untyped-def]
    hnd = PersonFactory(organization=personas.org, given_names="Ana", nationality="HND")
    gtm = PersonFactory(organization=personas.org, given_names="Ana", nationality="GTM")
    CaseFactory(organization=personas.org, lead=gtm)
    assert _ids(api.post(SEARCH, {"q": "ana", "nationality": "Honduras"})) == [str(hnd.pk)]
    assert _ids(api.post(SEARCH, {"q": "ana", "has_case": True})) == [str(gtm.pk)]
    assert _ids(api.post(SEARCH, {"q": "ana", "has_case": False})) == [str(hnd.pk)]


def test_search_is_paginated(api: ApiClient, personas) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        PersonFactory(organization=personas.org, given_names="Ana")
    body = api.post(SEARCH, {"q": "ana", "limit": 2, "offset": 2}).json()
    assert (body["count"], body["limit"], body["offset"]) == (3, 2, 2)
    assert len(body["items"]) == 1


def test_search_records_a_view_per_person_shown(
    api: ApiClient, jose: Person, maria: Person, personas
) -> None:  # type: ignore[no-untyped-def]
    api.post(SEARCH, {"q": "jose perez"})
    entry = AuditEntry.objects.get(action="view", object_type="person")
    assert entry.object_id == str(jose.pk)
    assert (entry.actor, entry.organization) == (personas.caseworker, personas.org)
    assert entry.channel == "api"
    assert "given_names" in entry.fields and "contact_points" in entry.fields


def test_search_shows_only_the_tokens_organization(
    api: ApiClient, maria: Person, stranger: Person
) -> None:
    assert _ids(api.post(SEARCH, {"q": "maria"})) == [str(maria.pk)]


def test_outsider_search_finds_nothing(outsider_api: ApiClient, maria: Person, personas) -> None:  # type: ignore[no-untyped-def]
    CaseFactory(organization=personas.org, lead=maria, a_number="012345678")
    ContactPointFactory(person=maria, value="+526561234567")
    for q in ("María", "Maria Lopez", "A012-345-678", "+526561234567"):
        body = outsider_api.post(SEARCH, {"q": q}).json()
        assert (body["count"], body["items"]) == (0, []), q
    assert not AuditEntry.objects.filter(action="view", object_id=str(maria.pk)).exists()


def test_anonymous_search_is_401(anonymous_api: ApiClient, maria: Person) -> None:
    response = anonymous_api.post(SEARCH, {"q": "maria"})
    assert_error(response, 401)
    assert response["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "q"),
        ({"q": ""}, "q"),
        ({"q": "   "}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": 12345678}, "q"),
        ({"q": "ana", "nationality": "Atlantis"}, "nationality"),
        ({"q": "ana", "has_case": "maybe"}, "has_case"),
        ({"q": "ana", "limit": 0}, "limit"),
        ({"q": "ana", "limit": 10_000}, "limit"),
        ({"q": "ana", "limit": "5"}, "limit"),
        ({"q": "ana", "offset": -1}, "offset"),
        ({"q": "ana", "name": "Ana"}, "name"),
    ],
)
def test_bad_search_is_422_naming_the_field(
    api: ApiClient, payload: dict[str, object], field: str
) -> None:
    body = assert_error(api.post(SEARCH, payload), 422, field)
    if isinstance(payload.get("q"), str) and payload["q"].strip():
        assert payload["q"] not in str(body)


def test_search_path_is_not_taken_for_a_person_id(api: ApiClient) -> None:
    """`/people/search` is its own route, declared before `/people/{person_id}`."""
    for response in (api.get(SEARCH), api.patch(SEARCH, {"family_names": "X"})):
        assert response.status_code == 405, response.content
        assert b"person_id" not in response.content


# --- get --------------------------------------------------------------------------------


def test_get_person_shows_the_record(api: ApiClient, maria: Person, personas) -> None:  # type: ignore[no-untyped-def]
    contact = ContactPointFactory(person=maria, value="+526561234567", consent=True)
    case = CaseFactory(organization=personas.org, lead=maria)
    household = HouseholdFactory(organization=personas.org, lead=maria)
    body = api.get(f"{URL}/{maria.pk}").json()
    assert body["id"] == str(maria.pk)
    assert body["given_names"] == "María José"
    assert body["birth_date"] == "1990-05-14"
    assert body["birth_year"] == 1990
    assert body["nationality"] == "HND"
    assert body["languages"] == [{"code": "spa", "preferred": True, "needs_interpreter": False}]
    assert body["contact_points"] == [
        {
            "id": contact.pk,
            "kind": "phone",
            "value": "+526561234567",
            "consent": True,
            "opted_out": False,
        }
    ]
    assert body["household_id"] == str(household.pk)
    assert body["case_ids"] == [str(case.pk)]
    assert "notes" not in body
    assert {"created_at", "updated_at", "sex", "vulnerabilities", "other_names"} <= set(body)


def test_get_person_records_a_view_in_the_audit_log(
    api: ApiClient, maria: Person, personas
) -> None:  # type: ignore[no-untyped-def]
    api.get(f"{URL}/{maria.pk}")
    entry = AuditEntry.objects.get(action="view", object_type="person", object_id=str(maria.pk))
    assert entry.actor == personas.caseworker
    assert entry.organization == personas.org
    assert "given_names" in entry.fields and "contact_points" in entry.fields


def test_missing_person_is_404(api: ApiClient) -> None:
    assert assert_error(api.get(f"{URL}/{uuid.uuid4()}"), 404) == {
        "detail": "Not found.",
        "errors": [],
    }


def test_outsider_gets_404_like_a_missing_person(outsider_api: ApiClient, maria: Person) -> None:
    denied = outsider_api.get(f"{URL}/{maria.pk}")
    missing = outsider_api.get(f"{URL}/{uuid.uuid4()}")
    assert denied.status_code == missing.status_code == 404
    assert denied.content == missing.content
    assert not AuditEntry.objects.filter(action="view", object_id=str(maria.pk)).exists()


def test_outsider_list_does_not_show_the_person(outsider_api: ApiClient, maria: Person) -> None:
    assert outsider_api.get(URL).json()["count"] == 0


def test_malformed_person_id_is_422_naming_it(api: ApiClient) -> None:
    assert_error(api.get(f"{URL}/not-a-uuid"), 422, "person_id")


# --- create -----------------------------------------------------------------------------


def test_create_person_with_contacts(api: ApiClient, personas) -> None:  # type: ignore[no-untyped-def]
    response = api.post(URL, {
        "given_names": "  Ana   Lucía ",
        "family_names": "Pérez",
        "birth_date": "2015",
        "sex": "F",
        "nationality": "Guatemala",
        "languages": [{"code": "spa"}, {"code": "mam", "needs_interpreter": True}],
        "vulnerabilities": ["child"],
        "contacts": [{"kind": "phone", "value": "+52 656 123 4567", "consent": True}],
    })  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.organization == personas.org
    assert person.created_by == personas.caseworker
    assert body["given_names"] == "Ana Lucía"
    assert (body["birth_date"], body["birth_year"]) == (None, 2015)
    assert body["nationality"] == "GTM"
    assert body["languages"][0] == {"code": "spa", "preferred": True, "needs_interpreter": False}
    assert body["languages"][1]["needs_interpreter"] is True
    assert body["contact_points"][0]["value"] == "+526561234567"
    assert body["contact_points"][0]["consent"] is True
    assert AuditEntry.objects.filter(
        action="create", object_type="person", object_id=body["id"]
    ).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "given_names"),
        ({"given_names": ""}, "given_names"),
        ({"given_names": 5}, "given_names"),
        ({"given_names": "Ana", "birth_date": "2990-01-01"}, "birth_date"),
        ({"given_names": "Ana", "sex": "female"}, "sex"),
        ({"given_names": "Ana", "nationality": "Atlantis"}, "nationality"),
        ({"given_names": "Ana", "vulnerabilities": ["tired"]}, "vulnerabilities[0]"),
        (
            {"given_names": "Ana", "languages": [{"code": "spa", "preferred": "yes"}]},
            "languages[0].preferred",
        ),
        (
            {"given_names": "Ana", "contacts": [{"kind": "phone", "value": "12"}]},
            "contacts[0].value",
        ),
        ({"given_names": "Ana", "contacts": [{"kind": "fax", "value": "1"}]}, "contacts[0].kind"),
        ({"given_names": "Ana", "notes": "x"}, "notes"),
        ({"given_names": "Ana", "organization": "red"}, "organization"),
    ],
)
def test_create_invalid_person_is_422_naming_the_field(
    api: ApiClient, payload: dict[str, object], field: str
) -> None:
    body = assert_error(api.post(URL, payload), 422, field)
    assert body["detail"] == "Validation failed."
    assert all(e["message"] for e in body["errors"])
    assert not Person.objects.exists()


def test_malformed_json_is_400_in_the_error_shape(api: ApiClient) -> None:
    response = api.client.post(URL, "{not json", content_type="application/json")
    assert_error(response, 400)


# --- update -----------------------------------------------------------------------------


def test_patch_changes_only_the_fields_sent(api: ApiClient, maria: Person) -> None:
    maria.notes = "kept"
    maria.save()
    body = api.patch(
        f"{URL}/{maria.pk}", {"family_names": "López", "vulnerabilities": ["pregnant"]}
    ).json()
    assert body["family_names"] == "López"
    assert body["vulnerabilities"] == ["pregnant"]
    assert body["given_names"] == "María José"
    assert body["birth_date"] == "1990-05-14"
    assert body["languages"] == [{"code": "spa", "preferred": True, "needs_interpreter": False}]
    maria.refresh_from_db()
    assert maria.notes == "kept"
    entry = AuditEntry.objects.get(action="update", object_type="person")
    assert entry.fields == ["family_names", "vulnerabilities"]


def test_patch_null_clears_birth_date(api: ApiClient, maria: Person) -> None:
    body = api.patch(f"{URL}/{maria.pk}", {"birth_date": None}).json()
    assert (body["birth_date"], body["birth_year"]) == (None, None)


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"given_names": None}, "given_names"),
        ({"given_names": "4ndrea"}, "given_names"),
        ({"age": 3}, "age"),
    ],
)
def test_patch_invalid_is_422_naming_the_field(
    api: ApiClient, maria: Person, payload: dict[str, object], field: str
) -> None:
    assert_error(api.patch(f"{URL}/{maria.pk}", payload), 422, field)
    maria.refresh_from_db()
    assert maria.given_names == "María José"


def test_outsider_cannot_patch_a_person(outsider_api: ApiClient, maria: Person) -> None:
    assert_error(outsider_api.patch(f"{URL}/{maria.pk}", {"family_names": "X"}), 404)
    maria.refresh_from_db()
    assert maria.family_names == "López Hernández"


# --- contacts ---------------------------------------------------------------------------


def test_add_contact_point(api: ApiClient, maria: Person) -> None:
    response = api.post(f"{URL}/{maria.pk}/contacts", {"kind": "email", "value": "Ana@Example.org"})
    assert response.status_code == 201, response.content
    assert response.json()["value"] == "ana@example.org"
    assert_error(
        api.post(f"{URL}/{maria.pk}/contacts", {"kind": "email", "value": "ana@example.org"}),
        422,
        "value",
    )


def test_record_opt_out_on_a_contact_point(api: ApiClient, maria: Person) -> None:
    contact = ContactPointFactory(person=maria)
    body = api.patch(f"{URL}/{maria.pk}/contacts/{contact.pk}", {"opted_out": True}).json()
    assert body["opted_out"] is True
    contact.refresh_from_db()
    assert contact.opted_out and contact.consent


def test_outsider_gets_404_on_contact_endpoints(outsider_api: ApiClient, maria: Person) -> None:
    contact = ContactPointFactory(person=maria)
    assert_error(
        outsider_api.post(
            f"{URL}/{maria.pk}/contacts", {"kind": "phone", "value": "+526561234568"}
        ),
        404,
    )
    assert_error(
        outsider_api.patch(f"{URL}/{maria.pk}/contacts/{contact.pk}", {"opted_out": True}), 404
    )
    assert ContactPoint.objects.filter(person=maria).count() == 1


def test_contact_of_another_person_is_404(api: ApiClient, maria: Person, personas) -> None:  # type: ignore[no-untyped-def]
    other = ContactPointFactory(person=PersonFactory(organization=personas.org))
    assert_error(api.patch(f"{URL}/{maria.pk}/contacts/{other.pk}", {"opted_out": True}), 404)
