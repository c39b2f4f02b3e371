"""Check that a webhook request really comes from Twilio (``X-Twilio-Signature``).

The signature is an HMAC of the public URL Twilio called plus the POST parameters, keyed
with the account's auth token; the twilio library's ``RequestValidator`` computes it. The
URL is rebuilt from ``PUBLIC_BASE_URL`` (what Twilio was told), not from the Host header,
which a proxy may rewrite.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator


def public_url(request: HttpRequest) -> str:
    return str(settings.PUBLIC_BASE_URL or "").rstrip("/") + request.get_full_path()


def valid_twilio_signature(request: HttpRequest) -> bool:
    """True only with an auth token configured and a signature that matches it."""
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    validator = RequestValidator(token)
    return bool(validator.validate(public_url(request), request.POST.dict(), signature))


def twilio_webhook(
    view: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """A view Twilio calls: POST only, and answered only with a valid signature (403
    otherwise, before the view runs). The signature takes the place of the CSRF token,
    which Twilio cannot send; this is the one place CSRF protection is lifted."""

    @wraps(view)
    def signed(request: HttpRequest) -> HttpResponse:
        if not valid_twilio_signature(request):
            return HttpResponseForbidden("invalid signature", content_type="text/plain")
        return view(request)

    signed.twilio_webhook = True  # type: ignore[attr-defined]  # checked by a test
    return csrf_exempt(require_POST(signed))
