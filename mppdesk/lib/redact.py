"""Scrub personal identifiers out of log records.

A-numbers, phone numbers and e-mail addresses are replaced before a record reaches
any handler, so a stray ``logger.info(f"... {person.phone}")`` cannot leak them.

Names cannot be recognized in free text, so tracebacks keep the exception types and
the frames (file, line, source line) but not the exception *messages*: a message such
as ``KeyError('Guadalupe')`` or a database error's ``DETAIL: Key (...)=(...)`` can hold
any value the code was handling. An exception class whose messages are known to hold
no personal data opts back in with ``log_message_is_safe = True``.
"""

from __future__ import annotations

import logging
import re
import traceback
from types import TracebackType

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


# Record ids: never personal data, and a digit run inside one ("58151988-9a14-...") must
# not be read as a phone number or an A-number (the id would be lost from the log).
# The group makes ``split`` keep the ids: free text at even places, ids at odd ones.
_UUID = re.compile(
    r"\b([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\b"
)


def _redact_free_text(text: str) -> str:
    text = _EMAIL.sub("[email]", text)
    text = _ANUMBER.sub("[a-number]", text)
    return _PHONE.sub("[phone]", text)


def redact(text: str) -> str:
    """``text`` with e-mail addresses, A-numbers and phone numbers replaced; UUIDs kept."""
    parts = _UUID.split(text)
    return "".join(part if i % 2 else _redact_free_text(part) for i, part in enumerate(parts))


WITHHELD = "[message withheld]"


def _message_is_safe(exc: BaseException) -> bool:
    return bool(getattr(type(exc), "log_message_is_safe", False))


def format_exception_safely(exc: BaseException, tb: TracebackType | None = None) -> str:
    """A traceback like ``logging.Formatter.formatException`` without unsafe messages.

    Chained exceptions (``raise ... from ...`` and exceptions during handling) are shown
    the way Python shows them, each with its frames and type.
    """
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, traceback._cause_message  # type: ignore[attr-defined]
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, traceback._context_message  # type: ignore[attr-defined]
        else:
            current = None
    parts: list[str] = []
    for item, link in reversed(chain):
        item_tb = tb if item is exc and tb is not None else item.__traceback__
        if item_tb is not None:
            parts.append("Traceback (most recent call last):\n")
            parts.extend(traceback.format_tb(item_tb))
        kind = type(item)
        name = kind.__qualname__
        if kind.__module__ not in {"builtins", "__main__"}:
            name = f"{kind.__module__}.{name}"
        message = redact(str(item)) if _message_is_safe(item) else WITHHELD
        parts.append(f"{name}: {message}\n")
        # ``link`` says how the exception printed next followed from this one.
        if link:
            parts.append(link)
    return "".join(parts).rstrip("\n")


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not drop the record
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Render the traceback now, without exception messages, and redact it;
            # handlers then print our text.
            record.exc_text = redact(
                format_exception_safely(record.exc_info[1], record.exc_info[2])
            )
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
