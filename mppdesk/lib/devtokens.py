"""Development secrets for local mode, generated once and kept in the var directory.

``make run`` uses the console provider and no Twilio account, yet a developer must be
able to exercise the Twilio webhooks (``/hooks/twilio/inbound``, ``/hooks/twilio/status``)
with correctly signed requests (``mppdesk twilio text``/``status``). In local mode an
unset ``TWILIO_AUTH_TOKEN`` is therefore replaced by a random token stored in
``<var>/twilio_auth_token`` (mode 0600), the way ``settings._local_secret_key`` and
``lib.crypto.local_keys`` keep theirs. Production never uses it: there the token must be
configured (the messaging system checks require it when a Twilio provider is selected).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

TOKEN_FILE = "twilio_auth_token"  # noqa: S105 - a file name, not a secret


def local_twilio_auth_token(var_dir: Path) -> str:
    """The development Twilio auth token of this var directory (created on first use)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    path = var_dir / TOKEN_FILE
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(secrets.token_hex(16))  # Twilio's tokens are 32 hex digits
    return path.read_text(encoding="utf-8").strip()
