"""Template tags for pages of other apps that show messages (the hearing page)."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.translation import gettext_lazy, ngettext

from mppdesk.reminders import planning

register = template.Library()


@register.simple_tag
def hearing_messages(hearing: Any) -> list[Any]:
    """The messages tied to ``hearing`` in sending order (the page checked access)."""
    return planning.planned_for(hearing)


@register.filter
def masked(value: Any) -> str:
    """A number or address with all but its end hidden ("•••• 4567", "a•••@mail.org")."""
    text = str(value or "")
    if "@" in text:
        local, _at, domain = text.partition("@")
        return f"{local[:1]}•••@{domain}"
    return f"•••• {text[-4:]}" if len(text) > 4 else "••••"


_RULE_WORDS = {
    "notice": gettext_lazy("at notice"),
    "evening": gettext_lazy("evening before"),
    "changed": gettext_lazy("hearing changed"),
    "cancelled": gettext_lazy("hearing cancelled"),
}
_DAYS_RULE = re.compile(r"^(\d{1,3})d$")


@register.filter
def rule_label(code: Any) -> str:
    """A reminder rule's code as words ("7d" → "7 days before"); other codes as they are
    (an admin may name a rule anything)."""
    text = str(code or "")
    if text in _RULE_WORDS:
        return str(_RULE_WORDS[text])
    match = _DAYS_RULE.match(text)
    if match:
        days = int(match.group(1))
        return ngettext("%(days)d day before", "%(days)d days before", days) % {"days": days}
    return text
