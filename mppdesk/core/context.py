"""Per-request context (request id, client IP) for audit entries written deep in services."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    channel: str = "system"  # web, api, cli, worker, system


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "mppdesk_request_context",
    default=RequestContext(),  # noqa: B039 - frozen dataclass, immutable
)


def current() -> RequestContext:
    return _current.get()


def bind(ctx: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(ctx)


def reset(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)
