"""The encrypted archive format: AES-256-GCM in 1 MiB chunks (the STREAM construction).

Layout::

    b"MPPDESK-ARCHIVE\\n"  4-byte header length  header (JSON, UTF-8)
    then chunks:          4-byte sealed length  sealed chunk (ciphertext + 16-byte tag)

Each chunk's nonce is the archive's random 7-byte prefix, the chunk's number (4 bytes)
and a last-chunk flag (1 byte); its associated data is the SHA-256 of the header. So a
changed header, a chunk moved, dropped, repeated or taken from another archive, and a
truncated archive (no chunk flagged last) all fail authentication. The key comes from a
passphrase (scrypt, salt and cost in the header) or from a key file (32 random bytes,
base64; the header holds only a fingerprint of it). The header itself holds no secret
and no personal data: what kind of archive it is, the engine, the date, the KDF.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"MPPDESK-ARCHIVE\n"
FORMAT = 1
CHUNK = 1024 * 1024
#: scrypt cost (OWASP: N=2^17, r=8, p=1; 128 MiB of memory, about 0.3 s).
SCRYPT_N = 2**17
SCRYPT_R = 8
SCRYPT_P = 1
_LEN = struct.Struct(">I")
MAX_HEADER = 64 * 1024


class ArchiveError(Exception):
    """The archive cannot be read: wrong key or passphrase, damaged, truncated, not ours.

    Messages name no personal data (there is none outside the ciphertext)."""


@dataclass(frozen=True)
class Secret:
    """What unlocks an archive: a passphrase or a raw 32-byte key (from a key file)."""

    passphrase: str | None = None
    key: bytes | None = None

    def __post_init__(self) -> None:
        if (self.passphrase is None) == (self.key is None):
            raise ValueError("give a passphrase or a key, not both")
        if self.key is not None and len(self.key) != 32:
            raise ValueError("a backup key is 32 bytes")
        if self.passphrase is not None and len(self.passphrase) < 12:
            raise ArchiveError("the passphrase is too short: use at least 12 characters")


def read_key_file(path: Path) -> bytes:
    """A key file holds 32 random bytes in base64 (``mppdesk keys generate`` prints one)."""
    try:
        key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
    except (OSError, ValueError) as exc:
        raise ArchiveError(f"cannot read the key file {path}: {exc}") from exc
    if len(key) != 32:
        raise ArchiveError(f"the key file {path} does not hold a 32-byte base64 key")
    return key


def fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"mppdesk-backup-key\0" + key).hexdigest()[:16]


def _derive(secret: Secret, kdf: dict[str, Any]) -> bytes:
    if kdf.get("name") == "scrypt":
        if secret.passphrase is None:
            raise ArchiveError("this archive is protected by a passphrase, not a key file")
        return Scrypt(
            salt=base64.b64decode(kdf["salt"]),
            length=32,
            n=int(kdf["n"]),
            r=int(kdf["r"]),
            p=int(kdf["p"]),
        ).derive(secret.passphrase.encode("utf-8"))
    if kdf.get("name") == "key":
        if secret.key is None:
            raise ArchiveError("this archive is protected by a key file, not a passphrase")
        if fingerprint(secret.key) != kdf.get("fingerprint"):
            raise ArchiveError("this is not the key file the archive was written with")
        return secret.key
    raise ArchiveError("unknown key derivation in the archive header")


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


class Writer:
    """Write an archive to ``out`` from plaintext given in any pieces (``write``)."""

    def __init__(self, out: IO[bytes], secret: Secret, meta: dict[str, Any]) -> None:
        if secret.key is None:
            salt = os.urandom(16)
            kdf: dict[str, Any] = {
                "name": "scrypt",
                "salt": base64.b64encode(salt).decode(),
                "n": SCRYPT_N,
                "r": SCRYPT_R,
                "p": SCRYPT_P,
            }
        else:
            kdf = {"name": "key", "fingerprint": fingerprint(secret.key)}
        self.prefix = os.urandom(7)
        header = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "chunk": CHUNK,
            "kdf": kdf,
            "nonce_prefix": base64.b64encode(self.prefix).decode(),
            **meta,
        }
        raw = json.dumps(header, sort_keys=True).encode()
        self.aad = hashlib.sha256(raw).digest()
        self.aead = AESGCM(_derive(secret, kdf))
        self.out = out
        self.counter = 0
        self.buffer = bytearray()
        self.plain_bytes = 0
        out.write(MAGIC + _LEN.pack(len(raw)) + raw)

    def _seal(self, data: bytes, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.prefix, self.counter, last), data, self.aad)
        self.out.write(_LEN.pack(len(sealed)) + sealed)
        self.counter += 1

    def write(self, data: bytes) -> None:
        self.buffer += data
        self.plain_bytes += len(data)
        while len(self.buffer) > CHUNK:  # keep at least one byte for the last chunk
            self._seal(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._seal(bytes(self.buffer), last=True)
        self.buffer.clear()


def read_header(handle: IO[bytes]) -> tuple[dict[str, Any], bytes]:
    if handle.read(len(MAGIC)) != MAGIC:
        raise ArchiveError("not an MPP Desk archive")
    size_bytes = handle.read(_LEN.size)
    if len(size_bytes) != _LEN.size:
        raise ArchiveError("the archive is truncated")
    (size,) = _LEN.unpack(size_bytes)
    if size > MAX_HEADER:
        raise ArchiveError("the archive header is damaged")
    raw = handle.read(size)
    try:
        header = json.loads(raw)
    except ValueError as exc:
        raise ArchiveError("the archive header is damaged") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ArchiveError("unknown archive format")
    return header, raw


def read_chunks(handle: IO[bytes], secret: Secret) -> tuple[dict[str, Any], Iterator[bytes]]:
    """The header and an iterator of authenticated plaintext chunks.

    The iterator raises ``ArchiveError`` at the first chunk that does not authenticate,
    and at the end when no chunk was flagged last (a truncated archive): a consumer must
    not treat the data as complete before the iterator is exhausted."""
    header, raw = read_header(handle)
    aad = hashlib.sha256(raw).digest()
    try:
        prefix = base64.b64decode(header["nonce_prefix"])
        aead = AESGCM(_derive(secret, header["kdf"]))
    except (KeyError, ValueError, TypeError) as exc:
        raise ArchiveError("the archive header is damaged") from exc

    def chunks() -> Iterator[bytes]:
        counter = 0
        while True:
            size_bytes = handle.read(_LEN.size)
            if len(size_bytes) != _LEN.size:
                raise ArchiveError("the archive is truncated (its last part is missing)")
            (size,) = _LEN.unpack(size_bytes)
            sealed = handle.read(size)
            if len(sealed) != size:
                raise ArchiveError("the archive is truncated (its last part is missing)")
            for last in (False, True):
                try:
                    data = aead.decrypt(_nonce(prefix, counter, last), sealed, aad)
                except InvalidTag:
                    continue
                break
            else:
                if counter == 0:
                    raise ArchiveError(
                        "the archive does not open: wrong passphrase or key, or damaged"
                    )
                raise ArchiveError(f"the archive is damaged (part {counter + 1})")
            counter += 1
            yield data
            if last:
                if handle.read(1):
                    raise ArchiveError("the archive has data after its last part")
                return

    return header, chunks()
