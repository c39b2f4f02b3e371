"""The statistics page and its CSV downloads."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.people.models import ContactPoint
from mppdesk.stats import queries
from mppdesk.stats.tests.conftest import signed_in

pytestmark = pytest.mark.django_db

URL = "/stats/"
EXPORT = "/stats/export.csv"


def personal_values(world: Any) -> list[str]:
    """Names, A-numbers and phone numbers of everyone in the world."""
    # The fixture's names are unusual words, so that no label can contain them by chance.
    values = ["Xiomara", "Quintanilla", "Urrutia", "Yolanda", "Berrizbeitia"]
    for case in world.cases:
        values += [case.a_number, case.a_number_display]
    for contact in ContactPoint.objects.filter(person__in=world.people):
        values += [contact.value, contact.value.lstrip("+")]
    return values


def assert_nothing_personal(text: str, world: Any) -> None:
    for value in personal_values(world):
        assert value not in text, "personal data in the output"


def csv_rows(response: Any) -> list[list[str]]:
    body = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def test_an_analyst_sees_the_figures_without_personal_data(world: Any, analyst: Any) -> None:
    response = signed_in(analyst).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "People by nationality" in html and "Cases by status" in html
    assert "Honduras" in html and "&lt;5" in html
    assert "Venezuela" not in html  # organization B
    assert "<svg" in html and "style=" not in html  # charts without inline styles
    assert "no-store" in response["Cache-Control"]
    assert_nothing_personal(html, world)


def test_every_table_has_a_csv_link(world: Any, analyst: Any) -> None:
    html = signed_in(analyst).get(URL).content.decode()
    for name in queries.TABLE_NAMES:
        assert f"{EXPORT}?table={name}" in html


def test_the_page_is_in_spanish_by_default(world: Any, analyst: Any) -> None:
    from mppdesk.accounts.testing import verified_login

    client = verified_login(Client(), analyst)
    html = client.get(URL).content.decode()
    assert "Estadísticas" in html and "Personas por nacionalidad" in html


def test_an_auditor_gets_404(world: Any, auditor: Any) -> None:
    client = signed_in(auditor)
    assert client.get(URL).status_code == 404
    assert client.get(EXPORT, {"table": "nationality"}).status_code == 404


def test_anonymous_users_are_sent_to_sign_in(world: Any) -> None:
    for path in (URL, f"{EXPORT}?table=nationality"):
        response = Client().get(path)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_a_case_worker_of_another_organization_sees_only_theirs(
    world: Any, outsider_client: Client
) -> None:
    html = outsider_client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Venezuela" in html and "Honduras" not in html


def test_a_program_wide_analyst_filters_by_organization(world: Any, program_analyst: Any) -> None:
    client = signed_in(program_analyst)
    html = client.get(URL).content.decode()
    assert "Venezuela" in html and "Honduras" in html
    html = client.get(URL, {"organization": world.other_org.slug}).content.decode()
    assert "Venezuela" in html and "Honduras" not in html


def test_an_organization_outside_the_scope_is_refused(world: Any, analyst: Any) -> None:
    response = signed_in(analyst).get(URL, {"organization": world.other_org.slug})
    assert response.status_code == 400
    assert "Venezuela" not in response.content.decode()


def test_csv_download_is_suppressed_like_the_page(world: Any, analyst: Any) -> None:
    response = signed_in(analyst).get(EXPORT, {"table": "nationality"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="mppdesk-stats-nationality.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["Code", "People by nationality", "People"]
    assert rows[1:] == [
        ["HND", "Honduras", "12"],
        ["CUB", "Cuba", "<5"],
        ["GTM", "Guatemala", "*"],
        ["total", "Total", "20"],
    ]


def test_csv_filters_and_no_personal_data_in_any_table(world: Any, analyst: Any) -> None:
    client = signed_in(analyst)
    for name in queries.TABLE_NAMES:
        response = client.get(EXPORT, {"table": name})
        assert response.status_code == 200
        assert_nothing_personal(response.content.decode("utf-8-sig"), world)
    rows = csv_rows(client.get(EXPORT, {"table": "intake_month", "from_month": "2025-03"}))
    assert rows[1:] == [["2025-03", "March 2025", "5"], ["total", "Total", "5"]]


def test_csv_of_an_unknown_table_is_404_and_bad_filters_400(world: Any, analyst: Any) -> None:
    client = signed_in(analyst)
    assert client.get(EXPORT, {"table": "names"}).status_code == 404
    assert client.get(EXPORT).status_code == 404
    assert client.get(EXPORT, {"table": "sex", "from_month": "x"}).status_code == 400


def test_views_and_downloads_are_audited_without_figures(world: Any, analyst: Any) -> None:
    client = signed_in(analyst)
    mark = audit_mark()
    client.get(URL, {"port": world.p1.code})
    client.get(EXPORT, {"table": "sex"})
    view, export = entries_after(mark)
    assert (view.action, view.object_type, view.object_id) == ("view", "stats", "")
    assert "nationality" in view.fields and view.actor == analyst
    assert (export.action, export.object_id, export.fields) == ("export", "sex", ["sex"])
