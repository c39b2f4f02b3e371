from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from mppdesk.core.access import active_membership


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"membership": None}
    return {"membership": active_membership(user)}
