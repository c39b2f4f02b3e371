"""``mppdesk stats``: the de-identified figures of ``/stats/`` on the command line.

With ``--user`` the figures are those that user sees (``stats.read`` checked, scope as on
the web page); without it, those of the whole program, as for the other operator
commands (whoever runs them holds the database already). The figures are rounded as on
the page (docs/statistics.md): the same numbers, and ``"<5"`` where one rounds to 0.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import click

from mppdesk.accounts.commands import get_user
from mppdesk.core.cli_support import UserError, setup_django

if TYPE_CHECKING:
    from mppdesk.stats.queries import Filters, Row, Table


@click.group("stats", invoke_without_command=True)
@click.pass_context
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text tables.")
@click.option("--user", "username", default=None, help="Show what this user may see.")
@click.option("--organization", default=None, help="Short name of one organization.")
@click.option("--port", default=None, help="Port of entry code.")
@click.option("--from", "from_month", default=None, metavar="YYYY-MM", help="First month.")
@click.option("--to", "to_month", default=None, metavar="YYYY-MM", help="Last month.")
@click.option("--table", "table_names", multiple=True, help="Only this table (repeatable).")
def stats_command(
    ctx: click.Context,
    as_json: bool,
    username: str | None,
    organization: str | None,
    port: str | None,
    from_month: str | None,
    to_month: str | None,
    table_names: tuple[str, ...],
) -> None:
    """De-identified aggregate figures, rounded to multiples of 5 ("<5" when 0).

    ``mppdesk stats export`` writes the research exports of the dashboards."""
    if ctx.invoked_subcommand is not None:
        return
    setup_django()
    from django.http import Http404

    from mppdesk.core import context
    from mppdesk.core.errors import FieldErrors
    from mppdesk.stats import queries, services

    unknown = [n for n in table_names if n not in queries.TABLE_NAMES]
    if unknown:
        raise UserError(
            "table: unknown", [f"table: choose among {', '.join(queries.TABLE_NAMES)}."]
        )
    token = context.bind(context.RequestContext(channel="cli"))
    try:
        actor = get_user(username) if username else None
        try:
            scope = queries.scope_for(actor) if actor is not None else queries.Scope(None)
        except Http404 as exc:
            raise UserError(
                "user: no stats.read", [f"user: {username!r} may not see statistics."]
            ) from exc
        try:
            filters = queries.clean_filters(
                scope,
                organization=organization,
                port=port,
                from_month=from_month,
                to_month=to_month,
            )
        except FieldErrors as exc:
            raise UserError(
                "invalid filters", [f"{f}: {m}" for f, ms in exc.errors.items() for m in ms]
            ) from exc
        tables = queries.tables(scope, filters, list(table_names) or None)
        services.record_stats_view(actor=actor, filters=filters, tables=[t.name for t in tables])
    finally:
        context.reset(token)
    if as_json:
        click.echo(json.dumps(_as_dict(filters, tables), ensure_ascii=False, indent=2))
        return
    for table in tables:
        click.echo(_as_text(table))


def _row_dict(row: Row) -> dict[str, object]:
    return {"key": row.key, "label": row.label, "values": row.displays}


def _as_dict(filters: Filters, tables: list[Table]) -> dict[str, object]:
    return {
        "filters": filters.as_dict(),
        "tables": [
            {
                "name": table.name,
                "title": table.title,
                "columns": [c.key for c in table.columns],
                "rows": [_row_dict(r) for r in table.rows],
                "total": _row_dict(table.total) if table.total else None,
            }
            for table in tables
        ],
    }


def _as_text(table: Table) -> str:
    header = ["", *(c.label for c in table.columns)]
    lines = [[r.label, *r.displays] for r in table.rows]
    if table.total:
        lines.append([table.total.label, *table.total.displays])
    widths = [max(len(x[i]) for x in [header, *lines]) for i in range(len(header))]

    def fmt(cells: list[str]) -> str:
        first = cells[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    body = [fmt(line) for line in lines] or ["(nothing to count)"]
    return "\n".join([table.title, "=" * len(table.title), fmt(header), *body, ""])


@stats_command.command("export")
@click.option(
    "--kind", type=click.Choice(["tables", "events"]), default="tables", show_default=True,
    help="The rounded dashboard tables, or the de-identified event extract.",
)  # fmt: skip
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "parquet"]), default="csv", show_default=True
)
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False), help="File.")
@click.option("--user", "username", default=None, help="Export what this user may see.")
@click.option("--port", default=None, help="Port of entry code.")
@click.option("--from", "from_week", default=None, metavar="YYYY-Www", help="First week.")
@click.option("--to", "to_week", default=None, metavar="YYYY-Www", help="Last week.")
def export_command(
    kind: str,
    fmt: str,
    output: str,
    username: str | None,
    port: str | None,
    from_week: str | None,
    to_week: str | None,
) -> None:
    """Research export (docs/statistics.md, data dictionary): CSV or Parquet, audited."""
    setup_django()
    from django.http import Http404

    from mppdesk.core import context
    from mppdesk.core.errors import FieldErrors
    from mppdesk.stats import dashboards, queries, services

    token = context.bind(context.RequestContext(channel="cli"))
    try:
        actor = get_user(username) if username else None
        try:
            scope = dashboards.scope_for(actor) if actor is not None else queries.Scope(None)
        except Http404 as exc:
            raise UserError(
                "user: no stats.research",
                [f"user: {username!r} may not download research exports."],
            ) from exc
        try:
            filters = dashboards.clean_filters(port=port, from_week=from_week, to_week=to_week)
        except FieldErrors as exc:
            raise UserError(
                "invalid filters", [f"{f}: {m}" for f, ms in exc.errors.items() for m in ms]
            ) from exc
        result = services.research_export(
            actor=actor, scope=scope, filters=filters, kind=kind, fmt=fmt
        )
        content = result.content()
    finally:
        context.reset(token)
    with open(output, "wb") as out:
        out.write(content)
    click.echo(f"{len(result.rows)} rows written to {output} ({result.format}).")


def register_commands(group: click.Group) -> None:
    """Mount ``stats`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(stats_command)
