"""The audit vocabulary (``core.audit_vocabulary``): labels, and what the log shows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from mppdesk.audit import services
from mppdesk.audit.models import AuditEntry
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType

URL = "/audit/"


@pytest.mark.parametrize("member", [*AuditAction, *ObjectType], ids=str)
def test_every_action_and_object_type_has_a_spanish_label(member: AuditAction) -> None:
    with translation.override("en"):
        english = str(member.label)
    with translation.override("es"):
        spanish = str(member.label)
    assert english and spanish
    assert spanish != english, f"no Spanish label for {member.value!r}"


def test_the_enums_are_the_stored_strings() -> None:
    assert AuditEntry.Action is AuditAction
    assert AuditAction.VIEW == "view" and ObjectType.STATS_DASHBOARD == "stats.dashboard"
    assert len({*AuditAction.values, *ObjectType.values}) == len(AuditAction) + len(ObjectType)
    assert max(len(v) for v in AuditAction.values) <= 16  # AuditEntry.action's max_length


def test_an_entry_written_with_the_enums_stores_plain_strings(personas) -> None:  # type: ignore[no-untyped-def]
    entry = services.record(
        actor=personas.caseworker, organization=personas.org, action=AuditAction.VIEW,
        object_type=ObjectType.PERSON, object_id="p-1", fields=["name"],
    )  # fmt: skip
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert type(stored.action) is str and stored.action == "view"
    assert type(entry.object_type) is str and stored.object_type == "person"
    assert stored.hash == stored.compute_hash() == entry.hash
    services.record_many(
        actor=None, organization=personas.org, action=AuditAction.DELETE,
        object_type=ObjectType.CASE_NOTE, object_ids=["n-1"],
    )  # fmt: skip
    assert AuditEntry.objects.filter(action="delete", object_type="case_note").count() == 1


def test_the_log_shows_the_labels(personas) -> None:  # type: ignore[no-untyped-def]
    from mppdesk.accounts.models import Membership
    from mppdesk.accounts.testing import verified_login
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    auditor = UserFactory(username="auditora")
    MembershipFactory(user=auditor, organization=personas.org, role=Membership.Role.AUDITOR)
    services.record(
        actor=personas.caseworker, organization=personas.org, action=AuditAction.REFERRAL_ACCEPT,
        object_type=ObjectType.IN_ABSENTIA_FOLLOW_UP, object_id="f-1",
    )  # fmt: skip
    html = verified_login(Client(HTTP_ACCEPT_LANGUAGE="es"), auditor).get(URL).content.decode()
    assert "derivación aceptada" in html
    assert "seguimiento de orden en ausencia" in html
    html = verified_login(Client(HTTP_ACCEPT_LANGUAGE="en"), auditor).get(URL).content.decode()
    assert "referral accepted" in html and "in absentia follow-up" in html
