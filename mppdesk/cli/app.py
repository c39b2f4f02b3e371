"""The top-level ``mppdesk`` group, its own commands and the mounting of the apps'.

``mppdesk run`` is what ``make run`` calls: it prepares ``./var`` (database, static
files, demo data) and supervises a gunicorn web server and a background worker until
Ctrl-C. The other commands here are the pieces a coordinator or an operator scripts:
``serve``, ``worker``, ``demo`` and ``import people``. Every other command lives next
to its domain, in ``<app>/commands.py``, and is mounted by ``mount_app_commands``.

Django is set up lazily, only by commands that need it, so ``--help`` is instant and
the module can be imported by tests in which pytest-django already set Django up.
Writes go through the services like everywhere else; their field errors are printed
as ``field: message`` with exit status 2, never as a traceback.
"""

from __future__ import annotations

import importlib
import json
import os
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

import click

import mppdesk
from mppdesk.accounts.commands import get_org, get_user
from mppdesk.core.cli_support import UserError, progress_bar, setup_django
from mppdesk.core.errors import FieldErrors
from mppdesk.ops import supervisor as supervisors
from mppdesk.ops.supervisor import Supervisor

if TYPE_CHECKING:
    from mppdesk.people.demo import DemoLogin

#: The database went away (refused, closed, timed out, full): one line, no traceback.
DATABASE_ERROR_EXIT = 3
#: The modules of an app that hold its commands; each defines ``register_commands(group)``.
COMMAND_MODULES = ("commands", "hook_commands")


def _release_connections() -> None:
    """Close database connections before handing over to child processes.

    A connection inside an atomic block (a test's transaction, or a caller's) is left
    alone: closing it would break the caller, and children never inherit its state.
    """
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if not conn.in_atomic_block:
            conn.close()


def _as_user_error(exc: BaseException) -> UserError | None:
    """Translate the exceptions that mean "bad input" into a ``UserError``."""
    if isinstance(exc, FieldErrors):
        lines = [
            f"{name}: {message}" for name, messages in exc.errors.items() for message in messages
        ]
        return UserError(str(exc), lines)
    demo = sys.modules.get("mppdesk.people.demo")
    if demo is not None and isinstance(exc, demo.DemoError):
        return UserError(str(exc))
    from django.core.exceptions import ImproperlyConfigured

    if isinstance(exc, ImproperlyConfigured):
        return UserError(f"configuration: {exc}")
    return None


class DatabaseUnavailable(click.ClickException):
    """The database failed under a command: exit status 3, one line on stderr."""

    exit_code = DATABASE_ERROR_EXIT

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def _database_where() -> str:
    """Engine and place of the database, without user or password."""
    try:
        from django.conf import settings

        db = settings.DATABASES["default"]
    except Exception:  # noqa: BLE001 - settings themselves may be what failed
        return "the database"
    if "sqlite" in str(db.get("ENGINE", "")):
        return f"SQLite {db.get('NAME')}"
    host = db.get("HOST") or "localhost"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"PostgreSQL {host}{port}/{db.get('NAME')}"


def _database_reason(exc: BaseException) -> str:
    """A short cause in fixed words: database messages can quote the values a query was
    handling (personal data), so none of their text is shown."""
    text = " ".join(str(e).lower() for e in (exc, exc.__cause__) if e is not None)
    for needle, reason in (
        ("full", "the disk is full"),
        ("no space", "the disk is full"),
        ("too large", "the disk is full"),
        ("refused", "connection refused"),
        ("timeout", "timed out"),
        ("timed out", "timed out"),
        ("terminat", "the server shut the connection down"),
        ("closed", "the connection was closed"),
        ("shutting down", "the server is shutting down"),
        ("starting up", "the server is starting up"),
        ("recovery", "the server is in recovery"),
        ("locked", "the database is locked"),
        ("unable to open", "cannot open the file"),
        ("disk i/o", "disk input/output error"),
        ("readonly", "the database is read-only"),
        ("read-only", "the database is read-only"),
        ("does not exist", "the database does not exist"),
        ("authentication", "authentication failed"),
    ):
        if needle in text:
            return reason
    return type(exc).__name__


def _as_database_error(exc: BaseException) -> DatabaseUnavailable | None:
    db_utils = sys.modules.get("django.db.utils")
    if db_utils is None or not isinstance(exc, db_utils.OperationalError | db_utils.InterfaceError):
        return None
    return DatabaseUnavailable(
        f"database failure ({_database_reason(exc)}) at {_database_where()}; the "
        "transaction in progress was rolled back. Run the command again once the "
        "database is back."
    )


class MppdeskGroup(click.Group):
    """The top-level group: turns service validation errors into clean exits (2) and a
    lost database into one line (3)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            database_error = _as_database_error(exc)
            if database_error is not None:
                raise database_error from None
            user_error = _as_user_error(exc)
            if user_error is None:
                raise
            raise user_error from exc


#: Threads per web worker under ``run --production``. A self-service answer is padded to a
#: fixed time (250 ms) and holds its thread meanwhile: the text line at 100 messages/s
#: keeps about 25 threads waiting. 2 workers x 8 threads answered the text line alone at
#: 56 messages/s of 100 offered (p99 3.8 s, and growing: Twilio does not wait for an
#: answer before sending the next), 2 x 16 at 90/s (p99 0.96 s) (docs/benchmarks.md).
PRODUCTION_THREADS = 16

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(cls=MppdeskGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(package_name="mppdesk", prog_name="mppdesk")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """MPP Desk: case and operations system for the Migrant Protection Protocols.

    Start everything on this machine with `mppdesk run` (what `make run` does).
    """
    from mppdesk.core import context

    # Audit entries written by any command say they came from the command line.
    token = context.bind(context.RequestContext(channel="cli"))
    ctx.call_on_close(lambda: context.reset(token))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="mppdesk")


# Helpers ---------------------------------------------------------------------------


def print_logins(logins: Sequence[DemoLogin]) -> None:
    from mppdesk.accounts.models import Organization

    names = dict(Organization.objects.values_list("slug", "name"))
    rows = [("username", "password", "role", "organization")]
    rows += [
        (
            lg.username,
            lg.password,
            lg.role + (" (+ /admin)" if lg.is_superuser else ""),
            names.get(lg.organization, lg.organization),
        )
        for lg in logins
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for index, row in enumerate(rows):
        click.echo(
            "  "
            + "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
        if index == 0:
            click.echo("  " + "  ".join("-" * width for width in widths))


# run / serve / worker ----------------------------------------------------------------


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise UserError(
                f"port: cannot listen on {host}:{port} ({exc.strerror}); "
                "choose another with --port."
            ) from exc


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Web worker processes.",
)
@click.option(
    "--threads",
    default=None,
    type=click.IntRange(1, 64),
    help="Threads per web worker (default: 16 with --production, else 1). Requests that wait "
    "(the self-service answers padded to a fixed time, the database) then hold a thread, "
    "not a whole worker.",
)
@click.option("--no-worker", is_flag=True, help="Do not start the background task worker.")
@click.option("--no-demo", is_flag=True, help="Do not load the demo data.")
@click.option(
    "--production",
    is_flag=True,
    help="The production layout (docs/deploy.md): PostgreSQL, keys from the environment, "
    "every process restarted on its own.",
)
@click.option(
    "--task-workers",
    default=1,
    show_default=True,
    type=click.IntRange(0, 64),
    help="With --production: background task workers.",
)
@click.option(
    "--dispatchers",
    default=1,
    show_default=True,
    type=click.IntRange(0, 64),
    help="With --production: outbox dispatchers.",
)
def run(
    host: str,
    port: int,
    workers: int,
    threads: int | None,
    no_worker: bool,
    no_demo: bool,
    production: bool,
    task_workers: int,
    dispatchers: int,
) -> None:
    """Prepare ./var and run the web server and a worker until Ctrl-C.

    Creates ./var with a SQLite database (unless DATABASE_URL says otherwise), migrates,
    collects static files, loads the demo data once, prints the demo logins and then
    supervises gunicorn and the background worker. Ctrl-C stops both.

    With --production: refuses SQLite, a missing SECRET_KEY, MPPDESK_FIELD_KEYS or
    MPPDESK_INDEX_KEY and an empty ALLOWED_HOSTS; migrates; then supervises gunicorn
    (--workers), --task-workers task workers, --dispatchers dispatchers and one periodic
    runner, restarting each child that exits (with backoff) until SIGTERM.
    """
    if production:
        from mppdesk.ops.production import refusal_line, refusals

        problems = refusals()
        if problems:
            raise UserError(refusal_line(problems), [refusal_line(problems)])
        os.environ["MPPDESK_MODE"] = "production"
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from mppdesk.people import demo

    var_dir = Path(settings.VAR_DIR)
    var_dir.mkdir(parents=True, exist_ok=True)
    _check_port_free(host, port)
    click.echo(f"Data directory: {var_dir}")
    click.echo("Migrating the database...")
    call_command("migrate", interactive=False, verbosity=0)
    click.echo("Collecting static files...")
    call_command("collectstatic", interactive=False, verbosity=0)
    logins: Sequence[DemoLogin] = ()
    if no_demo or production:
        pass
    elif settings.PRODUCTION:
        click.echo("Production mode: no demo data.")
    else:
        if demo.is_demo_loaded():
            click.echo("Demo data already loaded.")
            result = demo.load_demo()
        else:
            click.echo("Loading demo data (once)...")
            with progress_bar("people", desc="demo") as progress:
                result = demo.load_demo(progress=progress, detained=demo.DEFAULT_DETAINED)
            click.echo(
                f"Loaded {result.people} people in {result.households} households "
                f"in {result.seconds:.1f} s."
            )
        logins = result.logins
    _release_connections()  # the children open their own connections

    url_host = f"[{host}]" if ":" in host else host
    click.echo("")
    click.echo(
        f"MPP Desk is starting at http://{url_host}:{port}/  (health: /healthz, ready: /readyz)"
    )
    if logins:
        click.echo("Demo logins:")
        print_logins(logins)
    click.echo("Press Ctrl-C to stop.")
    click.echo("")

    env = dict(os.environ)
    env["MPPDESK_VAR_DIR"] = str(var_dir)
    env.setdefault("DJANGO_SETTINGS_MODULE", "mppdesk.settings")
    me = [sys.executable, "-m", "mppdesk"]
    commands: list[tuple[str, list[str]]] = [
        (
            "web",
            [
                *me, "serve", "--bind", f"{url_host}:{port}", "--workers", str(workers),
                "--threads", str(threads or (PRODUCTION_THREADS if production else 1)),
            ],
        ),
    ]  # fmt: skip
    if not no_worker:
        commands.append(("worker", [*me, "worker"]))
        commands.append(("dispatch", [*me, "dispatch"]))
    if production:
        sys.exit(_run_production(env, me, commands[0], task_workers, dispatchers, var_dir))
    code = Supervisor(commands, env=env).run()
    sys.exit(code)


def _run_production(
    env: dict[str, str],
    me: list[str],
    web: tuple[str, list[str]],
    task_workers: int,
    dispatchers: int,
    var_dir: Path,
) -> int:
    """Supervise the production layout; the request metrics of the gunicorn workers are
    shared through a fresh prometheus-client multiprocess directory."""
    import shutil

    metrics_dir = var_dir / "prometheus"
    shutil.rmtree(metrics_dir, ignore_errors=True)
    metrics_dir.mkdir(mode=0o700, parents=True)
    env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    env["MPPDESK_MODE"] = "production"
    commands = [web]
    commands += [(f"worker-{n}", [*me, "worker"]) for n in range(1, task_workers + 1)]
    commands += [(f"dispatch-{n}", [*me, "dispatch"]) for n in range(1, dispatchers + 1)]
    commands.append(("periodic", [*me, "periodic"]))
    click.echo(
        "Production layout: "
        + ", ".join(name for name, _argv in commands)
        + ". SIGTERM stops them all."
    )
    return supervisors.RestartingSupervisor(commands, env=env, echo=_supervisor_echo()).run()


def _supervisor_echo() -> Callable[[str], None]:
    """The supervisor's own lines (a child exited, restarting...) in the log's format."""
    import logging

    from django.conf import settings

    if settings.LOG_FORMAT != "json":
        return lambda message: click.echo(message, err=True)
    log = logging.getLogger("mppdesk.supervisor")

    def echo(message: str) -> None:
        trouble = "exited" in message or "did not stop" in message
        log.log(logging.WARNING if trouble else logging.INFO, message)

    return echo


@cli.command(short_help="Run the web server (gunicorn).")
@click.option(
    "--bind",
    "-b",
    "bind",
    default="127.0.0.1:8000",
    show_default=True,
    help="HOST:PORT to listen on.",
)
@click.option(
    "--workers",
    "-w",
    default=2,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Worker processes.",
)
@click.option(
    "--threads",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per worker (more than 1: gunicorn's gthread workers).",
)
@click.option(
    "--timeout",
    default=30,
    show_default=True,
    type=click.IntRange(1, 3600),
    help="Request timeout (s).",
)
def serve(bind: str, workers: int, threads: int, timeout: int) -> None:
    """Run the web application with gunicorn (production-grade WSGI server).

    Logs each request to stdout. SIGTERM stops gracefully; put a TLS proxy in front
    in production and set MPPDESK_MODE=production.
    """
    setup_django()  # fail early, in the master, on a bad configuration
    from gunicorn.app.base import BaseApplication

    _release_connections()

    class _App(BaseApplication):
        def __init__(self, options: dict[str, Any]) -> None:
            self.options = options
            super().__init__()

        def load_config(self) -> None:
            for key, value in self.options.items():
                self.cfg.set(key, value)

        def load(self) -> Any:
            from mppdesk.wsgi import application

            return application

    from django.conf import settings

    logging_options: dict[str, Any] = {"accesslog": "-", "errorlog": "-"}
    if settings.LOG_FORMAT == "json":
        # No access log: it prints paths (with ids) and query strings; the application
        # logs one line per request instead (mppdesk.ops.middleware). gunicorn's own
        # messages go out as JSON like the rest.
        logging_options = {"accesslog": None, "logconfig_dict": _gunicorn_json_logging()}
    _App(
        {
            "bind": [bind],
            "workers": workers,
            # More than one thread makes gunicorn use its gthread worker: a request that
            # waits (a padded self-service answer, the database) holds a thread, not the
            # process, so the text line is not capped at workers / 0.25 s per second.
            "threads": threads,
            "timeout": timeout,
            "graceful_timeout": 10,
            # Keep idle connections longer than a client (or the proxy's upstream pool)
            # waits between requests: with gunicorn's 2 s default, a request sent on a
            # connection the server was closing at that moment was lost ("remote end
            # closed connection": every failure of the 200-user load run).
            "keepalive": KEEPALIVE_SECONDS,
            **logging_options,
            "proc_name": "mppdesk-web",
            # gunicorn's runtime control socket lives in $HOME and is shared by every
            # instance on the machine; nothing here uses it.
            "control_socket_disable": True,
        }
    ).run()


#: Above nginx's default upstream idle (60 s): the proxy closes first, never the server.
KEEPALIVE_SECONDS = 75


def _gunicorn_json_logging() -> dict[str, Any]:
    """gunicorn's logging in JSON. gunicorn applies it in the master after Django's
    LOGGING, and the workers inherit it: the root logger keeps Django's level and the
    redacting filter."""
    from django.conf import settings

    handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "filters": ["redact"],
        "stream": "ext://sys.stderr",
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"redact": {"()": "mppdesk.lib.redact.RedactingFilter"}},
        "formatters": {"json": {"()": "mppdesk.ops.jsonlog.JsonFormatter"}},
        "handlers": {"json": handler},
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["json"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
        "root": {"level": settings.LOG_LEVEL, "handlers": ["json"]},
    }


@cli.command(short_help="Run a background task worker.")
@click.option(
    "--queue",
    "queues",
    default="default",
    show_default=True,
    help="Queues to process, comma-separated; '*' for all.",
)
@click.option(
    "--interval",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds between polls when idle.",
)
@click.option("--batch", is_flag=True, help="Run the tasks that are waiting, then exit.")
@click.option("--max-tasks", type=click.IntRange(1), help="Exit after this many tasks.")
def worker(queues: str, interval: float, batch: bool, max_tasks: int | None) -> None:
    """Run a background task worker (the database queue of django-tasks-db).

    Several workers can run side by side: each claims a task with a row lock
    (SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL). SIGTERM or Ctrl-C lets the
    running task finish.
    """
    setup_django()
    from django.core.management import call_command

    from mppdesk.core import context

    context.bind(context.RequestContext(channel="worker"))
    options: dict[str, Any] = {
        "queue_name": queues,
        "interval": interval,
        "batch": batch,
        "reload": False,
    }
    if max_tasks is not None:
        options["max_tasks"] = max_tasks
    call_command("db_worker", **options)


# demo ------------------------------------------------------------------------------


@cli.command(short_help="Load synthetic demo data (once).")
@click.option(
    "--people",
    default=500,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="People to create.",
)
@click.option(
    "--households",
    default=200,
    show_default=True,
    type=click.IntRange(1, 50_000),
    help="Households.",
)
@click.option(
    "--seed",
    default=None,
    type=int,
    help="Random seed (default: a fixed one, so every demo is the same).",
)
@click.option(
    "--detained",
    default=60,
    show_default=True,
    type=click.IntRange(0, 50_000),
    help="People more, waiting in detention for the coordinator to screen and transfer.",
)
@click.option(
    "--reset",
    is_flag=True,
    help="Delete the demo organizations and their data first (local mode only).",
)
def demo(people: int, households: int, detained: int, seed: int | None, reset: bool) -> None:
    """Load synthetic demo data once (four organizations, people, households, cases).

    Migrates the database first. Running it again does nothing unless --reset is
    given. Prints the demo logins. Refused in production mode.
    """
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from mppdesk.people import demo as demo_data

    if settings.PRODUCTION:
        raise demo_data.DemoError(
            "Demo data is for local mode only (MPPDESK_MODE=production is set)."
        )
    call_command("migrate", interactive=False, verbosity=0)  # the demo needs the tables and places
    if reset:
        demo_data.reset_demo()
        click.echo("Removed the demo data.")
    if demo_data.is_demo_loaded():
        result = demo_data.load_demo()
        click.echo(
            f"Demo data is already loaded ({result.people} people, {result.households} households, "
            f"{result.cases} cases); nothing to do. Use --reset to start over."
        )
    else:
        with progress_bar("people", desc="demo") as progress:
            result = demo_data.load_demo(
                people=people,
                households=households,
                seed=demo_data.DEFAULT_SEED if seed is None else seed,
                progress=progress,
                detained=detained,
            )
        click.echo(
            f"Loaded {result.people} people in {result.households} households "
            f"with {result.cases} cases in {result.seconds:.1f} s."
        )
    click.echo("Demo logins:")
    print_logins(result.logins)


# import ----------------------------------------------------------------------------


@cli.group("import")
def import_group() -> None:
    """Bulk-import records from CSV or XLSX files, with a per-row report."""


def _print_import_report(report: Any) -> None:
    prefixes = {"error": "", "duplicate": "possible duplicate: ", "warning": "warning: "}
    problems = (
        [("error", e) for e in report.errors]
        + [("duplicate", d) for d in report.duplicates]
        + [("warning", w) for w in getattr(report, "warnings", [])]
    )
    problems.sort(key=lambda item: (item[1].row, list(prefixes).index(item[0])))
    if problems:
        rows = [("row", "column", "problem")]
        # Row 0 is the file as a whole (a missing column, an unreadable file).
        rows += [
            (str(p.row) if p.row else "file", p.column or "-", prefixes[kind] + p.message)
            for kind, p in problems
        ]
        widths = [max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)]
        for index, (row, column, message) in enumerate(rows):
            click.echo(f"  {row.rjust(widths[0])}  {column.ljust(widths[1])}  {message}")
            if index == 0:
                click.echo(f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * 7}")
        click.echo("")
    error_rows = len({e.row for e in report.errors})
    duplicate_rows = len({d.row for d in report.duplicates})
    click.echo(
        f"{report.total_rows} rows read: {report.valid_rows} valid, {error_rows} with errors, "
        f"{duplicate_rows} possible duplicates."
    )
    if report.written:
        click.echo(
            f"Created {report.created_people} people, {report.created_households} households "
            f"and {report.created_cases} cases."
        )
    elif report.dry_run:
        click.echo("Dry run: nothing was written.")
    else:
        click.echo("Nothing was written: fix the rows above and import again, or use --partial.")


@import_group.command("people")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path))
@click.option("--org", "org_slug", help="Short name of the organization that will own the records.")
@click.option(
    "--user", "username", help="The staff member doing the import (recorded in the audit log)."
)
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
@click.option(
    "--partial", is_flag=True, help="Write the valid rows even when other rows have errors."
)
@click.option(
    "--date-order",
    type=click.Choice(["DMY", "MDY"], case_sensitive=False),
    help="How to read ambiguous dates like 03/04/1990 (default: guess from the file).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def import_people_command(
    file: Path,
    org_slug: str | None,
    username: str | None,
    dry_run: bool,
    partial: bool,
    date_order: str | None,
    as_json: bool,
) -> None:
    """Import people, households and cases from a CSV or XLSX FILE.

    All or nothing by default: if any row has an error, nothing is written. Exit
    status 1 when some rows have errors or possible duplicates, 2 for bad options.
    """
    setup_django()
    try:
        from mppdesk.people.importer import ImportNotAllowed, check_import_allowed, import_people
    except ModuleNotFoundError as exc:
        if exc.name != "mppdesk.people.importer":
            raise
        raise click.ClickException("this installation has no people importer") from exc

    actor = get_user(username) if username else None
    if org_slug:
        organization = get_org(org_slug)
        if actor is not None and not actor.memberships.filter(organization=organization).exists():
            raise UserError(
                "user is not a member of that organization",
                [f"user: {username!r} is not a member of {org_slug!r}."],
            )
    elif actor is not None and actor.memberships.count() == 1:
        organization = actor.memberships.select_related("organization").get().organization
    else:
        raise UserError("org: required", ["org: give the organization's short name with --org."])
    if actor is not None:
        try:
            check_import_allowed(actor, organization)
        except ImportNotAllowed as exc:
            raise UserError(
                "user may not import",
                [f"user: the role {exc.role!r} of {username!r} does not allow importing people."],
            ) from exc

    order: Literal["DMY", "MDY"] | None = None
    if date_order:
        order = "MDY" if date_order.upper() == "MDY" else "DMY"
    with progress_bar("rows", desc="import") as progress, file.open("rb") as handle:
        report = import_people(
            handle,
            filename=file.name,
            actor=actor,
            organization=organization,
            dry_run=dry_run,
            all_or_nothing=not partial,
            date_order=order,
            progress=progress,
        )
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        _print_import_report(report)
    if report.errors or report.duplicates:
        sys.exit(1)


def mount_app_commands(group: click.Group) -> None:
    """Mount the commands every app declares next to its domain code.

    Each ``mppdesk/<app>/commands.py`` (and ``hook_commands.py``) defines
    ``register_commands(group)``, which adds its commands to ``group``; a new app's
    commands appear without an edit here, and no app imports the command line. The
    modules are found by their files, without setting Django up: ``--help`` stays
    instant, and ``run --production`` chooses the mode before the settings are read.
    """
    root = Path(mppdesk.__file__).parent
    for package in sorted(path.name for path in root.iterdir() if path.is_dir()):
        if package == "cli":
            continue
        for leaf in COMMAND_MODULES:
            if (root / package / f"{leaf}.py").is_file():
                module = importlib.import_module(f"mppdesk.{package}.{leaf}")
                module.register_commands(group)


mount_app_commands(cli)
