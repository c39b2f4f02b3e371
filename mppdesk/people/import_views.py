"""Web upload of people files (placeholder until the importer lands)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def import_people_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Import is not available yet.", status=501)
