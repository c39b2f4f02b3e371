"""What the hearings services share: the role checks, input cleaning, the case timeline
entry and the hearing's audit entry.

An ``actor`` of ``None`` is the system (demo data, migrations) and skips the role
checks; otherwise the role must allow the action in the organization concerned
(``accounts.permissions``), else ``PermissionDenied``:

- dockets and templates: ``docket.manage`` in any of the actor's organizations (dockets
  are program data, not personal data);
- scheduling, rescheduling, continuing and cancelling a hearing: ``docket.manage`` in the
  case's (owning) organization, or in a program-wide organization (the program
  coordinator, a court: ``queries.PROGRAM_WIDE_SCHEDULERS``), whose coordinators place
  every organization's cases without reading their people;
- notices, outcomes and roll-call: ``person.write`` in the case's organization (records
  shared by a referral are read-only to the receiver).

Validation errors are ``FieldErrors`` naming the field. Messages never hold personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseEvent
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.hearings.models import Hearing

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User


#: ``CaseEvent.kind`` of the hearing entries on a case's timeline (``data["action"]``
#: says which: scheduled, rescheduled, continued, cancelled, outcome, notice).
CASE_EVENT_KIND = "hearing"
MAX_REASON = 1000
MAX_ADDRESS = 500


def require(actor: User | None, action: Action, organization_id: int | None = None) -> None:
    """``PermissionDenied`` unless the role allows ``action`` (in ``organization_id``, or
    in any of the actor's organizations); ``None`` is the system."""
    if actor is not None and not can(actor, action, organization_id):
        raise PermissionDenied


def require_scheduler(actor: User | None, organization_id: int) -> None:
    """``docket.manage`` in the case's organization, or in a program-wide one."""
    from mppdesk.hearings.queries import may_schedule

    if actor is not None and not may_schedule(actor, organization_id):
        raise PermissionDenied


def actor_org(actor: User | None, action: Action) -> Organization | None:
    """The organization to file a program-wide write under in the audit log."""
    if actor is None:
        return None
    from mppdesk.accounts.models import Organization

    org_ids = orgs_where(actor, action)
    return Organization.objects.filter(pk__in=org_ids).order_by("pk").first() if org_ids else None


def user_or_none(actor: User | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def clean_text(value: Any, field: str, limit: int, errors: dict[str, list[str]]) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        errors.setdefault(field, []).append(_("At most %(count)s characters.") % {"count": limit})
    return text


def clean_choice(value: Any, choices: Any, field: str, errors: dict[str, list[str]]) -> str:
    text = str(value or "").strip()
    if text not in choices.values:
        errors.setdefault(field, []).append(
            _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)}
        )
    return text


def clean_languages(values: Iterable[Any], field: str, errors: dict[str, list[str]]) -> list[str]:
    from mppdesk.lib.languages import LanguageError, normalize_language

    codes: list[str] = []
    for value in values:
        try:
            code = normalize_language(str(value))
        except LanguageError as exc:
            errors.setdefault(field, []).append(str(exc))
            continue
        if code not in codes:
            codes.append(code)
    return codes


def add_case_event(
    case: Case, actor: User | None, action: str, hearing: Hearing, **data: Any
) -> None:
    CaseEvent.objects.create(
        case=case,
        kind=CASE_EVENT_KIND,
        occurred_at=timezone.now(),
        actor=user_or_none(actor),
        data={"action": action, "hearing": str(hearing.pk), **data},
    )


def audit_hearing(actor: User | None, hearing: Hearing, action: str, fields: Sequence[str]) -> None:
    audit.record(
        actor=actor,
        organization=hearing.organization,
        action=action,
        object_type=ObjectType.HEARING,
        object_id=hearing.pk,
        fields=fields,
    )
