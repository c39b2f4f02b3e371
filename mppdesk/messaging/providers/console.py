"""The default provider (``make run``): logs the message and sends nothing.

The message itself is visible in the UI (the outbox row); the log line carries the
message id, channel, template and body with identifiers scrubbed, and never the
recipient.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from typing import Any, ClassVar

from mppdesk.lib.redact import redact
from mppdesk.messaging.providers.base import OutgoingMessage, Provider

logger = logging.getLogger("mppdesk.messaging.console")

_sent: dict[str, str] = {}
_lock = threading.Lock()


class ConsoleProvider(Provider):
    name: ClassVar[str] = "console"

    def send(self, message: OutgoingMessage, prepared: dict[str, Any]) -> str:
        sid = "CO" + uuid.uuid4().hex
        logger.info(
            "message %s channel=%s template=%s language=%s to=[redacted] body=%s",
            message.id,
            message.channel,
            message.template,
            message.language,
            redact(message.body),
        )
        with _lock:
            _sent[str(message.id)] = sid
        return sid

    def find_sent(
        self, message: OutgoingMessage, since: dt.datetime, exclude: frozenset[str] = frozenset()
    ) -> str | None:
        # Its own record of this process: a console "send" after a crash only repeats
        # a log line.
        with _lock:
            return _sent.get(str(message.id))
