"""Read a rendered PDF back as text (pypdf), whitespace folded so wrapped lines compare."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    raw = " ".join(page.extract_text() or "" for page in reader.pages)
    return fold(raw)


def fold(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip()


def title(pdf: bytes) -> str:
    metadata = PdfReader(io.BytesIO(pdf)).metadata
    return str(metadata.title) if metadata and metadata.title else ""
