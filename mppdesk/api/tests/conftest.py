"""API personas: a bearer token for the case worker and one for the outsider."""

from __future__ import annotations

import pytest

from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient


@pytest.fixture
def api(personas) -> ApiClient:  # type: ignore[no-untyped-def]
    _token, secret = create_api_token(actor=None, user=personas.caseworker, name="test")
    return ApiClient(secret)


@pytest.fixture
def outsider_api(personas) -> ApiClient:  # type: ignore[no-untyped-def]
    _token, secret = create_api_token(actor=None, user=personas.outsider, name="outsider")
    return ApiClient(secret)


@pytest.fixture
def anonymous_api(db) -> ApiClient:  # type: ignore[no-untyped-def]
    return ApiClient(None)
