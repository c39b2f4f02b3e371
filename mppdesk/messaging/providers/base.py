"""The provider interface: how the dispatcher hands a message to the outside world.

A provider is a class registered by dotted path per channel in
``settings.MESSAGING_PROVIDERS`` (STYLE.md habit 5). The dispatcher calls, for each
claimed message:

1. ``prepare(message)`` in the dispatcher's own thread (it may read the database, e.g.
   the WhatsApp 24-hour window); the result goes to ``send``;
2. when the message was attempted before (a retry, or a lease taken over from a worker
   that died), ``find_sent(message, since)``: the provider id of a copy the provider
   already accepted, or ``None`` — this is what makes retries free of duplicates;
3. ``send(message, prepared)``: the provider id of the accepted message.

``find_sent`` and ``send`` run in a thread pool and must not touch the database. They
raise ``TransportError`` saying whether the failure is permanent; anything else is
treated as transient and ambiguous (the message may have gone out).

**The send deadline.** The dispatcher runs ``find_sent`` and ``send`` inside
``send_deadline(lease_until - 2 * client timeout)``. A provider calls
``check_send_deadline()`` at the last moment before the request leaves (the Twilio HTTP
client's ``request``, just before the SMTP send): past the deadline another worker may
already have taken the message over, so it raises ``LeaseExpired`` instead of sending.
A check only before ``send`` is not enough: a stall inside it (a first import, the first
``reverse()`` loading the URLconf) can outlast the lease.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Protocol


class TransportError(Exception):
    """A provider failed to take a message.

    ``code`` is the provider's error code or a short word (``timeout``, ``http_500``);
    never personal data. ``permanent`` failures are not retried. ``retry_after`` (seconds)
    is the provider's request to wait (HTTP 429).
    """

    log_message_is_safe = True

    def __init__(
        self, code: str, *, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(code)
        self.code = str(code)[:32]
        self.permanent = permanent
        self.retry_after = retry_after


class LeaseExpired(TransportError):
    """The send deadline has passed: nothing was sent; the message is handed back."""

    CODE = "lease"

    def __init__(self) -> None:
        super().__init__(self.CODE)


_deadline: contextvars.ContextVar[tuple[dt.datetime, Callable[[], dt.datetime]] | None] = (
    contextvars.ContextVar("mppdesk_send_deadline", default=None)
)


@contextlib.contextmanager
def send_deadline(deadline: dt.datetime | None, now: Callable[[], dt.datetime]) -> Iterator[None]:
    """Within this block, ``check_send_deadline`` refuses once ``now()`` is past
    ``deadline`` (``None``: no deadline)."""
    token = _deadline.set((deadline, now) if deadline is not None else None)
    try:
        yield
    finally:
        _deadline.reset(token)


def check_send_deadline() -> None:
    """Raise ``LeaseExpired`` when the current send deadline has passed."""
    current = _deadline.get()
    if current is not None and current[1]() >= current[0]:
        raise LeaseExpired()


class OutgoingMessage(Protocol):
    """What a provider may read of a message (a ``messaging.models.Message``)."""

    id: Any
    channel: str
    recipient: str
    template: str
    language: str
    body: str


class Provider(ABC):
    """Base class of the providers; subclasses set ``name`` and implement ``send``."""

    #: Short name stored in ``Message.provider`` and used as the rate-limit key.
    name: ClassVar[str] = "provider"

    def prepare(self, message: OutgoingMessage) -> dict[str, Any]:
        return {}

    @abstractmethod
    def send(self, message: OutgoingMessage, prepared: dict[str, Any]) -> str:
        """Hand the message to the provider; its id for the accepted message."""

    @classmethod
    def warm(cls) -> None:
        """Do the first-use work (imports, URL reversing, clients) before any claim, so
        that it cannot stall a send past its lease. Nothing by default."""
        return None

    def find_sent(
        self, message: OutgoingMessage, since: dt.datetime, exclude: frozenset[str] = frozenset()
    ) -> str | None:
        """A provider id of this message accepted at or after ``since``, or ``None``.

        ``exclude``: provider ids other messages already own (never this one's copy). A
        provider that cannot tell returns ``None`` (the message is sent again)."""
        return None

    @classmethod
    def check_settings(cls) -> list[Any]:
        """System-check messages (``django.core.checks``) about this provider's settings."""
        return []
