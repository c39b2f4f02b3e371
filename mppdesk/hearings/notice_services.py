"""Writes to notices: recording one more notice of a hearing, marking one served.

``person.write`` in the case's organization (``support``); the notices made when a
hearing is scheduled, moved or cancelled are written by ``hearing_services`` through
``add_notice``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action
from mppdesk.audit import services as audit
from mppdesk.cases.models import Case
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings.models import (
    NOTICE_LANGUAGE_OF,
    Hearing,
    HearingStatus,
    Notice,
    NoticeKind,
    NoticeLanguage,
    NoticeMethod,
)
from mppdesk.hearings.support import (
    MAX_ADDRESS,
    add_case_event,
    clean_choice,
    require,
    user_or_none,
)
from mppdesk.people.models import PersonLanguage

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User


NOTICE_FIELDS = ["hearing", "kind", "method", "address", "language", "served_at", "served_by"]


def _audit_notice(actor: User | None, notice: Notice, organization: Organization) -> None:
    audit.record(
        actor=actor,
        organization=organization,
        action=AuditAction.CREATE,
        object_type=ObjectType.NOTICE,
        object_id=notice.pk,
        fields=NOTICE_FIELDS,
    )


def case_language(case: Case) -> str:
    """The case's language (the lead respondent's preferred one, ISO 639-3), or ""."""
    languages = list(
        PersonLanguage.objects.filter(person_id=case.lead_id).order_by("-preferred", "code")
    )
    return languages[0].code if languages else ""


def notice_language(case: Case) -> str:
    """Notices are printed in es, en, pt, ht or fr: the lead's language, else Spanish."""
    return NOTICE_LANGUAGE_OF.get(case_language(case), NoticeLanguage.ES)


def notice_values(
    method: str,
    address: str,
    language: str | None,
    served_at: dt.datetime | None,
    case: Case,
    errors: dict[str, list[str]],
) -> dict[str, Any]:
    text = str(address or "").strip()
    values: dict[str, Any] = {
        "method": clean_choice(method, NoticeMethod, "method", errors),
        "address": text,
        "language": clean_choice(language, NoticeLanguage, "language", errors)
        if language
        else notice_language(case),
        "served_at": served_at,
    }
    if len(text) > MAX_ADDRESS:
        errors.setdefault("address", []).append(
            _("At most %(count)s characters.") % {"count": MAX_ADDRESS}
        )
    if served_at is not None:
        if served_at.tzinfo is None:
            errors.setdefault("served_at", []).append(_("Give the time with its time zone."))
        elif served_at > timezone.now() + dt.timedelta(minutes=10):
            errors.setdefault("served_at", []).append(_("This time is in the future."))
    return values


def add_notice(
    *,
    actor: User | None,
    hearing: Hearing,
    kind: str,
    values: Mapping[str, Any],
    served_by: User | None,
) -> Notice:
    notice = Notice.objects.create(
        hearing=hearing,
        kind=kind,
        served_by=served_by,
        recorded_by=user_or_none(actor),
        **values,
    )
    _audit_notice(actor, notice, hearing.organization)
    return notice


def _notice_kind_for(hearing: Hearing) -> str:
    if hearing.status == HearingStatus.CANCELLED:
        return NoticeKind.CANCELLED
    return NoticeKind.CHANGED if hearing.replaces_id else NoticeKind.SCHEDULED


@transaction.atomic
def record_notice(
    *,
    actor: User | None,
    hearing: Hearing,
    method: str,
    address: str = "",
    served_at: dt.datetime | None = None,
    served_by: User | None = None,
    language: str | None = None,
    kind: str | None = None,
) -> Notice:
    """Record one more notice of ``hearing`` (served again, by another way, ...).

    ``kind`` defaults to what the hearing's state calls for: "cancelled" for a cancelled
    hearing, "changed" for one that replaces another, else "scheduled".
    """
    require(actor, Action.PERSON_WRITE, hearing.organization_id)
    hearing = Hearing.objects.select_related("organization", "case").get(pk=hearing.pk)
    errors: dict[str, list[str]] = {}
    chosen_kind = (
        clean_choice(kind, NoticeKind, "kind", errors) if kind else _notice_kind_for(hearing)
    )
    values = notice_values(method, address, language, served_at, hearing.case, errors)
    if errors:
        raise FieldErrors(errors)
    notice = add_notice(
        actor=actor, hearing=hearing, kind=chosen_kind, values=values, served_by=served_by
    )
    add_case_event(
        hearing.case, actor, "notice", hearing, notice=str(notice.pk), method=values["method"]
    )
    return notice


@transaction.atomic
def mark_notice_served(
    *,
    actor: User | None,
    notice: Notice,
    served_at: dt.datetime,
    served_by: User | None = None,
    method: str | None = None,
    address: str | None = None,
) -> Notice:
    """Record when (and how, where, by whom) a notice not yet marked served was served.

    A notice already marked served cannot be changed: record another one instead, so
    the evidence of what was served stays as it was written.
    """
    notice = (
        Notice.objects.select_for_update(of=("self",))
        .select_related("hearing", "hearing__organization", "hearing__case")
        .get(pk=notice.pk)
    )
    require(actor, Action.PERSON_WRITE, notice.hearing.organization_id)
    errors: dict[str, list[str]] = {}
    if notice.served_at is not None:
        errors.setdefault("served_at", []).append(
            _("This notice is already marked served; record a new notice instead.")
        )
    values = notice_values(
        method or notice.method,
        notice.address if address is None else address,
        notice.language,
        served_at,
        notice.hearing.case,
        errors,
    )
    if served_at is None:
        errors.setdefault("served_at", []).append(_("This field is required."))
    if errors:
        raise FieldErrors(errors)
    notice.method = values["method"]
    notice.address = values["address"]
    notice.served_at = served_at
    notice.served_by = served_by
    notice.save()
    audit.record(
        actor=actor,
        organization=notice.hearing.organization,
        action=AuditAction.UPDATE,
        object_type=ObjectType.NOTICE,
        object_id=notice.pk,
        fields=["served_at", "served_by", "method", "address"],
    )
    return notice
