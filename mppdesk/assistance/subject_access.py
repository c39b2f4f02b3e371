"""Subject access: the person's documents, needs and service referrals."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from mppdesk.assistance.models import (
    DocumentKind,
    DocumentStatus,
    Need,
    NeedKind,
    NeedStatus,
    PersonDocument,
    ReferralOutcome,
    ServiceReferral,
)
from mppdesk.core.registry import register_subject_section
from mppdesk.people.subject_access import choice_label, iso


def describe_documents(data: list[dict[str, Any]]) -> tuple[str, list[str]]:
    return _("Documents"), [
        f"{choice_label(DocumentKind, d['kind'])}: {choice_label(DocumentStatus, d['status'])}"
        + (f", {d['office']}" if d["office"] else "")
        + (f" ({d['expires_on']})" if d["expires_on"] else "")
        for d in data
    ]


def describe_needs(data: list[dict[str, Any]]) -> tuple[str, list[str]]:
    return _("Needs"), [
        f"{choice_label(NeedKind, n['kind'])}: {choice_label(NeedStatus, n['status'])}"
        + (f" — {n['note']}" if n["note"] else "")
        for n in data
    ]


def describe_referrals(data: list[dict[str, Any]]) -> tuple[str, list[str]]:
    return _("Referrals to services"), [
        f"{r['referred_on']} — {r['provider']}: {choice_label(ReferralOutcome, r['outcome'])}"
        for r in data
    ]


@register_subject_section(
    "documents",
    order=91,
    models=("assistance.PersonDocument", "assistance.DocumentEvent"),
    describe=describe_documents,
)
def documents_section(person: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": str(d.pk),
            "kind": d.kind,
            "status": d.status,
            "office": d.office,
            "number": d.number,
            "requested_on": iso(d.requested_on),
            "issued_on": iso(d.issued_on),
            "expires_on": iso(d.expires_on),
            "timeline": [
                {"status": e.status, "on": iso(e.on), "office": e.office} for e in d.events.all()
            ],
        }  # fmt: skip
        for d in PersonDocument.objects.filter(person=person).prefetch_related("events")
    ]


@register_subject_section("needs", order=92, models=("assistance.Need",), describe=describe_needs)
def needs_section(person: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": str(n.pk),
            "kind": n.kind,
            "priority": n.priority,
            "status": n.status,
            "note": n.note,
            "accompaniment": n.accompaniment,
            "created_at": iso(n.created_at),
        }  # fmt: skip
        for n in Need.objects.filter(person=person)
    ]


@register_subject_section(
    "service_referrals",
    order=93,
    models=("assistance.ServiceReferral",),
    describe=describe_referrals,
)
def service_referrals_section(person: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r.pk),
            "need": str(r.need_id),
            "provider": r.provider.name,
            "referred_on": iso(r.referred_on),
            "consent_given_at": iso(r.consent_given_at),
            "consent_method": r.consent_method,
            "outcome": r.outcome,
            "follow_up_on": iso(r.follow_up_on),
            "note": r.note,
        }  # fmt: skip
        for r in ServiceReferral.objects.filter(person=person).select_related("provider")
    ]
