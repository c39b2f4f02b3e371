"""Twilio's delivery receipts (``POST /hooks/twilio/status``)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from mppdesk.lib.twilio_hooks import twilio_webhook
from mppdesk.messaging.services import apply_provider_status


@twilio_webhook
def twilio_status(request: HttpRequest) -> HttpResponse:
    """A status callback of a message or call; 403 and no change without a valid
    ``X-Twilio-Signature``. Unknown message ids are acknowledged (Twilio would retry)."""
    sid = request.POST.get("MessageSid") or request.POST.get("CallSid") or ""
    status = request.POST.get("MessageStatus") or request.POST.get("CallStatus") or ""
    apply_provider_status(
        provider_id=sid[:64], status=status[:32], error_code=request.POST.get("ErrorCode", "")
    )
    return HttpResponse(status=204)
