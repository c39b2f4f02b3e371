"""``django.request`` logs a refused request (403, 404) in one line, without the
traceback Django attaches; a server error keeps its (redacted) traceback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

pytestmark = pytest.mark.django_db


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _missing(request: HttpRequest) -> HttpResponse:
    raise Http404


def _broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("A301-777-201 broke it")  # an A-number a careless message could hold


urlpatterns = [
    path("forbidden/", _forbidden),
    path("missing/", _missing),
    path("broken/", _broken),
]


@pytest.fixture
def request_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """``django.request`` does not propagate to the root logger caplog listens on: listen
    on it directly, after the configured handlers (so after their redaction)."""
    logger = logging.getLogger("django.request")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.WARNING, logger="django.request")
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


@pytest.mark.urls("mppdesk.core.tests.test_request_logging")
@pytest.mark.parametrize(("url", "status"), [("/forbidden/", 403), ("/missing/", 404)])
def test_a_refused_request_is_one_line_without_traceback(
    request_log: pytest.LogCaptureFixture, url: str, status: int
) -> None:
    response = Client().get(url)
    assert response.status_code == status
    records = [r for r in request_log.records if r.name == "django.request"]
    assert len(records) == 1
    record = records[0]
    assert record.levelno == logging.WARNING
    assert record.exc_info is None and not record.exc_text
    assert "Traceback" not in request_log.text
    assert len(request_log.text.strip().splitlines()) == 1
    assert url in record.getMessage()


@pytest.mark.urls("mppdesk.core.tests.test_request_logging")
def test_a_server_error_keeps_its_redacted_traceback(request_log: Any) -> None:
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    records = [r for r in request_log.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].levelno == logging.ERROR
    assert "Traceback" in (records[0].exc_text or "")
    assert "_broken" in records[0].exc_text
    assert "A301-777-201" not in request_log.text
