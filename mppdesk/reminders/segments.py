"""How many SMS segments a text takes: GSM-7 or UCS-2 (3GPP TS 23.038 / 23.040).

A text whose every character is in the GSM 03.38 basic set or its extension table is
sent in GSM-7: 160 septets in a single message, 153 per part once it is split (the
concatenation header takes 7). Extension characters (``^{}\\[~]|€`` and form feed) are
an escape plus a character: 2 septets each, and a part never ends between the two.

Any other character switches the whole message to UCS-2: 70 UTF-16 code units in one
message, 67 per part; a character outside the Basic Multilingual Plane (most emoji) is a
surrogate pair, 2 units that are never split between parts.

Providers (Twilio among them) count this way; the template editor shows
``segment_info(text)`` next to each SMS body so that an edit that adds one "ó" and turns
a 2-part GSM-7 text into a 4-part UCS-2 one is seen before it is saved.
"""

from __future__ import annotations

import unicodedata
from typing import Literal, NamedTuple

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE = 160
GSM7_PART = 153
UCS2_SINGLE = 70
UCS2_PART = 67

Encoding = Literal["GSM-7", "UCS-2"]


class SegmentInfo(NamedTuple):
    encoding: Encoding
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def is_gsm7(text: str) -> bool:
    """Can ``text`` be sent in GSM-7 (basic set plus extension table)?"""
    return all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text)


def _sizes(text: str, encoding: Encoding) -> list[int]:
    """The size in units of each character (an indivisible run for splitting)."""
    if encoding == "GSM-7":
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def _parts(sizes: list[int], part: int) -> int:
    """Greedy packing into parts of ``part`` units; a character is never split."""
    parts, used = 1, 0
    for size in sizes:
        if used + size > part:
            parts += 1
            used = 0
        used += size
    return parts


def segment_info(text: str) -> SegmentInfo:
    """``(encoding, units, segments)`` of ``text`` as one SMS (0 segments when empty)."""
    encoding: Encoding = "GSM-7" if is_gsm7(text) else "UCS-2"
    sizes = _sizes(text, encoding)
    units = sum(sizes)
    single, part = (GSM7_SINGLE, GSM7_PART) if encoding == "GSM-7" else (UCS2_SINGLE, UCS2_PART)
    if units == 0:
        segments = 0
    elif units <= single:
        segments = 1
    else:
        segments = _parts(sizes, part)
    return SegmentInfo(encoding, units, segments)


def non_gsm_characters(text: str) -> list[str]:
    """The distinct characters that force UCS-2, in order of appearance (for the editor)."""
    seen: list[str] = []
    for c in text:
        if c not in GSM7_BASIC and c not in GSM7_EXTENSION and c not in seen:
            seen.append(c)
    return seen


def to_gsm7(text: str) -> str:
    """``text`` with accented letters outside GSM-7 replaced by their base letter
    ("Juárez" -> "Juarez", "março" -> "marco"); other characters are kept.

    Used on the *values* put into an SMS template (place names, dates), never on the
    template text itself: an editor's choice of characters is theirs to make.
    """
    out = []
    for c in text:
        if c in GSM7_BASIC or c in GSM7_EXTENSION:
            out.append(c)
            continue
        base = unicodedata.normalize("NFD", c)[0]
        out.append(base if base in GSM7_BASIC else c)
    return "".join(out)
