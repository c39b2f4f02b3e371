"""Template tags for pages of other apps that show messages (the hearing page)."""

from __future__ import annotations

from typing import Any

from django import template

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
