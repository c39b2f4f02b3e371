"""Alien registration numbers (A-numbers).

EOIR writes A-numbers with 9 digits; an 8-digit number gains a leading zero. People
write them as ``A 012-345-678``, ``A#12345678`` or ``012 345 678``: separators and an
``A`` prefix are accepted, anything else is rejected with a message that says why.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext as _

# ASCII separators plus the Unicode dashes word processors and phones substitute for "-".
_SEPARATORS = re.compile(r"[\s\-./#:_\u2010-\u2015\u2212]")
_PREFIX = re.compile(r"^A", re.IGNORECASE)


class ANumberError(ValueError):
    pass


def normalize_anumber(raw: str) -> str:
    """Return the 9-digit form of ``raw`` or raise ``ANumberError``."""
    if raw is None:
        raise ANumberError(_("A-number is required."))
    if isinstance(raw, float) and raw.is_integer():
        # A spreadsheet cell read as a number: "12345678.0" must not become 9 digits.
        raw = str(int(raw))
    # NFKC turns full-width digits and letters (some phone keyboards) into ASCII.
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    if not text:
        raise ANumberError(_("A-number is required."))
    text = _SEPARATORS.sub("", text)
    text = _PREFIX.sub("", text, count=1)
    text = _SEPARATORS.sub("", text)
    if not text.isascii() or not text.isdigit():
        raise ANumberError(_("A-number may contain only digits, separators and an 'A' prefix."))
    if len(text) == 8:
        text = "0" + text
    if len(text) != 9:
        raise ANumberError(
            _("A-number must have 8 or 9 digits, got %(count)s.") % {"count": len(text)}
        )
    if text == "000000000":
        raise ANumberError(_("A-number cannot be all zeros."))
    return text


def format_anumber(digits: str) -> str:
    """Display form used on screens and notices: ``A012-345-678``."""
    return f"A{digits[0:3]}-{digits[3:6]}-{digits[6:9]}"


#: A fragment of an A-number is searched as the first digits of the 9: at least this many
#: digits, so that a search cannot walk through every case a few digits at a time ...
PREFIX_MIN = 4
#: ... and at most this many (8 or 9 digits are a whole A-number, matched exactly).
PREFIX_MAX = 7


def anumber_fragment(raw: str) -> str | None:
    """The digits of ``raw`` if it reads as (part of) an A-number, else ``None``.

    The notations ``normalize_anumber`` accepts (an ``A`` prefix, separators) are
    accepted; any letter or other sign means the text is not an A-number fragment.
    """
    text = unicodedata.normalize("NFKC", str(raw or "")).strip()
    text = _SEPARATORS.sub("", _PREFIX.sub("", _SEPARATORS.sub("", text), count=1))
    if not text or not text.isascii() or not text.isdigit():
        return None
    return text


def anumber_prefix(digits: str, length: int) -> str:
    """The first ``length`` digits of a normalized A-number ("" for anything else, such
    as the placeholder of an erased case), the value its prefix index is made from."""
    if len(digits) != 9 or not digits.isascii() or not digits.isdigit():
        return ""
    return digits[:length]
