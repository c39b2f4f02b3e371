"""Characters no text input may carry: control characters and lone surrogates.

A NUL byte is refused by PostgreSQL (so a value that SQLite stored would break a move
to PostgreSQL, and a NUL in a query parameter is a server error there), hides the rest
of a string from C code that reads it, and never belongs in a name or a note. Other
control characters (escape, backspace, form feed...) are invisible tricks in a printed
notice or a spreadsheet. A lone surrogate (``"\\ud800"``, which JSON can carry) cannot
be encoded as UTF-8 at all. Tab, line feed and carriage return are ordinary text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def forbidden_character(text: str) -> str | None:
    """The first forbidden character of ``text`` (``None`` if it has none)."""
    match = _FORBIDDEN.search(text)
    return match.group() if match else None


def message() -> str:
    return _("Control characters (such as NUL) are not allowed.")


def find_in(value: Any) -> str | None:
    """A forbidden character anywhere in ``value``: a string, or strings inside lists,
    tuples and mappings (keys too)."""
    if isinstance(value, str):
        return forbidden_character(value)
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = find_in(key) or find_in(item)
            if found:
                return found
        return None
    if isinstance(value, list | tuple | set | frozenset):
        for item in value:
            found = find_in(item)
            if found:
                return found
    return None


def check(value: Any) -> Any:
    """``value`` unchanged, or ``ValueError`` (with the user-facing message) if any text
    in it carries a forbidden character. For validators."""
    if find_in(value) is not None:
        raise ValueError(message())
    return value


def field_errors(values: Mapping[str, Any]) -> dict[str, list[str]]:
    """``{field: [message]}`` for every field of ``values`` holding a forbidden character."""
    return {name: [message()] for name, value in values.items() if find_in(value) is not None}
