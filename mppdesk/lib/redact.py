"""Scrub personal identifiers out of log records.

A-numbers, phone numbers and e-mail addresses are replaced before a record reaches
any handler, so a stray ``logger.info(f"... {person.phone}")`` cannot leak them.
"""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SEP = r"[\s.\-/\u2010-\u2015\u2212]"
# ... followed by neither another digit, a letter, nor the rest of a UUID.
_DIGITS = rf"\d(?:{_SEP}?\d){{7,8}}(?!{_SEP}?\d)(?!\w)(?!-[0-9a-fA-F]{{4}}-)"
# A-numbers: 8 or 9 digits with at most one separator between any two of them
# (``A12-345-678``, ``012.345.678``), after an optional A prefix (``A``, ``A#``, ``A: ``).
# Without a prefix the digits must stand alone: not inside a longer number or a UUID.
_ANUMBER = re.compile(
    rf"\b[Aa][\s#:.\-\u2010-\u2015]{{0,3}}{_DIGITS}"
    rf"|(?<![0-9B-Zb-z_])(?<!\d{_SEP})(?<![A-Za-z_][\-.]){_DIGITS}"
)
# Phone numbers: a + or a run of at least 7 digits with common separators (but not the
# digit groups of a UUID, which follow a letter or digit and a hyphen).
_PHONE = re.compile(r"(?<![\w])(?<!\w-)\+?\d[\d\s().-]{6,}\d(?!\d)(?!-[0-9a-fA-F]{4}-)")


def redact(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _ANUMBER.sub("[a-number]", text)
    return _PHONE.sub("[phone]", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not drop the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now and redact it; handlers then print our text.
            formatter = logging.Formatter()
            record.exc_text = redact(formatter.formatException(record.exc_info))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
