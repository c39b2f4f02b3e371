from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mppdesk.accounts.permissions import Action, can


@require_GET
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """The process is up; says nothing about its dependencies."""
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """Ready to serve: the database answers a query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # noqa: BLE001 - any database failure means not ready
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


#: Where each kind of user starts: the first page their roles allow, in this order.
START_PAGES: list[tuple[Action, str]] = [
    (Action.PERSON_READ, "people:list"),
    (Action.DOCKET_READ, "hearings:calendar"),
    (Action.STATS_READ, "stats:index"),
    (Action.AUDIT_READ, "audit:list"),
]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    for action, url_name in START_PAGES:
        if can(request.user, action):  # type: ignore[arg-type]
            return redirect(url_name)
    # Signed in, but no role here opens a page (no membership, or an inactive organization).
    raise PermissionDenied
