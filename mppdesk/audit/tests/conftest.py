"""Fixtures for the audit log: auditors, a written chain, and an attacker's raw SQL."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from mppdesk.audit import chain, triggers
from mppdesk.audit.models import AuditEntry


@pytest.fixture
def auditor(personas):  # type: ignore[no-untyped-def]
    """An auditor of the case workers' own organization (sees that organization's entries)."""
    from mppdesk.accounts.models import Membership
    from mppdesk.testing.factories import MembershipFactory, UserFactory

    user = UserFactory(username="auditora")
    MembershipFactory(user=user, organization=personas.org, role=Membership.Role.AUDITOR)
    return user


@pytest.fixture
def monitor_auditor(personas):  # type: ignore[no-untyped-def]
    """An auditor of a monitoring organization: sees the whole log."""
    from mppdesk.accounts.models import Membership, Organization
    from mppdesk.testing.factories import MembershipFactory, OrganizationFactory, UserFactory

    monitor = OrganizationFactory(name="Observatorio", slug="obs", kind=Organization.Kind.MONITOR)
    user = UserFactory(username="monitora")
    MembershipFactory(user=user, organization=monitor, role=Membership.Role.AUDITOR)
    return user


def signed_in(user: Any) -> Client:
    """A client past login and two-factor verification (required for some roles), whose
    browser asks for English (the site's default is Spanish)."""
    from mppdesk.accounts.testing import verified_login

    return verified_login(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


@pytest.fixture
def auditor_client(auditor) -> Client:  # type: ignore[no-untyped-def]
    return signed_in(auditor)


@contextlib.contextmanager
def triggers_dropped() -> Iterator[None]:
    """What an attacker with the table owner's rights does first. Inside the test's
    transaction, so the triggers are back afterwards either way."""
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)


def raw(sql: str, params: list[Any] | None = None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.rowcount


def forge_insert(
    *, seq: int, prev_hash: str, object_id: str = "forged", rehash: bool = True
) -> int:
    """Insert an entry by hand, hashed correctly when ``rehash`` (a careful forger)."""
    at = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)
    content = {
        "seq": seq, "at": at, "actor_id": None, "organization_id": None, "action": "view",
        "object_type": "person", "object_id": object_id, "fields": [], "channel": "web",
        "request_id": "", "ip": None, "prev_hash": prev_hash,
    }  # fmt: skip
    digest = chain.entry_hash(**content) if rehash else "f" * 64
    raw(
        "INSERT INTO audit_auditentry (seq, at, action, object_type, object_id, fields, "
        "channel, request_id, ip, prev_hash, hash) "
        "VALUES (%s, %s, 'view', 'person', %s, %s, 'web', '', NULL, %s, %s)",
        [seq, connection.ops.adapt_datetimefield_value(at), object_id, json.dumps([]),
         prev_hash, digest],
    )  # fmt: skip
    return AuditEntry.objects.get(seq=seq).pk
