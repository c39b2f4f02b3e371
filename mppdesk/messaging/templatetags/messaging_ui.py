"""Template tags that show messages on other apps' pages (the person page)."""

from __future__ import annotations

from typing import Any

from django import template

from mppdesk.accounts.permissions import Action, can
from mppdesk.messaging import queries

register = template.Library()

PANEL_SIZE = 10


@register.inclusion_tag("messaging/_person_panel.html", takes_context=True)
def person_messages(context: template.Context, person: Any) -> dict[str, Any]:
    """The person's latest messages with their timelines (the person page checked access:
    it is only rendered for a person ``visible_to`` the viewer)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    messages = queries.messages_of(person)
    rows = list(messages[: PANEL_SIZE + 1])
    more = len(rows) > PANEL_SIZE
    rows = queries.with_zones(rows[:PANEL_SIZE])
    return {
        "person": person,
        "rows": rows,
        "more": more,
        "total": messages.count() if more else len(rows),
        "can_send": can(user, Action.MESSAGE_SEND, person.organization_id),
        "request": request,
    }
