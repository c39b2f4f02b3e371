"""Case-worker pages of the outbox: message history, people at risk, manual send, and the
coordinators' template editor and reminder policies.

URLs carry random UUIDs, template keys and program versions only; never a phone number,
a name or a message body. Every page that shows a person goes through
``people.queries.get_person`` / ``queries.get_message`` (another organization's record is
a 404) and records the view in the audit log.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mppdesk.accounts.models import User
from mppdesk.accounts.permissions import Action
from mppdesk.cases.models import ProgramVersion
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.core.pagination import CappedPaginator
from mppdesk.messaging import queries
from mppdesk.messaging.forms import ManualSendForm, PolicyForm, RuleFormSet, TemplateForm
from mppdesk.messaging.models import Channel, TemplateKind
from mppdesk.messaging.services import enqueue_message
from mppdesk.people import queries as people_queries
from mppdesk.places.models import Venue
from mppdesk.reminders import catalog
from mppdesk.reminders import services as reminder_services
from mppdesk.reminders.models import LANGUAGE_CHOICES, LANGUAGES
from mppdesk.reminders.policy import get_policy_row
from mppdesk.reminders.segments import is_gsm7, non_gsm_characters, segment_info
from mppdesk.web.access import requires
from mppdesk.web.request import current_user, export_response, is_htmx

PAGE_SIZE = 50


# --- history ------------------------------------------------------------------------------


@requires(Action.PERSON_READ)
@require_GET
def person_messages(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Every message to one person, newest first, each with its status timeline."""
    user = current_user(request)
    person, history = queries.get_person_messages_for_view(user, pk)
    sort = queries.MESSAGES_SORTING.parse(request.GET.get("sort"))
    history = queries.MESSAGES_SORTING.apply(history, sort)
    page = CappedPaginator(history, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.with_zones(list(page.object_list))
    context = {
        "person": person,
        "page": page,
        "rows": rows,
        "can_send": queries.may_send(user, person.organization_id),
        "sort": sort,
        "sorting": queries.MESSAGES_SORTING,
    }
    return render(request, "messaging/person_messages.html", context)


@requires(Action.LIST_EXPORT)
@require_GET
def person_messages_export(request: HttpRequest, pk: UUID) -> HttpResponse:
    """A person's messages as CSV, in the page's order."""
    return export_response(
        request,
        lambda: queries.export_person_messages(current_user(request), pk, request.GET.get("sort")),
        reverse("messaging:person", kwargs={"pk": pk}),
    )


@requires(Action.PERSON_READ)
@require_GET
def message_timeline(request: HttpRequest, pk: UUID) -> HttpResponse:
    """One message's status timeline (an htmx fragment; a page without htmx)."""
    user = current_user(request)
    message = queries.get_message_for_view(user, pk)
    message.zone = queries.local_zone_of(message)  # type: ignore[attr-defined]
    template = "messaging/_timeline.html" if is_htmx(request) else "messaging/timeline.html"
    return render(request, template, {"message": message, "person": message.person})


# --- at risk ------------------------------------------------------------------------------


@requires(Action.PERSON_READ)
@require_GET
def at_risk(request: HttpRequest) -> HttpResponse:
    """People with a hearing in the next 14 days who may not hear about it."""
    user = current_user(request)
    rows, selection = _at_risk_rows(request)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    queries.record_at_risk_viewed(user, shown)
    shown_orgs = {row.person.organization_id for row in shown}
    sendable = {org_id for org_id in shown_orgs if queries.may_send(user, org_id)}
    context = {
        "page": page,
        "rows": shown,
        "reasons": list(queries.REASONS.items()),
        "venues": Venue.objects.order_by("name"),
        "sendable": sendable,
        "days": queries.AT_RISK_DAYS,
        "sorting": queries.AT_RISK_SORTING,
        **selection,
    }
    return render(request, "messaging/at_risk.html", context)


def _at_risk_rows(request: HttpRequest) -> tuple[list[Any], dict[str, Any]]:
    """The at-risk rows the page's filters and sort select, and what describes them."""
    user = current_user(request)
    reason = request.GET.get("reason", "")
    if reason not in queries.REASONS:
        reason = ""
    venue = None
    venue_code = request.GET.get("venue", "")
    if venue_code:
        venue = Venue.objects.filter(code=venue_code).first()
        if venue is None:
            venue_code = ""
    sort = queries.AT_RISK_SORTING.parse(request.GET.get("sort"))
    rows = queries.AT_RISK_SORTING.sort_rows(
        queries.at_risk(user, reason=reason or None, venue=venue), sort
    )
    return rows, {"reason": reason, "venue": venue_code, "sort": sort}


@requires(Action.LIST_EXPORT)
@require_GET
def at_risk_export(request: HttpRequest) -> HttpResponse:
    """The at-risk list as CSV, with the page's filters and sort."""
    rows, _selection = _at_risk_rows(request)
    return export_response(
        request,
        lambda: queries.export_at_risk(current_user(request), rows),
        f"{reverse('messaging:at_risk')}?{request.GET.urlencode()}",
    )


# --- manual send --------------------------------------------------------------------------


def _send_context(person: Any, form: ManualSendForm, **extra: Any) -> dict[str, Any]:
    return {
        "person": person,
        "form": form,
        "has_usable": any(queries.usable(p) for p in queries.contact_choices(person)),
        **extra,
    }


def _compose(user: User, person: Any, form: ManualSendForm, *, for_preview: bool) -> Any:
    data = form.data
    return queries.compose_manual(
        user,
        person,
        contact_point=data.get("contact_point", ""),
        kind=str(data.get("template", "")),
        language=str(data.get("language", "")),
        text=str(data.get("text", "")),
        confirm_name=str(data.get("confirm_name", "")) in ("on", "true", "1"),
        for_preview=for_preview,
    )


@requires(Action.MESSAGE_SEND)
@require_http_methods(["GET", "POST"])
def send(request: HttpRequest, pk: UUID) -> HttpResponse:
    """Send one message to a person by hand: pick a contact, a template, a language."""
    user = current_user(request)
    person = people_queries.get_person(user, pk)
    if request.method != "POST":
        form = ManualSendForm(person=person)
        return render(request, "messaging/send.html", _send_context(person, form))
    form = ManualSendForm(request.POST, person=person)
    if form.is_valid():
        try:
            composed = _compose(user, person, form, for_preview=False)
            key = queries.manual_key(user, form.cleaned_data["idempotency_key"])
            enqueue_message(actor=user, **composed.enqueue_kwargs(key))
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors)
        else:
            flash.success(request, _("Message queued; it goes out in a moment."))
            return redirect("messaging:person", pk=person.pk)
    else:
        # Show every problem at once (an opted-out contact and an A-number in the text).
        try:
            _compose(user, person, form, for_preview=False)
        except FieldErrors as exc:
            for name, problems in exc.errors.items():
                if name in form.fields and name not in form.errors:
                    for problem in problems:
                        form.add_error(name, problem)
    return render(request, "messaging/send.html", _send_context(person, form), status=400)


@requires(Action.MESSAGE_SEND)
@require_POST
def send_preview(request: HttpRequest, pk: UUID) -> HttpResponse:
    """The message as it would go out, with its SMS segment count (htmx, live)."""
    user = current_user(request)
    person = people_queries.get_person(user, pk)
    form = ManualSendForm(request.POST, person=person)
    composed, problems = None, {}
    try:
        composed = _compose(user, person, form, for_preview=True)
    except FieldErrors as exc:
        problems = exc.errors
    context = {"composed": composed, "problems": problems, "sms": _sms(composed)}
    return render(request, "messaging/_send_preview.html", context)


def _sms(composed: Any) -> dict[str, Any] | None:
    if composed is None or composed.channel != Channel.SMS:
        return None
    return _segments(composed.body)


def _segments(text: str) -> dict[str, Any]:
    info = segment_info(text)
    return {
        "encoding": info.encoding,
        "units": info.units,
        "segments": info.segments,
        "non_gsm": non_gsm_characters(text),
        # the non-GSM characters are highlighted in the preview
        "marked": [(c, not is_gsm7(c)) for c in text],
    }


# --- templates ----------------------------------------------------------------------------


def _template_key(kind: str, channel: str, language: str) -> tuple[str, str, str]:
    if (
        kind not in TemplateKind.values
        or channel not in Channel.values
        or language not in LANGUAGES
    ):
        raise Http404
    return kind, channel, language


@requires(Action.MESSAGE_TEMPLATE_MANAGE)
@require_GET
def template_list(request: HttpRequest) -> HttpResponse:
    """Every kind × channel × language, marking the edited ones."""
    by_kind: dict[str, dict[str, Any]] = {}
    for row in catalog.catalogue():
        entry = by_kind.setdefault(
            row["kind"],
            {"kind": row["kind"], "label": TemplateKind(row["kind"]).label, "channels": {}},
        )
        entry["channels"].setdefault(row["channel"], []).append(row)
    kinds = [
        {
            **entry,
            "channels": [(Channel(c).label, c, rows) for c, rows in entry["channels"].items()],
        }
        for entry in by_kind.values()
    ]
    return render(
        request,
        "messaging/templates.html",
        {"kinds": kinds, "languages": LANGUAGE_CHOICES},
    )


def _editor_context(
    kind: str, channel: str, language: str, body: str, **extra: Any
) -> dict[str, Any]:
    current, is_override = catalog.template_body(kind, channel, language)
    return {
        "kind": kind,
        "kind_label": TemplateKind(kind).label,
        "channel": channel,
        "channel_label": Channel(channel).label,
        "language": language,
        "language_label": dict(LANGUAGE_CHOICES)[language],
        "is_override": is_override,
        "placeholders": catalog.PLACEHOLDERS.get(kind, ()),
        "default": catalog.default_body(kind, channel, language),
        **_preview_context(kind, channel, language, body),
        **extra,
    }


def _preview_context(kind: str, channel: str, language: str, body: str) -> dict[str, Any]:
    body = body.replace("\r\n", "\n")
    problems = catalog.validate_body(kind, channel, body)
    try:
        preview = catalog.preview(kind, channel, language, body)
    except ValueError:
        preview = ""
    return {
        "problems": problems,
        "preview": preview,
        "sms": _segments(preview) if channel == Channel.SMS else None,
    }


@requires(Action.MESSAGE_TEMPLATE_MANAGE)
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, kind: str, channel: str, language: str) -> HttpResponse:
    """Edit one text; the preview and the SMS segment count follow as you type."""
    kind, channel, language = _template_key(kind, channel, language)
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                reminder_services.save_template(
                    actor=current_user(request),
                    kind=kind,
                    channel=channel,
                    language=language,
                    body=form.cleaned_data["body"],
                )
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors)
            else:
                flash.success(request, _("Template saved."))
                return redirect(
                    "messaging:template_edit", kind=kind, channel=channel, language=language
                )
        body = str(request.POST.get("body", ""))
        context = _editor_context(kind, channel, language, body, form=form)
        return render(request, "messaging/template_edit.html", context, status=400)
    body, _is_override = catalog.template_body(kind, channel, language)
    form = TemplateForm(initial={"body": body})
    context = _editor_context(kind, channel, language, body, form=form)
    return render(request, "messaging/template_edit.html", context)


@requires(Action.MESSAGE_TEMPLATE_MANAGE)
@require_POST
def template_preview(request: HttpRequest, kind: str, channel: str, language: str) -> HttpResponse:
    kind, channel, language = _template_key(kind, channel, language)
    context = _preview_context(kind, channel, language, str(request.POST.get("body", "")))
    return render(request, "messaging/_template_preview.html", {**context, "channel": channel})


@requires(Action.MESSAGE_TEMPLATE_MANAGE)
@require_POST
def template_reset(request: HttpRequest, kind: str, channel: str, language: str) -> HttpResponse:
    kind, channel, language = _template_key(kind, channel, language)
    if reminder_services.reset_template(
        actor=current_user(request), kind=kind, channel=channel, language=language
    ):
        flash.success(request, _("Back to the default text."))
    else:
        flash.info(request, _("This template already uses the default text."))
    return redirect("messaging:template_edit", kind=kind, channel=channel, language=language)


# --- reminder policies --------------------------------------------------------------------


@requires(Action.MESSAGE_TEMPLATE_MANAGE)
@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    rows = [(value, label, get_policy_row(value)) for value, label in ProgramVersion.choices]
    return render(request, "messaging/policies.html", {"rows": rows})


def _program_version(value: str) -> str:
    if value not in ProgramVersion.values:
        raise Http404
    return value


@requires(Action.MESSAGE_TEMPLATE_MANAGE)
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, program_version: str) -> HttpResponse:
    """The reminder rules and quiet hours of one program version."""
    program_version = _program_version(program_version)
    row = get_policy_row(program_version)
    label = ProgramVersion(program_version).label
    if request.method == "POST":
        form = PolicyForm(request.POST)
        rules = RuleFormSet(request.POST, prefix="rules")
        if form.is_valid() and rules.is_valid():
            parsed = [r for r in (f.rule() for f in rules.forms) if r is not None]
            try:
                reminder_services.update_policy(
                    actor=current_user(request),
                    program_version=program_version,
                    rules=parsed,
                    quiet_start=form.cleaned_data["quiet_start"],
                    quiet_end=form.cleaned_data["quiet_end"],
                )
            except FieldErrors as exc:
                apply_field_errors(form, exc.errors)
            else:
                flash.success(request, _("Reminder rules saved."))
                return redirect("messaging:policy_edit", program_version=program_version)
        context = {"form": form, "rules": rules, "program_version": program_version, "label": label}
        return render(request, "messaging/policy_edit.html", context, status=400)
    form = PolicyForm(
        initial={
            "quiet_start": f"{row.quiet_start:%H:%M}",
            "quiet_end": f"{row.quiet_end:%H:%M}",
        }
    )
    rules = RuleFormSet(initial=list(row.rules), prefix="rules")
    context = {"form": form, "rules": rules, "program_version": program_version, "label": label}
    return render(request, "messaging/policy_edit.html", context)
