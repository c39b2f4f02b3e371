"""Web upload of a people file (CSV or XLSX): validate, optionally write, show the report."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from mppdesk.accounts.permissions import Action
from mppdesk.core.access import active_membership
from mppdesk.people import import_template
from mppdesk.people.importer import ImportReport, check_import_allowed, import_people
from mppdesk.people.models import Person
from mppdesk.web.access import requires

# After an import the page links to at most this many of the people created.
SHOWN_CREATED = 50
# The page lists at most this many problems; the rest are counted. A broken 100,000-row
# file would otherwise render a page nobody can read (and the browser cannot either).
SHOWN_PROBLEMS = 500


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (comma, semicolon or tab separated) or XLSX; the first row is the header."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file (dry run): write nothing"),
        required=False,
        initial=True,
    )


@requires(Action.PERSON_IMPORT)
@require_http_methods(["GET", "POST"])
def import_people_view(request: HttpRequest) -> HttpResponse:
    membership = active_membership(request.user)  # type: ignore[arg-type]
    if membership is None:
        raise Http404
    check_import_allowed(request.user, membership.organization)  # type: ignore[arg-type]
    report: ImportReport | None = None
    status = 200
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            report = import_people(
                upload,
                filename=upload.name,
                actor=request.user,  # type: ignore[arg-type]
                organization=membership.organization,
                dry_run=form.cleaned_data["dry_run"],
            )
            if not report.ok:
                status = 422
        else:
            status = 422
    else:
        form = ImportForm()
    created: list[Person] = []
    if report is not None and report.written:
        created = list(
            Person.objects.visible_to(request.user)
            .filter(pk__in=report.created_person_ids[:SHOWN_CREATED])
            .order_by("family_names", "given_names")
        )
    context = {
        "form": form,
        "report": report,
        "created": created,
        "hidden_created": max(0, report.created_people - len(created)) if report else 0,
        "shown": SHOWN_PROBLEMS,
        "errors": report.errors[:SHOWN_PROBLEMS] if report else [],
        "duplicates": report.duplicates[:SHOWN_PROBLEMS] if report else [],
        "hidden_errors": max(0, len(report.errors) - SHOWN_PROBLEMS) if report else 0,
        "hidden_duplicates": max(0, len(report.duplicates) - SHOWN_PROBLEMS) if report else 0,
    }
    return render(request, "people/import.html", context, status=status)


@requires(Action.PERSON_IMPORT)
@require_GET
def import_template_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """The blank template, with headers in the page's language."""
    if fmt == "xlsx":
        response = HttpResponse(
            import_template.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(import_template.template_csv(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="mppdesk-people-template.{fmt}"'
    return response
