"""The statistics page and its CSV downloads."""

from __future__ import annotations

import csv
import io
import json
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
    assert "rounded to multiples of 5" in html and "“&lt;5”: rounded to 0" in html
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
    assert "Las cifras se redondean a múltiplos de 5" in html
    assert "«&lt;5»: redondeado a 0" in html


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


def test_csv_download_is_rounded_like_the_page(world: Any, analyst: Any) -> None:
    client = signed_in(analyst)
    response = client.get(EXPORT, {"table": "nationality"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="mppdesk-stats-nationality.csv"' in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0] == ["Code", "People by nationality", "People"]
    page = next(t for t in client.get(URL).context["tables"] if t.name == "nationality")
    assert page.total is not None
    assert rows[1:] == [
        *([row.key, row.label, *row.displays] for row in page.rows),
        ["total", "Total", *page.total.displays],
    ]
    # 20 people in four groups of 8, 3, 4 and 5, each rounded: 10 to 25.
    assert rows[-1][2] in {"10", "15", "20", "25"}
    assert all(r[2] == "<5" or int(r[2]) % 5 == 0 for r in rows[1:])


def test_page_csv_api_and_command_line_show_the_same_figures(world: Any, analyst: Any) -> None:
    """One set of figures for every channel, also under filters: a second channel would
    otherwise be a second rounding to compare with the first."""
    from click.testing import CliRunner

    from mppdesk.stats.commands import stats_command
    from mppdesk.stats.tests.test_api import api_for

    client, api = signed_in(analyst), api_for(analyst)
    for filters in ({}, {"port": world.p1.code}, {"from_month": "2025-03"}):
        page = {t.name: t for t in client.get(URL, filters).context["tables"]}
        body = api.get("/api/v1/stats", filters).json()
        options = [f"--{k.replace('_month', '')}={v}" for k, v in filters.items()]
        result = CliRunner().invoke(stats_command, ["--json", "--user", analyst.username, *options])
        command = {t["name"]: t for t in json.loads(result.output)["tables"]}
        for name in queries.TABLE_NAMES:
            table = page[name]
            expected = [[r.key, *r.displays] for r in table.rows]
            if table.total:
                expected.append(["total", *table.total.displays])
            exported = [
                [r[0], *r[2:]] for r in csv_rows(client.get(EXPORT, {"table": name, **filters}))[1:]
            ]
            assert exported == expected, (filters, name)
            api_table = next(t for t in body["tables"] if t["name"] == name)
            from_api = [
                [r["key"], *(c["display"] for c in r["cells"])]
                for r in [*api_table["rows"], *([api_table["total"]] if api_table["total"] else [])]
            ]
            assert from_api == expected, (filters, name)
            cli = command[name]
            from_cli = [
                [r["key"], *r["values"]]
                for r in [*cli["rows"], *([cli["total"]] if cli["total"] else [])]
            ]
            assert from_cli == expected, (filters, name)


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


def test_a_table_without_rows_still_shows_its_total(world: Any, analyst: Any) -> None:
    """A month without registrations looks like a month of one or two: "<5" either way."""
    response = signed_in(analyst).get(URL, {"from_month": "2025-02", "to_month": "2025-02"})
    (table,) = [t for t in response.context["tables"] if t.name == "nationality"]
    assert table.rows == [] and table.total is not None and table.total.displays == ["<5"]
    html = response.content.decode()
    section = html[html.index('id="table-nationality"') :]
    section = section[: section.index("</section>")]
    assert "<tfoot>" in section and "&lt;5" in section and "Nothing to count" not in section
