from __future__ import annotations

import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation.trans_real import parse_accept_lang_header

from mppdesk.core import context


class RequestIdMiddleware:
    """Give every request an id (kept from ``X-Request-ID`` when sane) for logs and audit."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
        channel = "api" if request.path.startswith("/api/") else "web"
        token = context.bind(
            context.RequestContext(
                request_id=request_id, ip=request.META.get("REMOTE_ADDR"), channel=channel
            )
        )
        request.request_id = request_id  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response


API_DEFAULT_LANGUAGE = "en"


def api_language(accept_language: str) -> str:
    """The language an API response is written in, from an ``Accept-Language`` header.

    The first language (by quality) that the site supports, else English: API clients
    are mostly scripts and integrations, which should not get Spanish because
    ``LANGUAGE_CODE`` is Spanish for the web pages.
    """
    for code, _quality in parse_accept_lang_header(accept_language or ""):
        if code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code, strict=True)
        except LookupError:
            continue
    return API_DEFAULT_LANGUAGE


class ApiLanguageMiddleware:
    """Under ``/api/`` answer in the ``Accept-Language`` of the request, English without one.

    Runs after ``LocaleMiddleware``, whose cookie, session and ``LANGUAGE_CODE`` fallback
    are right for browsers but not for machine clients. ``LocaleMiddleware`` still sets
    ``Content-Language`` and ``Vary: Accept-Language`` on the way out, from the language
    activated here.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/"):
            language = api_language(request.headers.get("Accept-Language", ""))
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
