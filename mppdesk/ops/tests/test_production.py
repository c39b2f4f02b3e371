"""``mppdesk run --production``: what it refuses (one line, non-zero exit) and what it
starts (gunicorn, M task workers, K dispatchers, one periodic runner)."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.cli import cli
from mppdesk.ops import production, supervisor
from mppdesk.ops.production import refusals

GOOD = {
    "DATABASE_URL": "postgres://mppdesk@db.internal:5432/mppdesk",
    "SECRET_KEY": "s" * 60,
    "MPPDESK_FIELD_KEYS": "1:" + "k" * 43,
    "MPPDESK_INDEX_KEY": "i" * 43,
    "ALLOWED_HOSTS": "desk.example.org",
}
NAMES = [*GOOD, "MPPDESK_MODE", "SECRET_KEY_FILE", "MPPDESK_FIELD_KEYS_FILE"]
NAMES += ["MPPDESK_INDEX_KEY_FILE", "DATABASE_URL_FILE"]


def test_a_complete_environment_is_accepted():
    assert refusals(GOOD) == []


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            {"DATABASE_URL": "sqlite:///var/mppdesk.sqlite3"},
            "DATABASE_URL is sqlite, not PostgreSQL",
        ),
        ({"DATABASE_URL": ""}, "DATABASE_URL is not set"),
        ({"SECRET_KEY": ""}, "SECRET_KEY is not set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY is shorter than 50 characters"),
        ({"MPPDESK_FIELD_KEYS": ""}, "MPPDESK_FIELD_KEYS is not set"),
        ({"MPPDESK_INDEX_KEY": ""}, "MPPDESK_INDEX_KEY is not set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS is empty"),
        ({"ALLOWED_HOSTS": " , "}, "ALLOWED_HOSTS is empty"),
    ],
)
def test_each_unsafe_setting_is_named(change, reason):
    problems = refusals({**GOOD, **change})
    assert len(problems) == 1
    assert problems[0].startswith(reason)


def test_secrets_may_come_from_files(tmp_path):
    key_file = tmp_path / "secret"
    key_file.write_text("x" * 64 + "\n")
    env = {**GOOD, "SECRET_KEY": "", "SECRET_KEY_FILE": str(key_file)}
    assert refusals(env) == []
    env["SECRET_KEY_FILE"] = str(tmp_path / "missing")
    assert refusals(env) == ["SECRET_KEY is not set"]


@given(st.dictionaries(st.sampled_from(list(GOOD)), st.sampled_from(["", " ", "\t"])))
def test_every_blank_setting_is_refused_and_named(blanks):
    problems = refusals({**GOOD, **blanks})
    assert len(problems) == len(blanks)
    for name in blanks:
        assert any(p.startswith(name) for p in problems)


@pytest.fixture
def prod_env(monkeypatch):
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MPPDESK_MODE", "local")  # restored after the test
    return monkeypatch


def test_run_production_refuses_sqlite_in_one_line(prod_env):
    prod_env.setenv("DATABASE_URL", "sqlite:///tmp/x.sqlite3")
    prod_env.delenv("SECRET_KEY")
    result = CliRunner().invoke(cli, ["run", "--production"])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert lines == [
        "production: refusing to start: DATABASE_URL is sqlite, not PostgreSQL "
        "(SQLite is for local mode); SECRET_KEY is not set."
    ]


@pytest.mark.parametrize("missing", ["MPPDESK_FIELD_KEYS", "MPPDESK_INDEX_KEY", "ALLOWED_HOSTS"])
def test_run_production_refuses_missing_keys_and_hosts(prod_env, missing):
    prod_env.delenv(missing)
    result = CliRunner().invoke(cli, ["run", "--production"])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
    assert missing in result.output


class Recording:
    instances: list[Recording] = []

    def __init__(self, commands, *, env=None, **kwargs):
        self.commands = commands
        self.env = env
        Recording.instances.append(self)

    def run(self) -> int:
        return 0


def test_run_production_supervises_web_workers_dispatchers_and_periodic(
    prod_env, db, settings, tmp_path
):
    settings.VAR_DIR = tmp_path / "var"
    settings.STATIC_ROOT = tmp_path / "var" / "static"
    Recording.instances.clear()
    prod_env.setattr(supervisor, "RestartingSupervisor", Recording)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = CliRunner().invoke(
        cli,
        ["run", "--production", "--port", str(port), "--workers", "3"]
        + ["--task-workers", "2", "--dispatchers", "3"],
    )
    assert result.exit_code == 0, result.output
    assert "Demo logins" not in result.output
    (sup,) = Recording.instances
    names = [name for name, _ in sup.commands]
    assert names == [
        "web", "worker-1", "worker-2", "dispatch-1", "dispatch-2", "dispatch-3", "periodic"
    ]  # fmt: skip
    web = dict(sup.commands)["web"]
    assert web[web.index("--workers") + 1] == "3" and f"127.0.0.1:{port}" in web
    # gthread workers: a padded self-service answer holds a thread, not the process
    assert web[web.index("--threads") + 1] == "16"
    assert dict(sup.commands)["periodic"][-1] == "periodic"
    assert sup.env["MPPDESK_MODE"] == "production"
    metrics_dir = tmp_path / "var" / "prometheus"
    assert sup.env["PROMETHEUS_MULTIPROC_DIR"] == str(metrics_dir)
    assert metrics_dir.is_dir() and (metrics_dir.stat().st_mode & 0o777) == 0o700


def test_refusal_line_names_every_problem():
    assert production.refusal_line(["a", "b"]) == "production: refusing to start: a; b."
