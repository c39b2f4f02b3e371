"""``keys export`` / ``keys import``: the keys travel apart, protected by a passphrase,
and an import never silently replaces other keys."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mppdesk.backup import archive
from mppdesk.backup.archive import ArchiveError, Secret
from mppdesk.backup.keyfile import export_keys, install_keys, read_keys
from mppdesk.lib.crypto import generate_key

PASS = "keys passphrase, long enough"


@pytest.fixture(autouse=True)
def _cheap_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "SCRYPT_N", 2**10)


def test_export_then_import_gives_the_same_keys(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "keys.mppkeys"
    export_keys(out, PASS)
    assert out.stat().st_mode & 0o777 == 0o600
    raw = out.read_bytes()
    assert settings.FIELD_KEYS.split(":", 1)[1].encode() not in raw
    assert settings.SECRET_KEY.encode() not in raw
    keys = read_keys(out, PASS)
    assert keys == {
        "field_keys": settings.FIELD_KEYS,
        "index_key": settings.INDEX_KEY,
        "secret_key": settings.SECRET_KEY,
    }
    with pytest.raises(ArchiveError, match="wrong passphrase"):
        read_keys(out, PASS + "x")
    with pytest.raises(ArchiveError, match="exists already"):
        export_keys(out, PASS)


def test_a_database_archive_is_not_taken_for_keys(tmp_path: Path) -> None:
    path = tmp_path / "db.mppbk"
    with path.open("wb") as handle:
        writer = archive.Writer(handle, Secret(passphrase=PASS), {"kind": "database"})
        writer.write(b"SQLite format 3\x00")
        writer.close()
    with pytest.raises(ArchiveError, match="holds a database"):
        read_keys(path, PASS)


def test_import_writes_private_files_and_refuses_other_keys(tmp_path: Path) -> None:
    keys = {
        "field_keys": f"1:{generate_key()}",
        "index_key": generate_key(),
        "secret_key": "s" * 50,
    }
    var = tmp_path / "var"
    written = install_keys(keys, var)
    assert sorted(p.name for p in written) == ["keys.json", "secret_key"]
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in written)
    assert json.loads((var / "keys.json").read_text())["index_key"] == keys["index_key"]
    assert install_keys(keys, var) == []  # the same keys again: nothing to do
    other = dict(keys, field_keys=f"1:{generate_key()}")
    with pytest.raises(ArchiveError, match="holds other keys"):
        install_keys(other, var)
    assert json.loads((var / "keys.json").read_text())["field_keys"] == keys["field_keys"]
    install_keys(other, var, force=True)
    assert json.loads((var / "keys.json").read_text())["field_keys"] == other["field_keys"]
    replaced = json.loads((var / "keys.json.replaced").read_text())
    assert replaced["field_keys"] == keys["field_keys"]  # the old keys are kept
