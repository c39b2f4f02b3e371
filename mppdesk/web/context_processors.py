from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mppdesk.accounts.permissions import actions_for
from mppdesk.core.access import active_membership


def membership(request: HttpRequest) -> dict[str, Any]:
    """The active membership, and ``allowed``: the action names the user's roles allow
    (``accounts.permissions``), so the menu shows only what the user can open."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"membership": None, "allowed": frozenset()}
    return {
        "membership": active_membership(user),
        "allowed": frozenset(action.value for action in actions_for(user)),
    }
