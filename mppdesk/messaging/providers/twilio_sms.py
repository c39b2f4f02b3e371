"""SMS through Twilio's Messages API."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from mppdesk.messaging.providers.base import OutgoingMessage
from mppdesk.messaging.providers.twilio_base import TwilioProvider


class TwilioSmsProvider(TwilioProvider):
    name: ClassVar[str] = "twilio_sms"
    from_setting: ClassVar[str] = "TWILIO_SMS_FROM"

    def send(self, message: OutgoingMessage, prepared: dict[str, Any]) -> str:
        return self._send_message(
            {"to": message.recipient, "from_": self.from_number(), "body": message.body}
        )

    def find_sent(
        self, message: OutgoingMessage, since: dt.datetime, exclude: frozenset[str] = frozenset()
    ) -> str | None:
        return self._find_message(
            message.recipient, self.from_number(), message.body, since, exclude
        )
