"""``cases.exposure.flag_document_exposure``: who may set it, what it records, where it shows."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.cases.exposure import clear_document_exposure, flag_document_exposure
from mppdesk.cases.models import CaseEvent
from mppdesk.core.errors import FieldErrors
from mppdesk.testing.factories import CaseFactory

pytestmark = pytest.mark.django_db


def test_flag_sets_the_field_once_and_keeps_every_report(personas: Any) -> None:
    case = CaseFactory(organization=personas.org)
    mark = audit_mark()
    assert flag_document_exposure(case, actor=personas.caseworker, reason="document_stolen")
    first = case.document_exposed_at
    assert first is not None
    assert not flag_document_exposure(
        case, actor=personas.caseworker, reason="document_photographed"
    )
    case.refresh_from_db()
    assert case.document_exposed_at == first
    events = CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DOCUMENT_EXPOSURE)
    assert sorted(e.data["reason"] for e in events) == ["document_photographed", "document_stolen"]
    entries = entries_after(mark).filter(object_type="case", object_id=str(case.pk))
    assert [e.fields for e in entries] == [["document_exposed_at"], ["events"]]


def test_outsider_and_bad_reason_are_refused(personas: Any) -> None:
    case = CaseFactory(organization=personas.org)
    with pytest.raises(PermissionDenied):
        flag_document_exposure(case, actor=personas.outsider, reason="document_stolen")
    with pytest.raises(FieldErrors) as caught:
        flag_document_exposure(case, actor=personas.caseworker, reason="gossip")
    assert "reason" in caught.value.errors
    case.refresh_from_db()
    assert case.document_exposed_at is None


def test_clear_lifts_the_flag(personas: Any) -> None:
    case = CaseFactory(organization=personas.org)
    flag_document_exposure(case, actor=None, reason="incident_document_theft")
    with pytest.raises(PermissionDenied):
        clear_document_exposure(case, actor=personas.outsider)
    clear_document_exposure(case, actor=personas.caseworker)
    case.refresh_from_db()
    assert case.document_exposed_at is None


def test_the_person_page_shows_the_flag(personas: Any, caseworker_client: Any) -> None:
    case = CaseFactory(organization=personas.org)
    url = f"/people/{case.lead.pk}/"
    assert "Documentos judiciales expuestos" not in caseworker_client.get(url).content.decode()
    flag_document_exposure(case, actor=personas.caseworker, reason="document_stolen")
    assert "Documentos judiciales expuestos" in caseworker_client.get(url).content.decode()
