"""All writes of the reminders app: template overrides and reminder policies.

Templates and policies are program-wide (no personal data): an actor needs
``message.template.manage`` in any of their organizations (coordinators, admins), and
the audit entry is filed under the first such organization. ``actor`` ``None`` is the
system (migrations, demo). Bad input raises ``FieldErrors`` naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.cases.models import ProgramVersion
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.messaging.models import Channel, TemplateKind
from mppdesk.reminders import catalog
from mppdesk.reminders.models import LANGUAGES, MessageTemplate, ReminderPolicy
from mppdesk.reminders.policy import get_policy_row, parse_time, validate_rules

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User


def _require(actor: User | None) -> None:
    if actor is not None and not can(actor, Action.MESSAGE_TEMPLATE_MANAGE):
        raise PermissionDenied


def _audit_org(actor: User | None) -> Organization | None:
    if actor is None:
        return None
    from mppdesk.accounts.models import Organization

    ids = orgs_where(actor, Action.MESSAGE_TEMPLATE_MANAGE)
    return Organization.objects.filter(pk__in=ids).order_by("pk").first() if ids else None


def _user(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _check_key(kind: str, channel: str, language: str, errors: dict[str, list[str]]) -> None:
    if kind not in TemplateKind.values:
        errors["kind"] = [_("Unknown kind of message.")]
    if channel not in Channel.values:
        errors["channel"] = [_("Unknown channel.")]
    if language not in LANGUAGES:
        errors["language"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(LANGUAGES)}]


def template_key(kind: str, channel: str, language: str) -> str:
    """The audit log's id of a template (stable across reset and re-edit)."""
    return f"{kind}:{channel}:{language}"


@transaction.atomic
def save_template(
    *, actor: User | None, kind: str, channel: str, language: str, body: str
) -> MessageTemplate:
    """Store ``body`` as the text of (kind, channel, language), replacing the default.

    ``FieldErrors`` on ``body`` for an empty or too long text, malformed braces or a
    placeholder the kind does not have (each one named).
    """
    _require(actor)
    errors: dict[str, list[str]] = {}
    _check_key(kind, channel, language, errors)
    body = str(body or "").replace("\r\n", "\n").strip()
    if "kind" not in errors:
        problems = catalog.validate_body(kind, channel, body)
        if problems:
            errors["body"] = problems
    if errors:
        raise FieldErrors(errors)
    template, created = MessageTemplate.objects.select_for_update().get_or_create(
        kind=kind,
        channel=channel,
        language=language,
        defaults={"body": body, "updated_by": _user(actor)},
    )
    if not created:
        template.body = body
        template.updated_by = _user(actor)
        template.save()
    audit.record(
        actor=actor,
        organization=_audit_org(actor),
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        object_type=ObjectType.MESSAGE_TEMPLATE,
        object_id=template_key(kind, channel, language),
        fields=["body"],
    )
    return template


@transaction.atomic
def reset_template(*, actor: User | None, kind: str, channel: str, language: str) -> bool:
    """Go back to the default text; False when there was no override."""
    _require(actor)
    errors: dict[str, list[str]] = {}
    _check_key(kind, channel, language, errors)
    if errors:
        raise FieldErrors(errors)
    deleted, _rows = MessageTemplate.objects.filter(
        kind=kind, channel=channel, language=language
    ).delete()
    if deleted:
        audit.record(
            actor=actor,
            organization=_audit_org(actor),
            action=AuditAction.DELETE,
            object_type=ObjectType.MESSAGE_TEMPLATE,
            object_id=template_key(kind, channel, language),
            fields=["body"],
        )
    return bool(deleted)


@transaction.atomic
def update_policy(
    *,
    actor: User | None,
    program_version: str,
    rules: Any,
    quiet_start: dt.time | str,
    quiet_end: dt.time | str,
) -> ReminderPolicy:
    """Replace the reminder rules and quiet hours of ``program_version``.

    ``rules`` is a list of ``{"code", "template", "days_before", "at"}`` (see
    ``policy.DEFAULT_RULES``). Changes apply to hearings scheduled or moved from now on;
    reminders already planned keep their times. ``FieldErrors`` on ``program_version``,
    ``rules``, ``quiet_start`` or ``quiet_end``.
    """
    _require(actor)
    errors: dict[str, list[str]] = {}
    if program_version not in ProgramVersion.values:
        errors["program_version"] = [
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(ProgramVersion.values)}
        ]
    parsed, problems = validate_rules(rules)
    if problems:
        errors["rules"] = problems
    start, end = parse_time(quiet_start), parse_time(quiet_end)
    if start is None:
        errors["quiet_start"] = [_("Give the time as HH:MM.")]
    if end is None:
        errors["quiet_end"] = [_("Give the time as HH:MM.")]
    if errors:
        raise FieldErrors(errors)
    assert start is not None and end is not None  # noqa: S101 - checked above
    row = get_policy_row(program_version)
    row = ReminderPolicy.objects.select_for_update().get(pk=row.pk)
    row.rules = [rule.as_json() for rule in parsed]
    row.quiet_start = start
    row.quiet_end = end
    row.updated_by = _user(actor)
    row.save()
    audit.record(
        actor=actor,
        organization=_audit_org(actor),
        action=AuditAction.UPDATE,
        object_type=ObjectType.REMINDER_POLICY,
        object_id=program_version,
        fields=["rules", "quiet_start", "quiet_end"],
    )
    return row
