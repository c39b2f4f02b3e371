"""Outcomes of hearings (one by one or a docket's roll-call) and in absentia follow-ups.

``person.write`` in the case's organization (``support``). "Has the hearing taken
place" is asked on the court's clock (``times.court_today``), never the UTC day.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit import services as audit
from mppdesk.cases.models import Case, CaseStatus
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings.models import (
    Docket,
    FollowUpStatus,
    Hearing,
    HearingStatus,
    InAbsentiaFollowUp,
    Outcome,
)
from mppdesk.hearings.support import (
    MAX_REASON,
    add_case_event,
    audit_hearing,
    clean_choice,
    clean_text,
    require,
    user_or_none,
)
from mppdesk.hearings.times import court_today

if TYPE_CHECKING:
    from mppdesk.accounts.models import User


#: INA 240(b)(5)(C)(i): a motion to reopen for exceptional circumstances within 180 days.
EXCEPTIONAL_CIRCUMSTANCES_DAYS = 180
#: Outcomes that decide the case (its status becomes "decided").
DECISIONS = frozenset(
    {
        Outcome.RELIEF_GRANTED,
        Outcome.REMOVAL_ORDERED,
        Outcome.TERMINATED,
        Outcome.DISMISSED,
        Outcome.VOLUNTARY_DEPARTURE,
    }
)


def _set_case_status(actor: User | None, case: Case, status: str) -> None:
    if case.status == status:
        return
    from mppdesk.cases.services import update_case

    update_case(actor=actor, case=case, status=status)


def _apply_outcome(
    *,
    actor: User | None,
    hearing: Hearing,
    outcome: str,
    reason: str,
    order_date: dt.date | None,
    notes: str,
) -> Hearing:
    """Validated ``record_outcome`` without its own transaction or permission check."""
    errors: dict[str, list[str]] = {}
    locked = (
        Hearing.objects.select_for_update(of=("self",))
        .select_related("organization", "case", "docket", "docket__venue")
        .get(pk=hearing.pk)
    )
    clean_choice(outcome, Outcome, "outcome", errors)
    reason = clean_text(reason, "reason", MAX_REASON, errors)
    notes = str(notes or "").strip()
    if locked.status in (HearingStatus.CANCELLED, HearingStatus.RESCHEDULED):
        errors.setdefault("hearing", []).append(
            _("This hearing was cancelled or rescheduled: it has no outcome.")
        )
    elif Hearing.objects.filter(replaces=locked).exists():
        errors.setdefault("hearing", []).append(
            _("This hearing was continued to another one; record the outcome there.")
        )
    elif locked.docket.date > court_today(locked.docket.venue):
        errors.setdefault("hearing", []).append(_("This hearing has not taken place yet."))
    if InAbsentiaFollowUp.objects.filter(hearing=locked).exists() and outcome != locked.outcome:
        errors.setdefault("outcome", []).append(
            _("An in absentia follow-up is open for this hearing; its outcome cannot change.")
        )
    day = order_date or locked.docket.date
    if order_date is not None and order_date > court_today(locked.docket.venue):
        errors.setdefault("order_date", []).append(_("This date is in the future."))
    if errors:
        raise FieldErrors(errors)
    if locked.outcome == outcome and locked.status == HearingStatus.HELD:
        return locked
    locked.status = HearingStatus.HELD
    locked.outcome = outcome
    locked.outcome_recorded_at = timezone.now()
    locked.outcome_recorded_by = user_or_none(actor)
    fields = ["status", "outcome"]
    if reason:
        locked.continuance_reason = reason
        fields.append("continuance_reason")
    locked.save()
    add_case_event(locked.case, actor, "outcome", locked, outcome=outcome)
    audit_hearing(actor, locked, AuditAction.UPDATE, fields)
    if outcome == Outcome.REMOVAL_IN_ABSENTIA:
        follow_up = InAbsentiaFollowUp.objects.create(
            organization_id=locked.organization_id,
            hearing=locked,
            opened_at=timezone.now(),
            order_date=day,
            exceptional_circumstances_deadline=day
            + dt.timedelta(days=EXCEPTIONAL_CIRCUMSTANCES_DAYS),
            notes=notes,
        )
        audit.record(
            actor=actor,
            organization=locked.organization,
            action=AuditAction.CREATE,
            object_type=ObjectType.IN_ABSENTIA_FOLLOW_UP,
            object_id=follow_up.pk,
            fields=[
                "hearing",
                "order_date",
                "exceptional_circumstances_deadline",
                "status",
                "notes",
            ],
        )
        _set_case_status(actor, locked.case, CaseStatus.IN_ABSENTIA)
    elif outcome in DECISIONS:
        _set_case_status(actor, locked.case, CaseStatus.DECIDED)
    return locked


@transaction.atomic
def record_outcome(
    *,
    actor: User | None,
    hearing: Hearing,
    outcome: str,
    in_absentia_order: bool = False,
    order_date: dt.date | None = None,
    reason: str = "",
    notes: str = "",
) -> Hearing:
    """Record what happened at ``hearing`` (it becomes "held").

    "failed_to_appear" with ``in_absentia_order`` (or "removal_in_absentia" directly) is
    a removal order in absentia: it opens an ``InAbsentiaFollowUp`` whose deadline for a
    motion to reopen for exceptional circumstances is ``order_date`` (default: the
    docket's date) + 180 days; a motion for lack of notice or custody has no deadline.
    The case's status follows: "in_absentia" after such an order, "decided" after a
    decision (relief, removal, termination, dismissal, voluntary departure).
    "continued" without a next hearing leaves the case to be scheduled again (use
    ``continue_hearing`` to give the next date at once). An outcome can be corrected
    (roll-call mistakes) until an in absentia follow-up exists.
    """
    require(actor, Action.PERSON_WRITE, hearing.organization_id)
    if in_absentia_order:
        if outcome not in (Outcome.FAILED_TO_APPEAR, Outcome.REMOVAL_IN_ABSENTIA):
            raise FieldErrors(
                {
                    "in_absentia_order": [
                        _("Only a person who failed to appear is ordered removed in absentia.")
                    ]
                }
            )
        outcome = Outcome.REMOVAL_IN_ABSENTIA
    return _apply_outcome(
        actor=actor,
        hearing=hearing,
        outcome=outcome,
        reason=reason,
        order_date=order_date,
        notes=notes,
    )


@transaction.atomic
def record_attendance(
    *, actor: User | None, docket: Docket, outcomes: Mapping[Any, str]
) -> list[Hearing]:
    """Roll-call: ``{hearing id: outcome}`` for hearings on ``docket``, all or none.

    Each hearing must be on the docket and the actor must have ``person.write`` in its
    organization (else the whole roll-call is refused). Errors name ``outcomes[<id>]``.
    """
    errors: dict[str, list[str]] = {}
    ids = [str(key) for key in outcomes]
    hearings = {
        str(h.pk): h
        for h in Hearing.objects.filter(pk__in=list(outcomes), docket=docket).select_related(
            "organization"
        )
    }
    for key in ids:
        hearing = hearings.get(key)
        if hearing is None:
            errors.setdefault(f"outcomes[{key}]", []).append(_("No such hearing on this docket."))
        elif actor is not None and not can(actor, Action.PERSON_WRITE, hearing.organization_id):
            raise PermissionDenied
    if errors:
        raise FieldErrors(errors)
    done: list[Hearing] = []
    # In id order: two roll-calls of the same docket at once lock rows in the same order.
    for key, outcome in sorted(outcomes.items(), key=lambda item: str(item[0])):
        try:
            done.append(
                _apply_outcome(
                    actor=actor,
                    hearing=hearings[str(key)],
                    outcome=outcome,
                    reason="",
                    order_date=None,
                    notes="",
                )
            )
        except FieldErrors as exc:
            for name, messages in exc.errors.items():
                errors.setdefault(f"outcomes[{key}].{name}", []).extend(messages)
    if errors:
        raise FieldErrors(errors)
    return done


@transaction.atomic
def update_follow_up(
    *,
    actor: User | None,
    follow_up: InAbsentiaFollowUp,
    status: str | None = None,
    notes: str | None = None,
) -> InAbsentiaFollowUp:
    """Move a follow-up on (motion filed, closed) or change its notes."""
    require(actor, Action.PERSON_WRITE, follow_up.organization_id)
    follow_up = (
        InAbsentiaFollowUp.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=follow_up.pk)
    )
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    if status is not None:
        clean_choice(status, FollowUpStatus, "status", errors)
        if status != follow_up.status:
            changed.append("status")
    if notes is not None and notes.strip() != follow_up.notes:
        if len(notes) > 4000:
            errors.setdefault("notes", []).append(
                _("At most %(count)s characters.") % {"count": 4000}
            )
        changed.append("notes")
    if errors:
        raise FieldErrors(errors)
    if not changed:
        return follow_up
    if "status" in changed and status is not None:
        follow_up.status = status
        follow_up.closed_at = timezone.now() if status == FollowUpStatus.CLOSED else None
    if "notes" in changed and notes is not None:
        follow_up.notes = notes.strip()
    follow_up.save()
    audit.record(
        actor=actor,
        organization=follow_up.organization,
        action=AuditAction.UPDATE,
        object_type=ObjectType.IN_ABSENTIA_FOLLOW_UP,
        object_id=follow_up.pk,
        fields=changed,
    )
    return follow_up
