"""Request helpers every web view uses: who is signed in, and what htmx asked for.

Views behind ``login_required`` or ``web.access.requires`` read the user with
:func:`current_user`; a view that renders a fragment for htmx asks :func:`is_htmx` or
:func:`htmx_target` (``django_htmx``'s middleware parses the headers).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import HttpRequest

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


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
