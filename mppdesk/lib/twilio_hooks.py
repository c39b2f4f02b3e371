"""Check that a webhook request really comes from Twilio (``X-Twilio-Signature``).

The signature is an HMAC of the public URL Twilio called plus the POST parameters, keyed
with the account's auth token; the twilio library's ``RequestValidator`` computes it. The
URL is rebuilt from ``PUBLIC_BASE_URL`` (what Twilio was told), not from the Host header,
which a proxy may rewrite.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
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
