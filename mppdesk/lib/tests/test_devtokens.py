"""The development Twilio token: made once per var directory, private, stable."""

from __future__ import annotations

import stat
from pathlib import Path

from django.conf import settings

from mppdesk.lib.devtokens import TOKEN_FILE, local_twilio_auth_token


def test_token_is_created_once_and_kept(tmp_path: Path) -> None:
    var = tmp_path / "var"
    first = local_twilio_auth_token(var)
    assert len(first) == 32 and int(first, 16) >= 0  # like Twilio's: 32 hex digits
    assert local_twilio_auth_token(var) == first
    assert stat.S_IMODE((var / TOKEN_FILE).stat().st_mode) == 0o600
    assert local_twilio_auth_token(tmp_path / "other") != first


def test_local_mode_has_a_token_so_signed_hooks_work() -> None:
    # Tests run in local mode without TWILIO_AUTH_TOKEN: settings took the var one.
    assert settings.TWILIO_AUTH_TOKEN
