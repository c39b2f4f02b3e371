"""Subject access: the person's documents, needs and service referrals."""

from __future__ import annotations

from typing import Any

from mppdesk.assistance.models import Need, PersonDocument, ServiceReferral
from mppdesk.core.registry import register_subject_section


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


@register_subject_section("documents", order=60)
def documents_section(person: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": str(d.pk),
            "kind": d.kind,
            "status": d.status,
            "office": d.office,
            "number": d.number,
            "requested_on": _iso(d.requested_on),
            "issued_on": _iso(d.issued_on),
            "expires_on": _iso(d.expires_on),
            "timeline": [
                {"status": e.status, "on": _iso(e.on), "office": e.office} for e in d.events.all()
            ],
        }  # fmt: skip
        for d in PersonDocument.objects.filter(person=person).prefetch_related("events")
    ]


@register_subject_section("needs", order=61)
def needs_section(person: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": str(n.pk),
            "kind": n.kind,
            "priority": n.priority,
            "status": n.status,
            "note": n.note,
            "accompaniment": n.accompaniment,
            "created_at": _iso(n.created_at),
        }  # fmt: skip
        for n in Need.objects.filter(person=person)
    ]


@register_subject_section("service_referrals", order=62)
def service_referrals_section(person: Any) -> list[dict[str, Any]]:
    return [
        {
            "id": str(r.pk),
            "need": str(r.need_id),
            "provider": r.provider.name,
            "referred_on": _iso(r.referred_on),
            "consent_given_at": _iso(r.consent_given_at),
            "consent_method": r.consent_method,
            "outcome": r.outcome,
            "follow_up_on": _iso(r.follow_up_on),
            "note": r.note,
        }  # fmt: skip
        for r in ServiceReferral.objects.filter(person=person).select_related("provider")
    ]
