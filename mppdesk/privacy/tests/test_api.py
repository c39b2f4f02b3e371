"""The privacy router, mounted on a NinjaAPI of its own as mppdesk/api/main.py will."""

from __future__ import annotations

import pytest
from django.urls import path
from ninja import NinjaAPI

from mppdesk.accounts.services import create_api_token
from mppdesk.api.auth import BearerTokenAuth
from mppdesk.api.errors import install_error_handlers
from mppdesk.api.routers import privacy
from mppdesk.audit.models import AuditEntry

api = NinjaAPI(title="privacy test", auth=BearerTokenAuth(), urls_namespace="privacy_api_test")
install_error_handlers(api)
api.add_router("", privacy.router, tags=["privacy"])
urlpatterns = [path("api/v1/", api.urls)]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def client_for(user):  # type: ignore[no-untyped-def]
    from django.test import Client

    _token, secret = create_api_token(actor=None, user=user, name="test")
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_api_export_json(personas, family):
    response = client_for(personas.caseworker).get(f"/api/v1/people/{family.lead.pk}/export")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["format"] == "mppdesk.subject_access/2"
    assert body["person"]["family_names"] == "Gonçalves Pérez"
    entry = AuditEntry.objects.get(action="export")
    assert entry.object_id == str(family.lead.pk)


def test_api_export_pdf(personas, family):
    response = client_for(personas.caseworker).get(
        f"/api/v1/people/{family.lead.pk}/export", {"format": "pdf"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_api_outsider_gets_404(personas, family):
    response = client_for(personas.outsider).get(f"/api/v1/people/{family.lead.pk}/export")
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "errors"}
    assert "Gonçalves" not in response.content.decode()


def test_api_bad_format_is_422(personas, family):
    response = client_for(personas.caseworker).get(
        f"/api/v1/people/{family.lead.pk}/export", {"format": "xml"}
    )
    assert response.status_code == 422


def test_api_anonymous_is_401(family):
    from django.test import Client

    assert Client().get(f"/api/v1/people/{family.lead.pk}/export").status_code == 401


def test_openapi_document_with_the_router_is_valid():
    from django.test import Client
    from openapi_spec_validator import validate

    spec = Client().get("/api/v1/openapi.json").json()
    validate(spec)
    operation = spec["paths"]["/api/v1/people/{person_id}/export"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"person_id", "format"}
    assert {"200", "401", "404", "422"} <= set(operation["responses"])
