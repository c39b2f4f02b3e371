"""The public lookup page: /consulta (Spanish) and /lookup (English)."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.hearings.pdf.formatting import format_moment
from mppdesk.selfservice import texts
from mppdesk.selfservice.tests.conftest import World, make_case

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, a_number: str, birth: str, ip: str = "203.0.113.5") -> Any:
    return client.post(url, {"a_number": a_number, "birth_date": birth}, REMOTE_ADDR=ip)


def status_box(response: Any) -> str:
    match = re.search(r'role="status"><p>(.*?)</p>', response.content.decode(), re.S)
    return match.group(1) if match else ""


@pytest.mark.parametrize(("url", "lang", "title"), [
    ("/consulta", "es", "¿Cuándo es mi audiencia?"),
    ("/lookup", "en", "When is my hearing?"),
])  # fmt: skip
def test_page_opens_without_signing_in(
    client: Client, db: Any, url: str, lang: str, title: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{lang}">' in page
    assert title in page
    assert 'method="post"' in page
    assert response["Content-Language"] == lang
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize(("url", "lang"), [("/consulta", "es"), ("/lookup", "en")])
def test_right_details_show_the_hearing_in_the_pages_language(
    client: Client, world: World, url: str, lang: str
) -> None:
    response = post(client, url, "A 012-345-678", "31/12/1990")
    page = response.content.decode()
    box = status_box(response)
    hearing, port = world.hearing, world.case.port
    assert port is not None and hearing.report_at is not None
    assert format_moment(hearing.report_at, port.timezone, port.mexican_city, lang) in box
    assert hearing.docket.venue.name in box
    # Nothing typed is echoed back; no name.
    assert "012345678" not in page and "012-345-678" not in page and "31/12/1990" not in page
    assert world.case.lead.given_names not in page


def test_misses_look_the_same_and_refusals_say_what_they_are(
    client: Client, world: World, settings: Any
) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 100
    post(client, "/lookup", "A099999999", "01/01/1980", ip="198.51.100.1")  # warm-up
    locked = make_case(
        world.case.organization, a_number="055566677", birth=world.case.lead.birth_date
    )  # type: ignore[arg-type]
    for _ in range(5):
        post(client, "/lookup", "055566677", "01/01/1980", ip="198.51.100.2")

    def measure(a_number: str, birth: str, ip: str) -> tuple[str, int]:
        with CaptureQueriesContext(connection) as queries:
            response = post(client, "/lookup", a_number, birth, ip=ip)
        assert response.status_code == 200
        return status_box(response), len(queries)

    paths = {
        "wrong_dob": measure("012345678", "30/12/1990", "198.51.100.10"),
        "unknown": measure("098765432", "31/12/1990", "198.51.100.11"),
        "no_hearing": measure("087654321", "31/12/1990", "198.51.100.12"),
        "locked": measure(locked.a_number, "31/12/1990", "198.51.100.13"),
    }
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 1
    post(client, "/lookup", "011111111", "01/01/1980", ip="198.51.100.14")
    paths["rate_limited"] = measure("012345678", "31/12/1990", "198.51.100.14")
    misses = {paths[name][0] for name in ("wrong_dob", "unknown", "no_hearing")}
    assert misses == {texts.GENERIC["en"]}
    assert paths["locked"][0] == html.escape(texts.PROTECTED["en"])
    assert paths["rate_limited"][0].startswith(
        "Too many attempts from this connection. Try again after "
    )
    counts = {name: count for name, (_, count) in paths.items()}
    assert len(set(counts.values())) == 1, counts


def test_client_address_rate_limit(client: Client, world: World, settings: Any) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 2
    limited = "Demasiados intentos desde esta conexión."
    for _ in range(2):
        assert "Su próxima audiencia" in status_box(
            post(client, "/consulta", "012345678", "31/12/1990")
        )
    assert status_box(post(client, "/consulta", "012345678", "31/12/1990")).startswith(limited)
    other = post(client, "/consulta", "012345678", "31/12/1990", ip="2001:db8::1")
    assert "Su próxima audiencia" in status_box(other)
    # The same IPv6 /64 counts as one client.
    post(client, "/consulta", "012345678", "31/12/1990", ip="2001:db8::2")
    assert status_box(
        post(client, "/consulta", "012345678", "31/12/1990", ip="2001:db8::3")
    ).startswith(limited)


def test_badly_written_details_name_the_field(client: Client, db: Any) -> None:
    mark = audit_mark()
    response = post(client, "/lookup", "A12", "yesterday")
    page = response.content.decode()
    assert "Write the A-number with its 8 or 9 digits" in page
    assert "Write the date of birth as day/month/year" in page
    assert 'value="A12"' not in page and "yesterday" not in page
    assert not entries_after(mark).exists()  # no lookup was made


def test_spanish_page_speaks_spanish(client: Client, db: Any) -> None:
    page = post(client, "/consulta", "A12", "ayer").content.decode()
    assert "Escriba el número A con sus 8 o 9 dígitos" in page


def test_post_needs_the_csrf_token(db: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/consulta", {"a_number": "012345678", "birth_date": "31/12/1990"})
    assert response.status_code == 403


def test_web_lookups_are_audited_on_the_web_channel(client: Client, world: World) -> None:
    mark = audit_mark()
    post(client, "/lookup", "012345678", "31/12/1990")
    post(client, "/lookup", "012345678", "01/01/1990")
    entries = list(entries_after(mark).filter(object_type="selfservice_lookup"))
    assert [e.fields for e in entries] == [["outcome:matched"], ["outcome:no_match"]]
    assert {e.channel for e in entries} == {"web"}
    for entry in entries:
        plain = " ".join([entry.action, entry.object_type, entry.channel, *entry.fields])
        assert "012345678" not in plain and "1990" not in plain
