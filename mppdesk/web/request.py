"""Request helpers every web view uses: who is signed in, and what htmx asked for.

Views behind ``login_required`` or ``web.access.requires`` read the user with
:func:`current_user`; a view that renders a fragment for htmx asks :func:`is_htmx` or
:func:`htmx_target` (``django_htmx``'s middleware parses the headers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast

from django.http import HttpRequest, HttpResponse

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.audit.exports import ListExport


def current_user(request: HttpRequest) -> User:
    """The signed-in user (views using this are all ``login_required``)."""
    return cast("User", request.user)


def is_htmx(request: HttpRequest) -> bool:
    """Whether htmx sent the request (the ``HX-Request: true`` header)."""
    return bool(getattr(request, "htmx", False))


def htmx_target(request: HttpRequest) -> str | None:
    """The id of the element htmx will swap, if any (the ``HX-Target`` header)."""
    htmx = getattr(request, "htmx", None)
    return htmx.target if htmx else None


def csv_response(export: ListExport) -> HttpResponse:
    """A list export (``audit.exports``) as a download; never stored by a cache."""
    response = HttpResponse(export.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "no-store"
    return response


def export_response(
    request: HttpRequest, make_export: Callable[[], ListExport], back: str
) -> HttpResponse:
    """A list export as a download; when it is refused for its size (``ExportTooLarge``),
    back to the list at ``back`` with the reason as a message."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from mppdesk.audit.exports import ExportTooLarge

    try:
        export = make_export()
    except ExportTooLarge as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return csv_response(export)
