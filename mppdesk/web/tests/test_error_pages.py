"""A server error while handling a person leaks nothing: not in the log, not on the page."""

from __future__ import annotations

import io
import logging
import logging.config
import re
from collections.abc import Iterator
from uuid import UUID

import pytest
from django.conf import settings as django_settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

from mppdesk.people.models import Person
from mppdesk.testing.factories import PersonFactory

GIVEN, FAMILY = "Guadalupe", "Ramírez Soto"
A_NUMBER = "087654321"
PHONE = "+52 656 123 4567"
LEAKS = [
    GIVEN,
    "Ramírez",
    "Ramirez",
    A_NUMBER,
    "087-654-321",
    "087 654 321",
    "A087654321",
    "87654321",
    "656 123 4567",
    "6561234567",
    "+526561234567",
    "123 4567",
]


def crash_while_handling_a_person(request: HttpRequest, pk: UUID) -> HttpResponse:
    person = Person.objects.get(pk=pk)
    # A careless message, as a bug would write it: every identifier of the person.
    raise RuntimeError(
        f"cannot send the notice to {person.given_names} {person.family_names}, "
        f"A-number {A_NUMBER} (A{A_NUMBER[:3]}-{A_NUMBER[3:6]}-{A_NUMBER[6:]}), phone {PHONE}"
    )


urlpatterns = [
    path("test-crash/<uuid:pk>/", crash_while_handling_a_person),
    path("", include("mppdesk.urls")),
]


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    """The project's real LOGGING (with the redacting filter), its console captured."""
    names = ["", "django", "django.request", "django.security"]
    saved = {
        name: (logger.handlers[:], logger.level, logger.propagate, logger.disabled)
        for name in names
        for logger in [logging.getLogger(name)]
    }
    logging.config.dictConfig(django_settings.LOGGING)
    stream = io.StringIO()
    console = logging.getLogger("django.request").handlers[0]
    assert isinstance(console, logging.StreamHandler)
    console.setStream(stream)
    try:
        yield stream
    finally:
        for name, (handlers, level, propagate, disabled) in saved.items():
            logger = logging.getLogger(name)
            logger.handlers, logger.level = handlers, level
            logger.propagate, logger.disabled = propagate, disabled


def _assert_no_leak(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, leak
    # Any run of 7+ digits would be a phone or A-number the patterns above missed.
    assert not re.search(r"\d{7,}", re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27}", "", text))


@pytest.mark.urls(__name__)
def test_server_error_while_handling_a_person_leaks_nothing(settings, personas, log_stream):
    settings.DEBUG = False
    person = PersonFactory(organization=personas.org, given_names=GIVEN, family_names=FAMILY)
    from mppdesk.accounts.testing import verified_login

    client = verified_login(Client(raise_request_exception=False), personas.caseworker)
    response = client.get(f"/test-crash/{person.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong" in page
    _assert_no_leak(page)

    log = log_stream.getvalue()
    assert "Internal Server Error" in log
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: [message withheld]" in log  # type and frames stay for debugging
    assert "crash_while_handling_a_person" in log
    _assert_no_leak(log)


def test_500_page_is_translated(settings):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("es"):
        html = render_to_string("500.html")
    assert "Algo salió mal" in html
    assert 'lang="es"' in html


def test_404_page_is_friendly_and_translated(caseworker_client):
    response = caseworker_client.get("/people/no-such-page/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Página no encontrada" in html
    assert 'href="/"' in html or "/people/" in html
