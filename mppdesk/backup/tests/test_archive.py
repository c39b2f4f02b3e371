"""The archive format: round trip, and every way to tamper with it fails loudly."""

from __future__ import annotations

import base64
import io
import json
import os
import struct
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.backup import archive
from mppdesk.backup.archive import ArchiveError, Secret, Writer, read_chunks

PASS = "a passphrase long enough"


@pytest.fixture(autouse=True)
def _small(monkeypatch: pytest.MonkeyPatch) -> None:
    # Many chunks from little data, and a cheap scrypt (the real cost has its own test).
    monkeypatch.setattr(archive, "CHUNK", 64)
    monkeypatch.setattr(archive, "SCRYPT_N", 2**10)


def seal(data: bytes, secret: Secret, pieces: int = 3) -> bytes:
    out = io.BytesIO()
    writer = Writer(out, secret, {"kind": "database", "engine": "sqlite"})
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        writer.write(data[start : start + step])
    writer.close()
    return out.getvalue()


def unseal(blob: bytes, secret: Secret) -> bytes:
    header, chunks = read_chunks(io.BytesIO(blob), secret)
    assert header["kind"] == "database"
    return b"".join(chunks)


@given(st.binary(max_size=700), st.integers(1, 9))
def test_round_trip_at_any_size_and_piece_size(data: bytes, pieces: int) -> None:
    archive.CHUNK, archive.SCRYPT_N = 64, 2**10  # hypothesis reruns outside the fixture
    key = Secret(key=os.urandom(32))
    assert unseal(seal(data, key, pieces), key) == data


def test_passphrase_round_trip_and_wrong_passphrase() -> None:
    blob = seal(b"x" * 300, Secret(passphrase=PASS))
    assert unseal(blob, Secret(passphrase=PASS)) == b"x" * 300
    with pytest.raises(ArchiveError, match="wrong passphrase or key"):
        unseal(blob, Secret(passphrase=PASS + "!"))
    with pytest.raises(ArchiveError, match="passphrase, not a key file"):
        unseal(blob, Secret(key=os.urandom(32)))


def test_wrong_key_file_is_named_before_any_decryption() -> None:
    blob = seal(b"data", Secret(key=os.urandom(32)))
    with pytest.raises(ArchiveError, match="not the key file"):
        unseal(blob, Secret(key=os.urandom(32)))


def _split(blob: bytes) -> tuple[bytes, list[bytes]]:
    (size,) = struct.unpack(">I", blob[len(archive.MAGIC) : len(archive.MAGIC) + 4])
    head_end = len(archive.MAGIC) + 4 + size
    chunks, pos = [], head_end
    while pos < len(blob):
        (n,) = struct.unpack(">I", blob[pos : pos + 4])
        chunks.append(blob[pos : pos + 4 + n])
        pos += 4 + n
    return blob[:head_end], chunks


@pytest.mark.parametrize("attack", ["truncate", "drop_middle", "swap", "repeat", "flip", "append"])
def test_tampered_archives_do_not_open(attack: str) -> None:
    key = Secret(key=os.urandom(32))
    head, chunks = _split(seal(bytes(range(256)) * 2, key))
    assert len(chunks) >= 4
    if attack == "truncate":
        chunks = chunks[:-1]
    elif attack == "drop_middle":
        del chunks[1]
    elif attack == "swap":
        chunks[1], chunks[2] = chunks[2], chunks[1]
    elif attack == "repeat":
        chunks.insert(2, chunks[1])
    elif attack == "flip":
        damaged = bytearray(chunks[2])
        damaged[10] ^= 1
        chunks[2] = bytes(damaged)
    else:
        chunks.append(chunks[0])
    with pytest.raises(ArchiveError):
        unseal(head + b"".join(chunks), key)


def test_a_changed_header_fails_even_with_the_right_key() -> None:
    key = Secret(key=os.urandom(32))
    blob = seal(b"payload" * 40, key)
    head, chunks = _split(blob)
    header = json.loads(head[len(archive.MAGIC) + 4 :])
    header["engine"] = "postgresql"
    raw = json.dumps(header, sort_keys=True).encode()
    forged = archive.MAGIC + struct.pack(">I", len(raw)) + raw + b"".join(chunks)
    with pytest.raises(ArchiveError):
        unseal(forged, key)


def test_a_chunk_from_another_archive_with_the_same_key_fails() -> None:
    key = Secret(key=os.urandom(32))
    head_a, chunks_a = _split(seal(b"a" * 300, key))
    _head_b, chunks_b = _split(seal(b"b" * 300, key))
    chunks_a[1] = chunks_b[1]
    with pytest.raises(ArchiveError):
        unseal(head_a + b"".join(chunks_a), key)


def test_the_header_holds_no_secret_and_the_kdf_is_scrypt_at_full_cost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(archive, "SCRYPT_N", 2**17)
    blob = seal(b"secret data", Secret(passphrase=PASS))
    head, _chunks = _split(blob)
    header = json.loads(head[len(archive.MAGIC) + 4 :])
    assert header["kdf"]["name"] == "scrypt" and header["kdf"]["n"] == 2**17
    assert len(base64.b64decode(header["kdf"]["salt"])) == 16
    assert PASS.encode() not in blob and b"secret data" not in blob


def test_short_passphrases_and_bad_key_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="too short"):
        Secret(passphrase="short")
    bad = tmp_path / "key"
    bad.write_text(base64.b64encode(b"x" * 16).decode())
    with pytest.raises(ArchiveError, match="32-byte"):
        archive.read_key_file(bad)
    bad.write_text("not base64!")
    with pytest.raises(ArchiveError):
        archive.read_key_file(bad)


def test_not_an_archive() -> None:
    with pytest.raises(ArchiveError, match="not an MPP Desk archive"):
        read_chunks(io.BytesIO(b"SQLite format 3\x00"), Secret(passphrase=PASS))
