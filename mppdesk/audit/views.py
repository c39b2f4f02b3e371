"""The auditor's pages: the log with filters, and a check of its hash chain.

Only auditors and administrators (``audit.queries.require_auditor``); anyone else signed
in gets 404, like a page that does not exist.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from mppdesk.audit import queries
from mppdesk.audit.forms import AuditFilterForm
from mppdesk.audit.verify import verify_chain
from mppdesk.web.request import current_user

PAGE_SIZE = 50


@login_required
@never_cache
@require_GET
def entry_list(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    entries = queries.entries_for(user)  # 404 unless auditor or admin
    form = AuditFilterForm(request.GET or None, organizations=queries.organizations_for(user))
    if form.is_bound and form.is_valid():
        entries = form.apply(entries)
    elif form.is_bound:
        entries = entries.none()
    entries = entries.select_related("actor", "organization").order_by("-seq")
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "audit/list.html",
        {"form": form, "page": page, "filters": filters.urlencode()},
    )


@login_required
@never_cache
@require_POST
def verify(request: HttpRequest) -> HttpResponse:
    queries.require_auditor(current_user(request))
    result = verify_chain()
    template = "audit/_verify.html" if getattr(request, "htmx", False) else "audit/verify.html"
    return render(request, template, {"result": result}, status=200)
