"""What ``mppdesk run --production`` refuses to start with.

Read from the environment before Django is set up, so that the operator gets one line
naming every missing or unsafe setting instead of a traceback from ``settings.py``.
The key names are those of ``settings.py`` (``MPPDESK_FIELD_KEYS``, ``MPPDESK_INDEX_KEY``;
each may also be given as ``NAME_FILE``, as ``lib.env`` reads them).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

MIN_SECRET_KEY = 50


def _value(environ: Mapping[str, str], name: str) -> str:
    file_name = environ.get(f"{name}_FILE", "")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError:
            return ""
    return environ.get(name, "").strip()


def refusals(environ: Mapping[str, str] | None = None) -> list[str]:
    """Each reason the production layout must not start (empty: it may)."""
    env = os.environ if environ is None else environ
    problems: list[str] = []
    url = _value(env, "DATABASE_URL")
    if not url:
        problems.append("DATABASE_URL is not set (the production layout needs PostgreSQL)")
    elif not url.startswith(("postgres://", "postgresql://", "pgsql://")):
        scheme = url.split(":", 1)[0]
        problems.append(f"DATABASE_URL is {scheme}, not PostgreSQL (SQLite is for local mode)")
    secret = _value(env, "SECRET_KEY")
    if not secret:
        problems.append("SECRET_KEY is not set")
    elif len(secret) < MIN_SECRET_KEY:
        problems.append(f"SECRET_KEY is shorter than {MIN_SECRET_KEY} characters")
    for name in ("MPPDESK_FIELD_KEYS", "MPPDESK_INDEX_KEY"):
        if not _value(env, name):
            problems.append(f"{name} is not set (keys come from the environment in production)")
    hosts = [h for h in env.get("ALLOWED_HOSTS", "").split(",") if h.strip()]
    if not hosts:
        problems.append("ALLOWED_HOSTS is empty")
    return problems


def refusal_line(problems: list[str]) -> str:
    return "production: refusing to start: " + "; ".join(problems) + "."
