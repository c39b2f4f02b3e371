"""Production logs: one JSON object per line with time, level, logger, message,
request id (also in ``X-Request-ID``), route name and status; never the path with its
ids, the query string or personal data."""

from __future__ import annotations

import io
import json
import logging
import sys
from collections.abc import Iterator

import pytest
from django.test import Client

from mppdesk.accounts.testing import verified_login
from mppdesk.lib.redact import RedactingFilter
from mppdesk.ops.jsonlog import JsonFormatter
from mppdesk.testing.factories import PersonFactory


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """What the production console handler would print, for the loggers that matter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    loggers = [logging.getLogger(name) for name in ("mppdesk", "django.request")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.removeHandler(handler)
            lg.setLevel(level)


def _records(stream: io.StringIO) -> list[dict]:
    lines = [line for line in stream.getvalue().splitlines() if line]
    return [json.loads(line) for line in lines]  # every line is one JSON object


def test_each_request_logs_one_json_line_with_route_status_and_request_id(
    settings, personas, json_lines
):
    settings.MPPDESK_REQUEST_LOG = True
    client = verified_login(Client(), personas.caseworker)
    person = PersonFactory(
        organization=personas.org, given_names="Xochitl", family_names="Quetzalli Ramírez"
    )
    response = client.get(
        f"/people/{person.pk}/?q=Quetzalli&birth=1990-01-01", HTTP_X_REQUEST_ID="abc123def"
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "abc123def"
    records = _records(json_lines)
    [line] = [r for r in records if r["logger"] == "mppdesk.request"]
    assert line["message"] == "request"
    assert line["level"] == "INFO"
    assert line["route"] == "people:detail"
    assert line["status"] == 200 and line["method"] == "GET"
    assert line["request_id"] == "abc123def"
    assert line["time"].endswith("+00:00") and isinstance(line["duration_ms"], float)
    raw = json_lines.getvalue()
    for secret in (str(person.pk), "Quetzalli", "Xochitl", "1990-01-01", "/people/", "q="):
        assert secret not in raw


def test_a_generated_request_id_is_logged_and_echoed(settings, db, json_lines):
    settings.MPPDESK_REQUEST_LOG = True
    response = Client().get("/healthz")
    [line] = [r for r in _records(json_lines) if r["logger"] == "mppdesk.request"]
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["route"] == "healthz"


def test_djangos_not_found_warning_keeps_the_reason_not_the_path(settings, personas, json_lines):
    settings.MPPDESK_REQUEST_LOG = True
    client = verified_login(Client(), personas.caseworker)
    response = client.get("/people/00000000-0000-4000-8000-00000000abcd/?name=Quetzalli")
    assert response.status_code == 404
    records = _records(json_lines)
    warning = next(r for r in records if r["logger"] == "django.request")
    assert warning["message"] == "Not Found"
    assert warning["status"] == 404
    assert warning["route"] == "people:detail"
    # The id's last group, not "abcd" alone: random request ids hold those four letters
    # about once in 2,000 runs.
    logged = json_lines.getvalue()
    assert "00000000abcd" not in logged and "Quetzalli" not in logged


def test_request_log_is_off_unless_asked(settings, db, json_lines):
    settings.MPPDESK_REQUEST_LOG = False
    Client().get("/healthz")
    assert not [r for r in _records(json_lines) if r["logger"] == "mppdesk.request"]


def test_an_exception_is_one_line_of_json_without_its_message():
    formatter = JsonFormatter()
    name = "Quetzalli"  # a value the code was handling: the source line shows the name
    try:
        raise ValueError(f"no match for {name}")
    except ValueError:
        record = logging.LogRecord(
            "mppdesk.x", logging.ERROR, __file__, 1, "failed %s", ("job",), sys.exc_info()
        )
    assert RedactingFilter().filter(record)
    line = formatter.format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "failed job"
    assert "ValueError" in data["exception"] and "Traceback" in data["exception"]
    assert "Quetzalli" not in line
    assert "request_id" not in data and "route" not in data


def test_production_settings_choose_json(monkeypatch):
    import importlib

    from mppdesk import settings as settings_module

    monkeypatch.setenv("MPPDESK_LOG_FORMAT", "json")
    reloaded = importlib.reload(settings_module)
    try:
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
        assert reloaded.LOGGING["loggers"]["fontTools"]["level"] == "WARNING"
    finally:
        monkeypatch.delenv("MPPDESK_LOG_FORMAT")
        importlib.reload(settings_module)
