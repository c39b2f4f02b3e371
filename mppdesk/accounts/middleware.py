"""Two-factor enforcement for the web pages (the API authenticates with tokens instead)."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from mppdesk.accounts.services import confirmed_totp_device, two_factor_required

# Paths a signed-in but unverified user may still open. Everything else waits for the code.
_ALWAYS_OPEN = ("/healthz", "/readyz", "/i18n/", "/api/")


def _open_paths() -> tuple[str, ...]:
    return (
        *_ALWAYS_OPEN,
        settings.STATIC_URL or "/static/",
        reverse("login"),
        reverse("logout"),
        reverse("two_factor_setup"),
        reverse("two_factor_verify"),
    )


class TwoFactorMiddleware:
    """Send users whose role requires two-factor to enrolment or verification.

    Runs after ``OTPMiddleware``, which sets ``request.user.is_verified()`` from the
    session. A user without a confirmed device goes to enrolment (the expected first
    sign-in, demo users included); one with a device goes to the code page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(_open_paths())
        ):
            # Whoever has a device uses it, even where the role would not require one.
            device = confirmed_totp_device(user)
            if device is None and not two_factor_required(user):
                return self.get_response(request)
            target = "two_factor_verify" if device else "two_factor_setup"
            url = f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
            if request.headers.get("HX-Request"):
                # An htmx swap would put the code page inside the results box: reload instead.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return HttpResponseRedirect(url)
        return self.get_response(request)


#: Session key holding the Unix time the session's expiry was last pushed forward.
TOUCHED_KEY = "touched_at"


class SessionTouchMiddleware:
    """Idle expiry without a session write on every request.

    ``SESSION_SAVE_EVERY_REQUEST`` rewrites the session row on each request, which makes
    every page view a database write (and a row lock) even when nothing changed. Here a
    signed-in session is saved, and its expiry pushed ``SESSION_COOKIE_AGE`` forward, at
    most once per ``SESSION_TOUCH_SECONDS``: a session still expires after the idle time,
    at most that many seconds early. Sits after ``SessionMiddleware`` (its response hook
    runs first, so the save it asks for happens in the same response).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or session.is_empty() or not session.session_key:
            return response
        now = int(time.time())
        try:
            touched = int(session.get(TOUCHED_KEY, 0))
        except (TypeError, ValueError):
            touched = 0
        if session.modified or now - touched >= settings.SESSION_TOUCH_SECONDS:
            session[TOUCHED_KEY] = now
        return response
