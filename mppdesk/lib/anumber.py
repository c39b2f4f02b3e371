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
