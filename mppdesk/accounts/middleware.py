"""Two-factor enforcement for the web pages (the API authenticates with tokens instead)."""

from __future__ import annotations

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
