"""Public self-service: the inbound text hook and the lookup pages (no sign-in), one
per language; and the case worker's unlock of an A-number (signed in).

None carries personal data in its URL: the hook reads Twilio's POST, the pages are POST
forms, the unlock names a case by its random id. The hook and the pages pad their
answer to a fixed duration (``timing.padded``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, cast
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from twilio.twiml.messaging_response import MessagingResponse

from mppdesk.accounts.permissions import Action
from mppdesk.cases import queries as case_queries
from mppdesk.core import context
from mppdesk.lib.twilio_hooks import twilio_webhook
from mppdesk.selfservice import services, timing
from mppdesk.selfservice.forms import LookupForm
from mppdesk.selfservice.models import Scope
from mppdesk.selfservice.ratelimit import ip_network
from mppdesk.web.access import requires

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


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


#: The lookup page of each language: URL name, and the language's own name for it.
PAGES: dict[str, tuple[str, str]] = {
    "es": ("selfservice_es", "Español"),
    "en": ("selfservice_en", "English"),
    "pt": ("selfservice_pt", "Português"),
    "ht": ("selfservice_ht", "Kreyòl ayisyen"),
    "fr": ("selfservice_fr", "Français"),
}


def language_pages(current: str) -> list[dict[str, object]]:
    """The header's language switch on a public page: a link to the same page in each
    language (the staff UI's switch sets a session language, which these pages, one
    URL per language, would ignore)."""
    return [
        {"code": code, "name": name, "url": reverse(url_name), "current": code == current}
        for code, (url_name, name) in PAGES.items()
    ]


def _lookup_page(request: HttpRequest, language: str) -> HttpResponse:
    """The form and, after a POST, the answer: the hearing, the one generic "not found"
    text, or a refusal that says what it is (too many attempts from this connection,
    or a number protected for a while)."""
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
                        generic = services.reply_text(result, language, web=True)
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
                "language_pages": language_pages(language),
                "language_pages_label": _("Language"),
            },
        )
    response["Content-Language"] = language
    return response


def _page(language: str) -> Callable[[HttpRequest], HttpResponse]:
    @require_http_methods(["GET", "POST"])
    @never_cache
    def view(request: HttpRequest) -> HttpResponse:
        return _lookup_page(request, language)

    view.__name__ = view.__qualname__ = f"lookup_{language}"
    view.__doc__ = f"The public lookup page in {PAGES[language][1]}."
    return view


lookup_es = _page("es")
lookup_en = _page("en")
lookup_pt = _page("pt")
lookup_ht = _page("ht")
lookup_fr = _page("fr")


# --- Case workers --------------------------------------------------------------------


@requires(Action.PERSON_WRITE)
@require_POST
def unlock_case(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Clear the self-service lock of a case's A-number (the button on the person page).

    Another organization's case is a 404; a case shared by referral is read-only (403).
    Back to the page the button was on (``next``), else the lead respondent's page.
    """
    user = cast("User", request.user)
    case = case_queries.get_case_for_update(user, pk)
    services.unlock_lookups(actor=user, case=case)
    messages.success(request, _("Self-service lookups of this A-number are open again."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return HttpResponseRedirect(target)
    return redirect("people:detail", pk=case.lead_id)
