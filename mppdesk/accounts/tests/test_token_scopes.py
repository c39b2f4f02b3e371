"""API token scopes: read, write and import."""

from __future__ import annotations

import io

import pytest

from mppdesk.accounts import services
from mppdesk.accounts.models import ApiToken
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.core.errors import FieldErrors

pytestmark = pytest.mark.django_db


def _client(personas, scopes):  # type: ignore[no-untyped-def]
    _token, secret = services.create_api_token(
        actor=None, user=personas.caseworker, name="scoped", scopes=scopes
    )
    return ApiClient(secret)


def test_tokens_get_every_scope_by_default(personas):
    token, _ = services.create_api_token(actor=None, user=personas.caseworker, name="all")
    assert token.scopes == ["read", "write", "import"]
    assert all(token.has_scope(s) for s in ApiToken.Scope.values)


def test_scopes_are_validated_and_kept_in_order(personas):
    token, _ = services.create_api_token(
        actor=None, user=personas.caseworker, name="x", scopes=["import", "READ"]
    )
    assert ApiToken.objects.get(pk=token.pk).scopes == ["read", "import"]
    token, _ = services.create_api_token(
        actor=None, user=personas.caseworker, name="y", scopes="read,write"
    )
    assert token.scopes == ["read", "write"]
    for bad in (["admin"], [], ["read", "delete"]):
        with pytest.raises(FieldErrors) as excinfo:
            services.create_api_token(actor=None, user=personas.caseworker, name="z", scopes=bad)
        assert "scopes" in excinfo.value.errors


def test_read_only_token_reads_and_searches_but_cannot_write(personas):
    api = _client(personas, ["read"])
    assert api.get("/api/v1/people").status_code == 200
    assert api.post("/api/v1/people/search", {"q": "x"}).status_code in (200, 422)
    body = assert_error(api.post("/api/v1/people", {"given_names": "A"}), 403)
    assert body == {"detail": "This token lacks the 'write' scope.", "errors": []}
    assert_error(api.patch("/api/v1/cases/5f0c2a5e-3b7d-4c1e-9a62-1f1e2d3c4b5a", {}), 403)


def test_write_only_token_cannot_read(personas):
    api = _client(personas, ["write"])
    assert_error(api.get("/api/v1/people"), 403)
    assert api.post("/api/v1/people", {}).status_code == 422  # gets past the scope check


def test_imports_need_the_import_scope(personas):
    api = _client(personas, ["read", "write"])
    upload = io.BytesIO(b"given_names\n")
    upload.name = "people.csv"
    response = api.client.post("/api/v1/imports/people", {"file": upload})
    assert_error(response, 403)
    assert "import" in response.json()["detail"]

    api = _client(personas, ["import"])
    upload = io.BytesIO(b"given_names\n")
    upload.name = "people.csv"
    assert api.client.post("/api/v1/imports/people", {"file": upload}).status_code != 403
