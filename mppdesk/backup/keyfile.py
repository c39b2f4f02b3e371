"""The keys, backed up apart from the database: a passphrase-protected archive.

It holds the field keys (``MPPDESK_FIELD_KEYS``), the blind-index keys
(``MPPDESK_INDEX_KEY``) and ``SECRET_KEY`` (sessions, signed links, the statistics'
rounding key): what a restored database needs to be read. Keep it somewhere else than
the database archives, with another passphrase.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

from mppdesk.backup.archive import ArchiveError, Secret, Writer, read_chunks

FIELDS = ("field_keys", "index_key", "secret_key")


def export_keys(out: Path, passphrase: str) -> None:
    from django.conf import settings

    from mppdesk.lib.crypto import KeyRing

    payload = {
        "field_keys": str(settings.FIELD_KEYS),
        "index_key": str(settings.INDEX_KEY),
        "secret_key": str(settings.SECRET_KEY),
    }
    KeyRing.from_strings(payload["field_keys"], payload["index_key"])  # they parse
    if out.exists():
        raise ArchiveError(f"{out} exists already: give a new file name")
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        writer = Writer(handle, Secret(passphrase=passphrase), {"kind": "keys"})
        writer.write(json.dumps(payload).encode())
        writer.close()


def read_keys(path: Path, passphrase: str) -> dict[str, str]:
    from mppdesk.lib.crypto import KeyRing

    buffer = io.BytesIO()
    with path.open("rb") as handle:
        header, chunks = read_chunks(handle, Secret(passphrase=passphrase))
        if header.get("kind") != "keys":
            raise ArchiveError("this archive holds a database, not keys: use `mppdesk restore`")
        for data in chunks:
            buffer.write(data)
    payload: dict[str, Any] = json.loads(buffer.getvalue())
    keys = {name: str(payload[name]) for name in FIELDS}
    KeyRing.from_strings(keys["field_keys"], keys["index_key"])
    return keys


def install_keys(keys: dict[str, str], var_dir: Path, *, force: bool = False) -> list[Path]:
    """Write ``var/keys.json`` and ``var/secret_key`` (mode 0600) for local mode.

    An existing file with other keys is refused unless ``force`` (it is then kept as
    ``<name>.replaced``): the data written under those keys would become unreadable."""
    var_dir.mkdir(parents=True, exist_ok=True)
    wanted = {
        var_dir / "keys.json": json.dumps(
            {"field_keys": keys["field_keys"], "index_key": keys["index_key"]}
        ),
        var_dir / "secret_key": keys["secret_key"],
    }
    for path, text in wanted.items():
        if path.exists() and not force and _same(path, text) is False:
            raise ArchiveError(
                f"{path} holds other keys; data written under them would become "
                "unreadable. Move it away first (or use --force, which keeps it as "
                f"{path.name}.replaced)"
            )
    written = []
    for path, text in wanted.items():
        if path.exists():
            if _same(path, text):
                continue
            path.replace(path.with_name(path.name + ".replaced"))
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        written.append(path)
    return written


def _same(path: Path, text: str) -> bool:
    current = path.read_text(encoding="utf-8").strip()
    if path.name == "keys.json":
        try:
            return bool(json.loads(current) == json.loads(text))
        except ValueError:
            return False
    return current == text.strip()
