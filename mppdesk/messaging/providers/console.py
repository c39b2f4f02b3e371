"""The default provider (``make run``): logs that a message went and sends nothing.

The message itself is visible in the UI (the outbox row). The log line carries only
the message id, the console's own id for it and the status: never the body, the
recipient or a name. A body is free text that names people and their hearings, and the
redaction filter (``lib.redact``) knows numbers and A-numbers, not names.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import uuid
from typing import Any, ClassVar

from mppdesk.messaging.providers.base import OutgoingMessage, Provider, check_send_deadline

logger = logging.getLogger("mppdesk.messaging.console")

_sent: dict[str, str] = {}
_lock = threading.Lock()


class ConsoleProvider(Provider):
    name: ClassVar[str] = "console"

    def send(self, message: OutgoingMessage, prepared: dict[str, Any]) -> str:
        check_send_deadline()
        sid = "CO" + uuid.uuid4().hex
        logger.info("message %s status=sent console_id=%s", message.id, sid)
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
