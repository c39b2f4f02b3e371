"""The ``mppdesk`` command line, run in-process with click's CliRunner."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import types
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.utils import translation

from mppdesk.accounts.models import ApiToken, Organization, User
from mppdesk.accounts.services import authenticate_token
from mppdesk.cli import app as cli_app
from mppdesk.cli import cli
from mppdesk.core import cli_support
from mppdesk.ops.supervisor import Supervisor
from mppdesk.people.models import Household, Person
from mppdesk.testing.processes import ready_child, signal_when, wait_until

PASSWORD = "a long enough passphrase 42"


LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture(autouse=True)
def _english_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """The commands follow the terminal's locale; these tests expect an English one."""
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def org(db) -> Organization:
    result = CliRunner().invoke(
        cli,
        ["org", "create", "Asistencia Legal Frontera", "--kind", "legal_services", "--slug", "alf"],
    )
    assert result.exit_code == 0, result.output
    return Organization.objects.get(slug="alf")


def _create_user(runner: CliRunner, username: str = "lucia", *args: str) -> object:
    return runner.invoke(
        cli,
        [
            "user",
            "create",
            username,
            "--org",
            "alf",
            "--role",
            "caseworker",
            "--password-stdin",
            *args,
        ],
        input=PASSWORD + "\n",
    )


# --help -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["run"],
        ["serve"],
        ["worker"],
        ["demo"],
        ["import"],
        ["import", "people"],
        ["org"],
        ["org", "create"],
        ["user"],
        ["user", "create"],
        ["token"],
        ["token", "create"],
        ["token", "revoke"],
    ],
)
def test_every_command_has_help(runner, command):
    result = runner.invoke(cli, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_python_dash_m_mppdesk_shows_the_commands():
    result = subprocess.run(
        [sys.executable, "-m", "mppdesk", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    for name in ("run", "serve", "worker", "demo", "import", "org", "user", "token"):
        assert f"  {name}" in result.stdout


def test_setup_django_is_a_no_op_when_already_set_up():
    cli_support.setup_django()
    cli_support.setup_django()


@pytest.mark.parametrize(
    ("environ", "language"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "es_MX.UTF-8"}, "es"),
        ({"LANG": "es"}, "es"),
        ({"LANGUAGE": "es_MX:en", "LANG": "en_US.UTF-8"}, "es"),
        ({"LC_ALL": "en_US.UTF-8", "LANG": "es_MX.UTF-8"}, "en"),
        ({"LC_MESSAGES": "es_ES.UTF-8", "LANG": "C"}, "es"),
        ({"LANGUAGE": "", "LANG": "es_MX.UTF-8"}, "es"),
        ({"LANG": "et_EE.UTF-8"}, "en"),
    ],
)
def test_cli_language_follows_the_locale_variables(environ, language):
    assert cli_support.cli_language(environ) == language


def test_setup_django_activates_the_terminal_language(monkeypatch):
    monkeypatch.setenv("LANG", "es_MX.UTF-8")
    cli_support.setup_django()
    assert translation.get_language() == "es"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    cli_support.setup_django()
    assert translation.get_language() == "en"


def test_field_errors_are_in_spanish_on_a_spanish_terminal(runner, org):
    result = runner.invoke(
        cli,
        ["org", "create", "Asistencia Legal Frontera", "--kind", "shelter"],
        env={"LANG": "es_MX.UTF-8"},
    )
    assert result.exit_code == 2
    assert "name: Ya existe una organización con este nombre." in result.output
    result = runner.invoke(cli, ["org", "create", "Algo", "--kind", "bakery"], env={"LANG": "es"})
    assert result.output.startswith("kind: Elija una de estas opciones: coordinator,")


# org / user / token -----------------------------------------------------------------


def test_org_create(org):
    assert org.name == "Asistencia Legal Frontera" and org.kind == "legal_services"


def test_org_create_twice_names_the_field_and_exits_2(runner, org):
    result = runner.invoke(cli, ["org", "create", "Asistencia Legal Frontera", "--kind", "shelter"])
    assert result.exit_code == 2
    assert "name: An organization with this name already exists." in result.output
    assert "Traceback" not in result.output


def test_org_create_with_unknown_kind_exits_2(runner, db):
    result = runner.invoke(cli, ["org", "create", "Algo", "--kind", "bakery"])
    assert result.exit_code == 2
    assert result.output.startswith("kind: Choose one of:")
    assert not Organization.objects.exists()


def test_user_create_reads_the_password_from_stdin(runner, org):
    result = _create_user(runner, "lucia", "--email", "lucia@example.org")
    assert result.exit_code == 0, result.output
    assert "Created user lucia (caseworker at alf)" in result.output
    user = User.objects.get(username="lucia")
    assert user.check_password(PASSWORD)
    assert user.email == "lucia@example.org"
    assert user.memberships.get().organization == org
    assert PASSWORD not in result.output


def test_user_create_with_a_weak_password_names_the_field(runner, org):
    result = runner.invoke(
        cli,
        ["user", "create", "lucia", "--org", "alf", "--role", "caseworker", "--password-stdin"],
        input="short\n",
    )
    assert result.exit_code == 2
    assert result.output.startswith("password: ")  # the validator message, in LANGUAGE_CODE
    assert not User.objects.filter(username="lucia").exists()


def test_user_create_without_a_terminal_needs_password_stdin(runner, org):
    result = runner.invoke(cli, ["user", "create", "lucia", "--org", "alf", "--role", "caseworker"])
    assert result.exit_code == 2
    assert "--password-stdin" in result.output


def test_user_create_in_an_unknown_org_exits_2(runner, db):
    result = runner.invoke(
        cli,
        ["user", "create", "lucia", "--org", "nope", "--role", "caseworker", "--password-stdin"],
        input=PASSWORD,
    )
    assert result.exit_code == 2
    assert "org: no organization 'nope'." in result.output


def test_user_create_with_a_bad_role_exits_2(runner, org):
    result = _create_user(runner, "lucia", "--role", "boss")
    assert result.exit_code == 2
    assert "role: Choose one of:" in result.output


def test_password_is_not_an_option(runner, org):
    result = runner.invoke(
        cli,
        ["user", "create", "lucia", "--org", "alf", "--role", "caseworker", "--password", PASSWORD],
    )
    assert result.exit_code == 2
    assert not User.objects.filter(username="lucia").exists()


def test_token_create_prints_the_secret_once_and_it_authenticates(runner, org):
    assert _create_user(runner).exit_code == 0
    result = runner.invoke(
        cli, ["token", "create", "--user", "lucia", "--name", "sync", "--days", "10"]
    )
    assert result.exit_code == 0, result.output
    secret = result.stdout.strip()
    assert secret.startswith(ApiToken.PREFIX)
    assert result.stdout.count(ApiToken.PREFIX) == 1  # only the secret on stdout
    token = authenticate_token(secret)
    assert token is not None and token.name == "sync" and token.organization == org
    assert 9 <= (token.expires_at - token.created_at).days <= 10
    assert f"mppdesk token revoke {token.key_prefix}" in result.stderr
    assert token.key_hash != secret


def test_token_revoke(runner, org):
    assert _create_user(runner).exit_code == 0
    secret = runner.invoke(cli, ["token", "create", "--user", "lucia"]).stdout.strip()
    prefix = ApiToken.objects.get().key_prefix
    result = runner.invoke(cli, ["token", "revoke", prefix])
    assert result.exit_code == 0, result.output
    assert "is now revoked" in result.output
    assert authenticate_token(secret) is None
    assert "was already revoked" in runner.invoke(cli, ["token", "revoke", prefix]).output


def test_token_for_unknown_user_or_prefix_exits_2(runner, db):
    assert runner.invoke(cli, ["token", "create", "--user", "ghost"]).exit_code == 2
    result = runner.invoke(cli, ["token", "revoke", "mppd_zzzzzz"])
    assert result.exit_code == 2 and "no token" in result.output


def test_commands_write_audit_entries_on_the_cli_channel(runner, org):
    from mppdesk.audit.models import AuditEntry

    assert set(AuditEntry.objects.values_list("channel", flat=True)) == {"cli"}


# demo -------------------------------------------------------------------------------


def test_demo_command_is_idempotent(runner, db):
    first = runner.invoke(
        cli, ["demo", "--people", "24", "--households", "10", "--detained", "0", "--seed", "5"]
    )
    assert first.exit_code == 0, first.output
    assert "Loaded 24 people in 10 households" in first.output
    assert "caseworker.legal" in first.output and "frontera-demo-2026" in first.output
    assert "monitor" in first.output and "Observatorio de la Frontera (demo)" in first.output
    counts = (Person.objects.count(), Household.objects.count(), Organization.objects.count())
    assert counts == (24, 10, 4)
    second = runner.invoke(cli, ["demo", "--people", "24", "--households", "10"])
    assert second.exit_code == 0, second.output
    assert "already loaded" in second.output
    assert (
        Person.objects.count(),
        Household.objects.count(),
        Organization.objects.count(),
    ) == counts


def test_demo_reset_is_refused_and_points_at_var(runner, db):
    assert (
        runner.invoke(
            cli, ["demo", "--people", "12", "--households", "5", "--detained", "0"]
        ).exit_code
        == 0
    )
    result = runner.invoke(
        cli, ["demo", "--people", "8", "--households", "4", "--detained", "0", "--reset"]
    )
    assert result.exit_code != 0
    assert "var/" in result.output and "Traceback" not in result.output
    assert Person.objects.count() == 12


def test_demo_with_impossible_sizes_exits_2(runner, db):
    result = runner.invoke(cli, ["demo", "--people", "3", "--households", "5"])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert not Organization.objects.exists()


def test_demo_refused_in_production_mode(runner, db, settings):
    settings.PRODUCTION = True
    result = runner.invoke(cli, ["demo", "--people", "3", "--households", "2"])
    assert result.exit_code == 2 and "local mode" in result.output


# import -----------------------------------------------------------------------------


@dataclass
class FakeRowError:
    row: int
    column: str
    message: str


@dataclass
class FakeReport:
    total_rows: int = 2
    valid_rows: int = 2
    errors: list[FakeRowError] = field(default_factory=list)
    duplicates: list[FakeRowError] = field(default_factory=list)
    created_people: int = 0
    created_households: int = 0
    created_cases: int = 0
    dry_run: bool = False
    written: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@pytest.fixture
def fake_importer(monkeypatch):
    """Stand-in for ``people.importer`` that records its call: tests the CLI side alone."""
    calls: list[dict[str, object]] = []
    reports: list[FakeReport] = []

    def import_people(source, **kwargs):
        calls.append({"content": source.read(), **kwargs})
        kwargs["progress"](1, 2)
        kwargs["progress"](2, 2)
        return reports.pop(0)

    from mppdesk.people import importer

    module = types.ModuleType("mppdesk.people.importer")
    module.import_people = import_people  # type: ignore[attr-defined]
    # The permission check is the real one (the CLI asks it before reading the file).
    module.ImportNotAllowed = importer.ImportNotAllowed  # type: ignore[attr-defined]
    module.check_import_allowed = importer.check_import_allowed  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "mppdesk.people.importer", module)
    return calls, reports


def test_import_passes_the_options_to_the_importer(runner, org, fake_importer, tmp_path):
    calls, reports = fake_importer
    assert _create_user(runner).exit_code == 0
    reports.append(
        FakeReport(created_people=2, created_households=1, created_cases=1, written=True)
    )
    path = tmp_path / "roster.csv"
    path.write_bytes(b"given_names,family_names\nAna,Lopez\n")
    result = runner.invoke(
        cli, ["import", "people", str(path), "--user", "lucia", "--date-order", "dmy"]
    )
    assert result.exit_code == 0, result.output
    call = calls[0]
    assert call["content"] == path.read_bytes() and call["filename"] == "roster.csv"
    assert call["organization"] == org and call["actor"].username == "lucia"
    assert (
        call["all_or_nothing"] is True and call["dry_run"] is False and call["date_order"] == "DMY"
    )
    assert "Created 2 people, 1 households and 1 cases." in result.output


def test_import_reports_rows_with_errors_and_exits_1(runner, org, fake_importer, tmp_path):
    _, reports = fake_importer
    reports.append(
        FakeReport(
            valid_rows=0,
            errors=[FakeRowError(3, "birth_date", "Date of birth is in the future.")],
            duplicates=[FakeRowError(2, "given_names", "matches a person already registered")],
            dry_run=True,
        )
    )
    path = tmp_path / "roster.csv"
    path.write_text("x\n", encoding="utf-8")
    result = runner.invoke(cli, ["import", "people", str(path), "--org", "alf", "--dry-run"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any("3  birth_date   Date of birth is in the future." in line for line in lines)
    assert any("possible duplicate: matches a person" in line for line in lines)
    assert "1 with errors, 1 possible duplicates" in result.output
    assert "Dry run: nothing was written." in result.output


def test_import_json_report(runner, org, fake_importer, tmp_path):
    import json

    _, reports = fake_importer
    reports.append(FakeReport(written=True, created_people=2))
    path = tmp_path / "roster.csv"
    path.write_text("x\n", encoding="utf-8")
    result = runner.invoke(
        cli, ["import", "people", str(path), "--org", "alf", "--partial", "--json"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["created_people"] == 2


def test_import_needs_an_organization(runner, org, fake_importer, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text("x\n", encoding="utf-8")
    result = runner.invoke(cli, ["import", "people", str(path)])
    assert result.exit_code == 2 and "org:" in result.output
    assert _create_user(runner).exit_code == 0
    Organization.objects.create(name="Otra", slug="otra", kind="shelter")
    result = runner.invoke(cli, ["import", "people", str(path), "--user", "lucia", "--org", "otra"])
    assert result.exit_code == 2 and "not a member" in result.output


def test_import_people_from_a_real_csv(runner, org, tmp_path):
    """End to end through the real importer (owned by the people app)."""
    pytest.importorskip("mppdesk.people.importer")
    assert _create_user(runner).exit_code == 0
    path = tmp_path / "roster.csv"
    path.write_text(
        "given_names,family_names,birth_date,sex,nationality,languages,a_number,phone\n"
        "María José,Hernández López,1990-05-17,F,Honduras,spa,A 012-345-678,+52 656 123 4567\n"
        "Carlos,Ramírez,1985-01-02,M,GTM,spa,212345678,\n",
        encoding="utf-8",
    )
    dry = runner.invoke(cli, ["import", "people", str(path), "--user", "lucia", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert Person.objects.count() == 0
    result = runner.invoke(cli, ["import", "people", str(path), "--user", "lucia"])
    assert result.exit_code == 0, result.output
    assert Person.objects.filter(organization=org).count() == 2
    assert "2 rows read: 2 valid" in result.output

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "given_names,family_names,birth_date\n,Sin Nombre,2999-01-01\n", encoding="utf-8"
    )
    result = runner.invoke(cli, ["import", "people", str(bad), "--user", "lucia"])
    assert result.exit_code == 1
    assert "given_names" in result.output
    assert Person.objects.count() == 2


# run / serve / worker --------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RecordingSupervisor:
    instances: list[RecordingSupervisor] = []

    def __init__(self, commands, *, env=None, **kwargs):
        self.commands = commands
        self.env = env
        RecordingSupervisor.instances.append(self)

    def run(self) -> int:
        return 0


def test_run_prepares_var_and_supervises_web_and_worker(
    runner, db, settings, tmp_path, monkeypatch
):
    settings.VAR_DIR = tmp_path / "var"
    settings.STATIC_ROOT = tmp_path / "var" / "static"
    RecordingSupervisor.instances.clear()
    monkeypatch.setattr(cli_app, "Supervisor", RecordingSupervisor)
    from mppdesk.people import demo

    demo.load_demo(people=6, households=3)
    port = _free_port()
    result = runner.invoke(cli, ["run", "--port", str(port)])
    assert result.exit_code == 0, result.output
    assert f"http://127.0.0.1:{port}/" in result.output
    assert "caseworker.legal" in result.output and demo.DEMO_PASSWORD in result.output
    assert (tmp_path / "var" / "static").is_dir()
    (supervisor,) = RecordingSupervisor.instances
    names = [name for name, _ in supervisor.commands]
    assert names == ["web", "worker", "dispatch"]
    web = supervisor.commands[0][1]
    assert web[1:4] == ["-m", "mppdesk", "serve"] and f"127.0.0.1:{port}" in web
    assert web[web.index("--threads") + 1] == "1"  # SQLite: one writer thread per worker
    assert supervisor.env["MPPDESK_VAR_DIR"] == str(tmp_path / "var")


def test_run_without_worker_and_demo(runner, db, settings, tmp_path, monkeypatch):
    settings.VAR_DIR = tmp_path / "var"
    settings.STATIC_ROOT = tmp_path / "var" / "static"
    RecordingSupervisor.instances.clear()
    monkeypatch.setattr(cli_app, "Supervisor", RecordingSupervisor)
    result = runner.invoke(cli, ["run", "--port", str(_free_port()), "--no-worker", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert [name for name, _ in RecordingSupervisor.instances[0].commands] == ["web"]
    assert not Organization.objects.exists()


def test_run_refuses_a_port_in_use(runner, db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        result = runner.invoke(cli, ["run", "--port", str(busy.getsockname()[1]), "--no-demo"])
    assert result.exit_code == 2
    assert "choose another with --port" in result.output


SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_supervisor_stops_every_child_on_ctrl_c_or_sigterm(signum):
    messages: list[str] = []
    supervisor = Supervisor([("web", SLEEPER), ("worker", SLEEPER)], grace=30, echo=messages.append)
    signal_when(supervisor, signum=signum, delay=0.3)
    started = time.monotonic()
    assert supervisor.run() == 0
    # Stopped when the children had, not after the 30 s grace (nor the sleepers' 60 s).
    assert time.monotonic() - started < 30
    assert all(p.returncode == -signal.SIGTERM for p in supervisor.processes.values())
    assert messages[-1] == "Stopped."
    assert signal.getsignal(signal.SIGINT) is not supervisor._on_signal  # handlers restored


def test_supervisor_stops_the_others_when_one_child_dies():
    messages: list[str] = []
    dying = [sys.executable, "-c", "import time, sys; time.sleep(0.3); sys.exit(3)"]
    supervisor = Supervisor([("web", SLEEPER), ("worker", dying)], grace=30, echo=messages.append)
    assert supervisor.run() == 3
    assert supervisor.processes["web"].returncode == -signal.SIGTERM
    assert "worker exited with status 3; stopping the others." in messages


def test_a_child_killed_by_a_signal_gives_128_plus_the_signal():
    killed = [sys.executable, "-c", "import os, time; time.sleep(0.3); os.kill(os.getpid(), 9)"]
    supervisor = Supervisor([("web", SLEEPER), ("worker", killed)], grace=5, echo=lambda m: None)
    assert supervisor.run() == 128 + signal.SIGKILL


def test_what_a_dead_child_left_in_its_group_is_cleaned_up(tmp_path):
    pid_file = tmp_path / "grandchild.pid"
    parent = [
        sys.executable,
        "-c",
        "import subprocess, sys, time; "
        "q = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']); "
        f"open({str(pid_file)!r}, 'w').write(str(q.pid)); time.sleep(0.3); sys.exit(4)",
    ]
    supervisor = Supervisor([("web", parent)], grace=5, echo=lambda m: None)
    assert supervisor.run() == 4
    grandchild = int(pid_file.read_text())

    def dead() -> bool:
        try:  # an init that does not reap leaves a zombie, which is dead enough
            return "State:\tZ" in Path(f"/proc/{grandchild}/status").read_text()
        except OSError:  # gone, or reaped between the open and the read
            return True

    # The SIGKILL is sent; on a loaded machine the grandchild may take a while to be
    # scheduled and die. Left alone it would sleep 60 s: 30 s tells the two apart.
    assert wait_until(dead, timeout=30)


def test_supervisor_kills_a_child_that_ignores_sigterm(tmp_path):
    messages: list[str] = []
    ready = tmp_path / "ready"
    stubborn = ready_child(ready, on_sigterm="ignore")
    supervisor = Supervisor([("web", stubborn)], grace=0.5, echo=messages.append)
    signaller = signal_when(supervisor, ready.exists, signum=signal.SIGINT)
    assert supervisor.run() == 0
    assert signaller.ready
    assert supervisor.processes["web"].returncode == -signal.SIGKILL
    assert "web did not stop in time; killing it." in messages


def test_children_run_in_their_own_process_group():
    supervisor = Supervisor([("web", SLEEPER)], grace=2)
    supervisor.start()
    try:
        child = supervisor.processes["web"]
        assert os.getpgid(child.pid) == child.pid != os.getpgid(0)
    finally:
        supervisor.stop()


def test_worker_command_runs_waiting_tasks_in_batch_mode(runner, db, settings, monkeypatch):
    # The worker calls close_old_connections(), which closes a connection whose autocommit
    # differs from the settings, as it does inside this test's transaction on PostgreSQL.
    from django_tasks_db.management.commands import db_worker

    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    result = runner.invoke(cli, ["worker", "--batch", "--interval", "0"])
    assert result.exit_code == 0, result.output


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("mppdesk")
    assert script.exists()


def test_token_create_with_scope_limits_the_token(runner, org):
    from mppdesk.accounts.models import ApiToken

    runner.invoke(
        cli,
        ["user", "create", "scoped", "--org", org.slug, "--role", "caseworker", "--password-stdin"],
        input="correct horse battery staple 7\n",
    )
    result = runner.invoke(cli, ["token", "create", "--user", "scoped", "--scope", "read"])
    assert result.exit_code == 0, result.output
    assert ApiToken.objects.get(user__username="scoped").scopes == ["read"]
