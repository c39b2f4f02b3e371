"""The self-service lock of a case's A-number, on other apps' pages (the person page)."""

from __future__ import annotations

from typing import Any

from django import template

from mppdesk.selfservice import queries

register = template.Library()


@register.simple_tag
def lookup_locks(cases: Any) -> str:
    """Set ``case.lookup_lock`` (a ``queries.LockState``) on each case, one query for all
    (the page read the cases through a scoped query). Renders nothing."""
    cases = list(cases)
    states = queries.lock_states(cases)
    for case in cases:
        case.lookup_lock = states[case.pk]
    return ""
