"""The audit log is about no place: its times are UTC, and the page says so on the
column, on every value and on the day filters."""

from __future__ import annotations

import datetime as dt

import pytest

from mppdesk.audit import services
from mppdesk.audit.models import AuditEntry
from mppdesk.audit.tests.conftest import triggers_dropped
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.testing.times import bare_times, zoned_times

URL = "/audit/"


@pytest.fixture
def late_entry(personas):  # type: ignore[no-untyped-def]
    """An entry at 23:30 UTC: the evening before in every zone of the border."""
    entry = services.record(actor=personas.caseworker, organization=personas.org,
                            action=AuditAction.VIEW, object_type=ObjectType.PERSON,
                            object_id="p-1")  # fmt: skip
    at = dt.datetime(2026, 12, 5, 23, 30, tzinfo=dt.UTC)
    with triggers_dropped():  # the log is append-only
        AuditEntry.objects.filter(pk=entry.pk).update(at=at)
    return entry


def test_every_time_on_the_audit_log_says_utc_in_spanish(auditor_client, late_entry):
    html = auditor_client.get(URL, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert "Hora (UTC)" in html
    assert "Desde (día UTC)" in html and "Hasta (día UTC)" in html
    assert 'datetime="2026-12-05T23:30:00+00:00">2026-12-05 23:30:00</time>' in html
    assert len(zoned_times(html)) == AuditEntry.objects.count()
    assert all(zone.endswith(">UTC</span>") for zone in zoned_times(html))
    assert bare_times(html) == []


def test_the_day_filters_are_utc_days(auditor_client, late_entry, settings):
    settings.TIME_ZONE = "America/Ciudad_Juarez"  # the day is UTC's, not the server's
    shown = auditor_client.get(URL, {"date_from": "2026-12-05", "date_to": "2026-12-05"})
    assert "p-1" in shown.content.decode()
    assert "p-1" not in auditor_client.get(URL, {"date_from": "2026-12-06"}).content.decode()
