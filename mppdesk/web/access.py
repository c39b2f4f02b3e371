"""Page-level permission checks for web views (``accounts.permissions`` decides).

``requires(action)`` signs the user in, keeps the page out of caches, and answers 403 when
no role of the user allows ``action``. Record-level checks stay in the queries: a record
the user may not read is a 404, the same as a missing one.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache

from mppdesk.accounts.permissions import Action, can

View = Callable[..., HttpResponse]


def requires(action: Action) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not can(request.user, action):  # type: ignore[arg-type]
                raise PermissionDenied
            return view(request, *args, **kwargs)

        checked.required_action = action  # type: ignore[attr-defined]
        return login_required(never_cache(checked))

    return decorate
