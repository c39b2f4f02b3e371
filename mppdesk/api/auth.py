from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import HttpError
from ninja.security import HttpBearer

from mppdesk.accounts.models import TokenScope
from mppdesk.accounts.permissions import Action, can
from mppdesk.accounts.services import authenticate_token

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
IMPORT_PREFIX = "/api/v1/imports"
# POSTed searches keep names and A-numbers out of URLs; they read, they do not write.
SEARCH_SUFFIX = "/search"


def required_scope(request: HttpRequest) -> str:
    """The token scope a request needs: ``import`` for imports, ``write`` for changes."""
    path = request.path.rstrip("/")
    if path == IMPORT_PREFIX or path.startswith(IMPORT_PREFIX + "/"):
        return TokenScope.IMPORT
    if request.method in READ_METHODS or path.endswith(SEARCH_SUFFIX):
        return TokenScope.READ
    return TokenScope.WRITE


class BearerTokenAuth(HttpBearer):
    """``Authorization: Bearer <token>``; sets ``request.user`` and ``request.api_token``.

    A valid token without the scope the request needs gets 403 in the API error shape.
    With an ``action`` (see ``role``), the user's role in the token's organization must
    also allow it (``accounts.permissions``); this is checked before the request body is
    read, so a refused request is a 403 whatever it carries.
    """

    def __init__(self, action: Action | None = None) -> None:
        super().__init__()
        self.action = action

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        scope = required_scope(request)
        if not api_token.has_scope(scope):
            raise HttpError(403, f"This token lacks the '{scope}' scope.")
        if self.action is not None and not can(
            api_token.user, self.action, api_token.organization_id
        ):
            raise HttpError(403, f"Your role does not allow '{self.action.value}'.")
        request.user = api_token.user
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token


_ROLE_AUTH: dict[Action, BearerTokenAuth] = {}


def role(action: Action) -> BearerTokenAuth:
    """The ``auth=`` of an operation that needs ``action``. The same bearer scheme in the
    OpenAPI document; only the role check differs."""
    return _ROLE_AUTH.setdefault(action, BearerTokenAuth(action))
