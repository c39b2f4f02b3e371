"""Settings come from the environment and the production profile passes ``check --deploy``."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

from mppdesk.lib.crypto import generate_key

ROOT = Path(__file__).resolve().parents[3]
FIELD_KEYS = {"MPPDESK_FIELD_KEYS": f"1:{generate_key()}", "MPPDESK_INDEX_KEY": generate_key()}


def _manage(
    args: list[str], env_overrides: dict[str, str], tmp_path: Path
) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL", "ALLOWED_HOSTS"}
    }
    env.update(
        {
            "MPPDESK_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "mppdesk.settings",
            **env_overrides,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "MPPDESK_MODE": "production",
            "SECRET_KEY": secrets.token_urlsafe(60),
            "ALLOWED_HOSTS": "desk.example.org",
            **FIELD_KEYS,
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_mode_requires_encryption_keys(tmp_path):
    env = {
        "MPPDESK_MODE": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "desk.example.org",
    }
    result = _manage(["check"], env, tmp_path)
    assert result.returncode != 0
    assert "MPPDESK_FIELD_KEYS must be set" in result.stderr
    result = _manage(["check"], {**env, **FIELD_KEYS, "MPPDESK_FIELD_ENCRYPTION": "0"}, tmp_path)
    assert result.returncode != 0
    assert "MPPDESK_FIELD_ENCRYPTION cannot be turned off" in result.stderr


def test_production_mode_requires_secret_key(tmp_path):
    result = _manage(
        ["check"], {"MPPDESK_MODE": "production", "ALLOWED_HOSTS": "desk.example.org"}, tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_secret_key_file_is_read(tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(secrets.token_urlsafe(60), encoding="utf-8")
    result = _manage(
        ["check", "--deploy", "--fail-level", "WARNING"],
        {
            "MPPDESK_MODE": "production",
            "SECRET_KEY_FILE": str(key_file),
            "ALLOWED_HOSTS": "desk.example.org",
            **FIELD_KEYS,
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr


def test_local_mode_generates_and_keeps_a_secret_key(tmp_path):
    first = _manage(
        ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        {},
        tmp_path,
    )
    second = _manage(
        ["shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)"],
        {},
        tmp_path,
    )
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().splitlines()[-1] == second.stdout.strip().splitlines()[-1]
    assert (tmp_path / "secret_key").exists()


def test_invalid_boolean_is_refused_with_the_variable_name(tmp_path):
    result = _manage(["check"], {"DEBUG": "perhaps"}, tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def _read_settings(env_overrides: dict[str, str], *names: str) -> subprocess.CompletedProcess[str]:
    """Import ``mppdesk.settings`` in a fresh interpreter and print ``names``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MPPDESK_")}
    env.update(env_overrides)
    code = f"import mppdesk.settings as s; print(*[getattr(s, n) for n in {names!r}])"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_app_knobs_are_read_once_in_settings(tmp_path: Path) -> None:
    """The former per-app conf modules: defaults, overrides and refusals (issue 12)."""
    names = (
        "MPPDESK_RETENTION_DAYS",
        "MPPDESK_REPORT_LEAD_MINUTES",
        "MPPDESK_REPORT_LEAD_PM_MINUTES",
        "MPPDESK_NO_CONTACT_DAYS",
        "MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR",
        "MPPDESK_SELFSERVICE_PORT",
    )
    var = {"MPPDESK_VAR_DIR": str(tmp_path)}
    defaults = _read_settings(var, *names)
    assert defaults.returncode == 0, defaults.stderr
    assert defaults.stdout.split() == ["1825", "240", "240", "14", "10", "el-paso"]
    changed = _read_settings(
        var
        | {
            "MPPDESK_RETENTION_DAYS": "30",
            "MPPDESK_REPORT_LEAD_MINUTES": "180",
            "MPPDESK_SELFSERVICE_PORT": " nogales ",
        },
        *names,
    )
    assert changed.stdout.split() == ["30", "180", "180", "14", "10", "nogales"]
    for name, bad in [
        ("MPPDESK_RETENTION_DAYS", "-1"),
        ("MPPDESK_REPORT_LEAD_MINUTES", "1441"),
        ("MPPDESK_NO_CONTACT_DAYS", "0"),
        ("MPPDESK_SELFSERVICE_MAX_FAILURES", "0"),
    ]:
        refused = _read_settings(var | {name: bad}, name)
        assert refused.returncode != 0
        assert "ImproperlyConfigured" in refused.stderr and name in refused.stderr
