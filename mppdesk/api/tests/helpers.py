"""Helpers for API tests: a bearer-token client and the error-shape assertion."""

from __future__ import annotations

from typing import Any

from django.test import Client


class ApiClient:
    """A Django test client that sends ``Authorization: Bearer <secret>`` and JSON bodies."""

    def __init__(self, secret: str | None) -> None:
        headers = {"Authorization": f"Bearer {secret}"} if secret else {}
        self.client = Client(headers=headers)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(path, params or {})

    def post(self, path: str, body: Any = None) -> Any:
        return self.client.post(
            path, body if body is not None else {}, content_type="application/json"
        )

    def patch(self, path: str, body: Any) -> Any:
        return self.client.patch(path, body, content_type="application/json")


def assert_error(response: Any, status: int, field: str | None = None) -> dict[str, Any]:
    """The response is the one error shape with ``status``; ``field`` is named if given."""
    assert response.status_code == status, response.content
    body: dict[str, Any] = response.json()
    assert set(body) == {"detail", "errors"}
    assert isinstance(body["detail"], str) and body["detail"]
    for error in body["errors"]:
        assert set(error) == {"field", "message"}
    if field is not None:
        assert field in [e["field"] for e in body["errors"]], body
    return body
