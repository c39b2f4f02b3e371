"""Public self-service: the inbound text hook and the lookup page (no sign-in).

Neither carries personal data in its URL: the hook reads Twilio's POST, the page is a
POST form. Both pad their answer to a fixed duration (``timing.padded``).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from twilio.twiml.messaging_response import MessagingResponse

from mppdesk.core import context
from mppdesk.lib.twilio_hooks import twilio_webhook
from mppdesk.selfservice import services, texts, timing
from mppdesk.selfservice.forms import LookupForm
from mppdesk.selfservice.models import Scope
from mppdesk.selfservice.ratelimit import ip_network


@twilio_webhook
@never_cache
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound SMS/WhatsApp webhook: act on the text, reply with TwiML.

    A request without a valid ``X-Twilio-Signature`` gets 403 and changes nothing.
    """
    sender = request.POST.get("From", "")
    channel = services.read_sender(sender).channel
    current = context.current()
    token = context.bind(context.RequestContext(current.request_id, current.ip, str(channel)))
    try:
        with timing.padded():
            reply = services.handle_inbound(
                sender=sender,
                body=request.POST.get("Body", ""),
                provider_id=request.POST.get("MessageSid", ""),
            )
    finally:
        context.reset(token)
    twiml = MessagingResponse()
    twiml.message(reply.text)
    return HttpResponse(str(twiml), content_type="text/xml; charset=utf-8")


def _lookup_page(request: HttpRequest, language: str) -> HttpResponse:
    """The form and, after a POST, the answer: the hearing, or the one generic text."""
    with translation.override(language):
        answer = ""
        generic = ""
        if request.method == "POST":
            with timing.padded():
                form = LookupForm(request.POST)
                if form.is_valid():
                    result = services.lookup_hearing(
                        a_number=form.cleaned_data["a_number"],
                        birth_date=form.cleaned_data["birth_date"],
                        requester_scope=Scope.IP,
                        requester=ip_network(request.META.get("REMOTE_ADDR", "")),
                    )
                    if result.matched and result.hearing is not None:
                        answer = services.answer_for(result.hearing, language)
                    else:
                        generic = texts.GENERIC[language]
                    form = LookupForm()  # nothing typed is shown again
        else:
            form = LookupForm()
        response = render(
            request,
            "selfservice/lookup.html",
            {
                "form": form,
                "answer": answer,
                "generic": generic,
                "page_language": language,
            },
        )
    response["Content-Language"] = language
    return response


@require_http_methods(["GET", "POST"])
@never_cache
def lookup_es(request: HttpRequest) -> HttpResponse:
    return _lookup_page(request, "es")


@require_http_methods(["GET", "POST"])
@never_cache
def lookup_en(request: HttpRequest) -> HttpResponse:
    return _lookup_page(request, "en")
