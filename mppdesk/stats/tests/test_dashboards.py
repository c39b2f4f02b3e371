"""The dashboards page and its research exports (``stats.research``).

A small installation: 24 active cases at El Paso opened five weeks ago (organization A),
10 of them with a hearing (4 held, 3 missed — one ordered in absentia —, 2 continued,
1 without an outcome); 6 cases at Laredo in organization B.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any, cast

import pytest
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.models import Membership, Organization, User
from mppdesk.audit.models import AuditEntry
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.hearings.models import Hearing, Outcome
from mppdesk.places.models import Port
from mppdesk.stats import dashboards, exports
from mppdesk.testing.factories import (
    CaseFactory,
    MembershipFactory,
    OrganizationFactory,
    UserFactory,
)

A_CASES = 24
OUTCOMES = [Outcome.APPEARED] * 4 + [Outcome.FAILED_TO_APPEAR] * 2
OUTCOMES += [Outcome.REMOVAL_IN_ABSENTIA] + [Outcome.CONTINUED] * 2 + [""]


def member(org: Organization, role: str, username: str) -> User:
    user = cast(User, UserFactory(username=username))
    MembershipFactory(user=user, organization=org, role=role)
    return user


def signed_in(user: User, language: str = "en") -> Client:
    from mppdesk.accounts.testing import verified_login

    return verified_login(Client(HTTP_ACCEPT_LANGUAGE=language), user)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def installation(personas: Any) -> list[Case]:
    from mppdesk.hearings import hearing_services
    from mppdesk.hearings.calendar import federal_holiday
    from mppdesk.hearings.models import Docket

    el_paso = Port.objects.get(code="el-paso")
    laredo = Port.objects.get(code="laredo")
    opened = timezone.localdate() - dt.timedelta(weeks=5)
    cases = [
        cast(Case, CaseFactory(organization=personas.org, port=el_paso, venue=el_paso.venue,
                               status=CaseStatus.ACTIVE, opened_on=opened))
        for _ in range(A_CASES)
    ]  # fmt: skip
    for _ in range(6):
        CaseFactory(
            organization=personas.other_org, port=laredo, status=CaseStatus.ACTIVE, opened_on=opened
        )
    day = timezone.localdate() + dt.timedelta(weeks=2)
    while federal_holiday(day) is not None or day.weekday() > 4:
        day += dt.timedelta(days=1)
    docket = Docket.objects.create(
        venue=el_paso.venue, date=day, session="am", courtroom="1", capacity=20,
        interpreter_languages=["spa"], starts_at=dt.time(8),
    )  # fmt: skip
    for case, outcome in zip(cases, OUTCOMES, strict=False):
        hearing = hearing_services.schedule_hearing(actor=None, case=case, docket=docket)
        Hearing.objects.filter(pk=hearing.pk).update(outcome=outcome)
    return cases


@pytest.fixture
def analyst(personas: Any) -> User:
    return member(personas.org, Membership.Role.ANALYST, "analista")


@pytest.fixture
def program_analyst(db: Any) -> User:
    coordinator = OrganizationFactory(
        name="Coordinación", slug="coord", kind=Organization.Kind.COORDINATOR
    )
    return member(coordinator, Membership.Role.ANALYST, "analista-programa")


def test_the_analyst_sees_every_panel_as_a_chart_with_its_table(
    analyst: User, installation: list[Case]
) -> None:
    response = signed_in(analyst).get("/stats/dashboards/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in dashboards.PANEL_NAMES:
        assert f'id="panel-{name}"' in html
    # Each chart is inline SVG with a title, and its table follows it.
    assert html.count('<svg class="chart"') >= 4
    assert 'aria-labelledby="chart-hearings-title"' in html
    assert "Hearings held, missed and continued" in html
    section = html.split('id="panel-waiting_by_city"')[1].split("</section>")[0]
    assert "Ciudad Juárez" in section or "Ciudad Juarez" in section
    assert '<table class="stats">' in section
    # Organization A's 24 people waiting (one per case) round to 20 or 25.
    assert re.search(r"<td class=\"nowrap\">(20|25)</td>", section)
    # No script anywhere on the page.
    assert "<script" not in html.split("</header>")[-1]
    assert AuditEntry.objects.filter(object_type="stats.dashboard", action="view").exists()


def test_the_page_is_in_spanish(analyst: User, installation: list[Case]) -> None:
    html = signed_in(analyst, "es").get("/stats/dashboards/").content.decode()
    assert "Paneles" in html
    assert "Audiencias celebradas, perdidas y aplazadas" in html
    assert "Exportaciones para investigación" in html


def test_every_figure_is_a_multiple_of_five_or_small(
    program_analyst: User, installation: list[Case]
) -> None:
    scope = dashboards.scope_for(program_analyst)
    for shown in dashboards.panels(scope, dashboards.Filters()):
        for row in [*shown.table.rows, *([shown.table.total] if shown.table.total else [])]:
            for cell in row.cells:
                assert cell.display == "<5" or (cell.count is not None and cell.count % 5 == 0)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from_week=2026-W60", "from_week"),
        ("to_week=yesterday", "to_week"),
        ("from_week=2026-W10&to_week=2026-W02", "to_week"),
        ("port=atlantis", "port"),
        ("from_week=" + "9" * 40, "from_week"),
    ],
)
def test_bad_filters_are_a_form_error_never_a_500(
    analyst: User, installation: list[Case], query: str, field: str
) -> None:
    response = signed_in(analyst).get(f"/stats/dashboards/?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="{field}-error"' in html
    assert f'aria-describedby="{field}-error"' in html
    download = signed_in(analyst).get(f"/stats/dashboards/export?kind=tables&format=csv&{query}")
    assert download.status_code == 400
    assert field in download.content.decode()


def test_a_date_is_read_as_its_week(analyst: User, installation: list[Case]) -> None:
    response = signed_in(analyst).get("/stats/dashboards/?from_week=2026-12-02&port=el-paso")
    assert response.status_code == 200
    assert dashboards.clean_filters(from_week="2026-12-02").from_week == dashboards.Week(2026, 49)


@pytest.mark.parametrize(
    "role", [Membership.Role.CASEWORKER, Membership.Role.AUDITOR, Membership.Role.COORDINATOR]
)
def test_roles_without_stats_research_get_404(personas: Any, role: str) -> None:
    user = member(personas.org, role, "someone")
    client = signed_in(user)
    assert client.get("/stats/dashboards/").status_code == 404
    assert client.get("/stats/dashboards/export?kind=events&format=csv").status_code == 404
    assert "/stats/dashboards/" not in client.get("/stats/").content.decode()


def test_the_nav_links_to_the_dashboards_and_the_simulator(analyst: User) -> None:
    html = signed_in(analyst).get("/stats/").content.decode()
    assert 'href="/stats/dashboards/"' in html
    assert 'href="/sim/"' in html or 'href="/simulator/"' in html


def test_an_organization_sees_only_its_own_records(analyst: User, installation: list[Case]) -> None:
    scope = dashboards.scope_for(analyst)
    (waiting,) = dashboards.base_tables(scope, dashboards.Filters(), ["waiting_by_city"])
    assert set(waiting.totals()) == {"el-paso"}


def _parquet_table(content: bytes) -> Any:
    import pyarrow.parquet as pq

    return pq.read_table(io.BytesIO(content))


def test_the_parquet_extract_opens_and_holds_nothing_identifying(
    analyst: User, installation: list[Case]
) -> None:
    response = signed_in(analyst).get("/stats/dashboards/export?kind=events&format=parquet")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.parquet"')
    table = _parquet_table(response.content)
    assert table.column_names == exports.EVENT_COLUMNS
    rows = table.to_pylist()
    assert {r["event"] for r in rows} >= {"registered", "hearing"}
    assert sum(r["event"] == "hearing" for r in rows) == len(OUTCOMES)
    forbidden = set()
    for case in installation:
        person = case.lead
        forbidden |= {person.given_names, person.family_names, case.a_number, str(person.pk)}
        forbidden |= {str(c.value) for c in person.contact_points.all()}
    text = " ".join(str(v) for r in rows for v in r.values())
    for value in forbidden - {""}:
        assert value not in text.split(), value
    week = re.compile(r"^\d{4}-W\d{2}$")
    for r in rows:
        assert week.match(r["iso_week"])
        assert not re.search(r"\d{4}-\d{2}-\d{2}", " ".join(str(v) for v in r.values()))
        assert r["age_band"] == "" or re.match(r"^\d+(-\d+|\+)$", r["age_band"])
        codes = [str(v) for k, v in r.items() if not k.endswith("_ref")]
        assert not re.search(r"\+?\d{7,}", " ".join(codes))  # no phone number
        assert all(re.fullmatch(r"[0-9a-f]{16}", r[k]) for k in ("event_ref", "person_ref"))
    try:
        import pandas  # noqa: F401 - optional: only when installed
    except ImportError:
        pass
    else:
        frame = table.to_pandas()
        assert list(frame.columns) == exports.EVENT_COLUMNS
    entry = AuditEntry.objects.get(object_type="stats.dashboard", action="export")
    assert entry.object_id == "events.parquet"


def test_two_extracts_cannot_be_joined_by_id(analyst: User, installation: list[Case]) -> None:
    client = signed_in(analyst)
    first = _parquet_table(
        client.get("/stats/dashboards/export?kind=events&format=parquet").content
    )
    second = _parquet_table(
        client.get("/stats/dashboards/export?kind=events&format=parquet").content
    )
    for column in ("person_ref", "event_ref"):
        assert not set(first.column(column).to_pylist()) & set(second.column(column).to_pylist())
    # Within one extract a person keeps one reference: their registration and hearing.
    refs = first.column("person_ref").to_pylist()
    assert len(set(refs)) < len(refs)


def test_the_tables_export_holds_the_rounded_figures_of_the_page(
    analyst: User, installation: list[Case]
) -> None:
    response = signed_in(analyst).get("/stats/dashboards/export?kind=tables&format=csv")
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    header, *lines = text.splitlines()
    assert header.split(",") == exports.TABLE_COLUMNS
    assert lines
    for line in lines:
        display = line.rsplit(",", 1)[1]
        assert display == "<5" or int(display) % 5 == 0
    parquet = _parquet_table(
        signed_in(analyst).get("/stats/dashboards/export?kind=tables&format=parquet").content
    )
    assert parquet.num_rows == len(lines)


def test_unknown_export_kinds_are_404(analyst: User) -> None:
    client = signed_in(analyst)
    assert client.get("/stats/dashboards/export?kind=people&format=csv").status_code == 404
    assert client.get("/stats/dashboards/export?kind=events&format=xlsx").status_code == 404


def test_the_api_gives_the_parquet_extract_and_names_a_bad_field(
    analyst: User, installation: list[Case]
) -> None:
    from mppdesk.accounts.services import create_api_token
    from mppdesk.api.tests.helpers import ApiClient, assert_error

    _token, secret = create_api_token(actor=None, user=analyst, name="research")
    api = ApiClient(secret)
    response = api.get("/api/v1/stats/research-export", {"kind": "events", "format": "parquet"})
    assert response.status_code == 200
    assert _parquet_table(response.content).column_names == exports.EVENT_COLUMNS
    assert_error(
        api.get("/api/v1/stats/research-export", {"from_week": "2026-W99"}), 422, "from_week"
    )
    assert_error(api.get("/api/v1/stats/research-export", {"format": "xlsx"}), 422, "format")
    assert AuditEntry.objects.filter(action="export", object_id="events.parquet").count() == 1


def test_the_command_writes_a_parquet_file(
    analyst: User, installation: list[Case], tmp_path: Any
) -> None:
    from click.testing import CliRunner

    from mppdesk.stats.commands import stats_command

    target = tmp_path / "extract.parquet"
    result = CliRunner().invoke(
        stats_command,
        ["export", "--format", "parquet", "--kind", "events", "--user", analyst.username,
         "-o", str(target)],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert _parquet_table(target.read_bytes()).num_rows > 0
    bad = CliRunner().invoke(stats_command, ["export", "--from", "2026-W77", "-o", str(target)])
    assert bad.exit_code != 0
    assert "from_week" in bad.output
    assert AuditEntry.objects.filter(action="export", object_id="events.parquet").count() == 1


def _figures(shown: list[dashboards.Shown]) -> dict[tuple[str, str, int], int]:
    return {
        (s.table.name, row.key, i): cell.value
        for s in shown
        for row in [*s.table.rows, *([s.table.total] if s.table.total else [])]
        for i, cell in enumerate(row.cells)
    }


def test_differences_across_port_and_week_filters_reveal_no_small_count(
    program_analyst: User, installation: list[Case]
) -> None:
    """Every view is the sum of the rounded base cells it covers: all ports = the sum of
    each port, a period = the sum of its parts. So any difference of two views is a sum
    of rounded base cells — a multiple of 5 — never a true count below the base (3 missed
    hearings, 2 continued, 1 without an outcome here)."""
    scope = dashboards.scope_for(program_analyst)
    hearing_week = dashboards.Week.of(Hearing.objects.first().scheduled_at.date())  # type: ignore[union-attr]
    split = str(hearing_week)
    after = str(hearing_week.next())
    everything = _figures(dashboards.panels(scope, dashboards.Filters()))
    by_port = [
        _figures(dashboards.panels(scope, dashboards.clean_filters(port=code)))
        for code in Port.objects.values_list("code", flat=True)
    ]
    no_port = {
        k: v - sum(view.get(k, 0) for view in by_port) for k, v in everything.items()
    }  # records without a port (people without a household)
    until = _figures(dashboards.panels(scope, dashboards.clean_filters(to_week=split)))
    since = _figures(dashboards.panels(scope, dashboards.clean_filters(from_week=after)))
    for key, value in everything.items():
        table, row, _column = key
        assert value % 5 == 0
        assert no_port[key] % 5 == 0 and no_port[key] >= 0
        if table in ("enrolment", "hearings", "reach", "in_absentia", "transfers"):
            # Week tables: a week's row is in exactly one of the two periods.
            assert value == until.get(key, 0) + since.get(key, 0) or row == "total"
    for table in ("hearings",):
        (base,) = dashboards.base_tables(scope, dashboards.Filters(), [table])
        true = base.totals()[split]
        assert true[2] == 3 and true[3] == 2 and true[4] == 1  # missed, continued, pending
        shown = {k: v for k, v in everything.items() if k[0] == table and k[1] == split}
        for views in (until, everything):
            for key in shown:
                assert views.get(key, 0) % 5 == 0


def test_panels_are_cached_per_scope_filters_and_language(
    analyst: User, installation: list[Case]
) -> None:
    from django.utils import translation

    scope = dashboards.scope_for(analyst)
    first = dashboards.panels(scope, dashboards.Filters())
    Hearing.objects.update(outcome=Outcome.APPEARED)
    again = dashboards.panels(scope, dashboards.Filters())
    fresh = dashboards.panels(scope, dashboards.Filters(), cached=False)
    assert _figures(again) == _figures(first)
    assert _figures(fresh) != _figures(first)
    with translation.override("es"):
        spanish = dashboards.panels(scope, dashboards.Filters())
    assert spanish[0].table.title == "Personas inscritas por semana"
