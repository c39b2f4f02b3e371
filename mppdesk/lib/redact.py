"""Scrub personal identifiers out of log records.

A-numbers, phone numbers and e-mail addresses are replaced before a record reaches
any handler, so a stray ``logger.info(f"... {person.phone}")`` cannot leak them.
"""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A-numbers: optional A prefix, 8 or 9 digits with optional separators.
_ANUMBER = re.compile(r"\b[Aa]?[- ]?\d{3}[- ]?\d{3}[- ]?\d{2,3}\b")
# Phone numbers: a + or a run of at least 7 digits with common separators.
_PHONE = re.compile(r"(?<![\w])\+?\d[\d\s().-]{6,}\d")


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
        return True
