"""Upload checks: the type is sniffed from the first bytes, never taken from the file
name or the browser's Content-Type; only PDF, JPEG and PNG; a size limit."""

from __future__ import annotations

import re

from django.conf import settings

#: Allowed types by their magic bytes, and the extension a download gets.
SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)
EXTENSIONS = {content_type: ext for _magic, content_type, ext in SIGNATURES}
#: Markup at the start of a file that a browser might run (a polyglot "PDF"): refused.
_MARKUP = re.compile(rb"<\s*(script|html|svg|iframe|object|embed|body)\b", re.IGNORECASE)
DEFAULT_MAX_BYTES = 5 * 1024 * 1024


def max_bytes() -> int:
    return int(getattr(settings, "CASEWORK_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES))


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, or None if not one we accept."""
    for magic, content_type, _ext in SIGNATURES:
        if data.startswith(magic):
            if _MARKUP.search(data[:4096]):
                return None
            return content_type
    return None


_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)


def safe_filename(name: str, content_type: str) -> str:
    """A download name: the uploaded base name, cleaned, with the sniffed type's extension."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = _UNSAFE.sub("_", stem).strip(" ._")[:80] or "document"
    return f"{stem}.{EXTENSIONS[content_type]}"
