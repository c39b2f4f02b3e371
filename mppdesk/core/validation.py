"""Generic input cleaning shared by every app: lists and yes/no answers.

Domain rules (what a valid person, hearing or transfer is) stay in the domain apps; the
pieces here only turn raw form, JSON or spreadsheet values into Python values.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from mppdesk.lib.text import fold

_TRUE = {"1", "true", "t", "yes", "y", "si", "s", "sim", "oui", "on", "x"}
_FALSE = {"0", "false", "f", "no", "n", "nao", "non", "off", ""}


def split_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        parts: Iterable[str] = value.replace(";", ",").replace("|", ",").split(",")
    else:
        parts = (str(v) for v in value)
    return [p.strip() for p in parts if p and p.strip()]


def to_bool(value: Any) -> bool:
    """A yes/no answer from a form, JSON or a spreadsheet cell; ``ValueError`` if unclear.

    ``bool("no")`` is True, so strings must never reach ``bool()``: a "no" in a consent
    column would record consent.
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = fold(str(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueError(_("Expected yes or no, got %(value)s.") % {"value": repr(str(value)[:20])})
