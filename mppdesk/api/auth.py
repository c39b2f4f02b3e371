from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from mppdesk.accounts.services import authenticate_token


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; sets ``request.user`` and ``request.api_token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token
