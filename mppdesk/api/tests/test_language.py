"""The API speaks the language the client's Accept-Language asks for, English without one."""

from __future__ import annotations

from typing import Any

import pytest

from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.core.middleware import api_language
from mppdesk.people.models import Person
from mppdesk.testing.factories import PersonFactory

URL = "/api/v1/cases"
ENGLISH = "A-number must have 8 or 9 digits, got 2."
SPANISH = "El número A debe tener 8 o 9 dígitos; tiene 2."


@pytest.fixture
def lead(personas) -> Person:  # type: ignore[no-untyped-def]
    return PersonFactory(organization=personas.org)


def _open_bad_case(api: ApiClient, lead: Person, **headers: str) -> Any:
    return api.client.post(
        URL,
        {"a_number": "12", "lead_id": str(lead.pk)},
        content_type="application/json",
        headers=headers,
    )


def _a_number_messages(response: Any) -> list[str]:
    body = assert_error(response, 422, "a_number")
    return [e["message"] for e in body["errors"] if e["field"] == "a_number"]


def test_without_accept_language_the_api_answers_in_english(api: ApiClient, lead: Person) -> None:
    response = _open_bad_case(api, lead)
    assert _a_number_messages(response) == [ENGLISH]
    assert response["Content-Language"] == "en"


def test_accept_language_es_gets_spanish(api: ApiClient, lead: Person) -> None:
    response = _open_bad_case(api, lead, **{"Accept-Language": "es"})
    assert _a_number_messages(response) == [SPANISH]
    assert response["Content-Language"] == "es"


def test_accept_language_en_gets_english(api: ApiClient, lead: Person) -> None:
    response = _open_bad_case(api, lead, **{"Accept-Language": "en-US,en;q=0.9,es;q=0.8"})
    assert _a_number_messages(response) == [ENGLISH]


def test_a_language_cookie_does_not_switch_the_api(api: ApiClient, lead: Person) -> None:
    # The web pages' language switch is for browsers; API clients say it in the header.
    api.client.cookies["django_language"] = "es"
    assert _a_number_messages(_open_bad_case(api, lead)) == [ENGLISH]


def test_web_pages_keep_spanish_by_default(caseworker_client) -> None:  # type: ignore[no-untyped-def]
    response = caseworker_client.get("/people/")
    assert response["Content-Language"] == "es"


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("", "en"),
        ("es", "es"),
        ("es-MX,es;q=0.9,en;q=0.8", "es"),
        ("en-US", "en"),
        ("fr", "en"),
        ("fr-CA, es;q=0.5", "es"),
        ("*", "en"),
        ("pt-BR, en;q=0.7, es;q=0.9", "es"),
    ],
)
def test_api_language_from_the_header(header: str, language: str) -> None:
    assert api_language(header) == language
