"""WhatsApp through Twilio's Messages API (``whatsapp:`` addresses).

WhatsApp accepts free text only inside the 24-hour customer-care window (the person
wrote to us in the last 24 hours). Outside it, only an approved content template may be
sent: ``TWILIO_WHATSAPP_CONTENT_TEMPLATES`` maps ``"<template kind>:<language>"`` (or
just ``"<template kind>"``) to its content SID; the rendered body goes in variable
``1``. A template kind without an approved template fails permanently (``no_template``).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, ClassVar

from django.conf import settings
from django.core import checks
from django.utils import timezone

from mppdesk.messaging.providers.base import OutgoingMessage, TransportError
from mppdesk.messaging.providers.twilio_base import TwilioProvider

WINDOW = dt.timedelta(hours=24)


def whatsapp(address: str) -> str:
    return address if address.startswith("whatsapp:") else f"whatsapp:{address}"


def content_sid(template: str, language: str) -> str | None:
    table: dict[str, str] = settings.TWILIO_WHATSAPP_CONTENT_TEMPLATES or {}
    return table.get(f"{template}:{language}") or table.get(template)


class TwilioWhatsAppProvider(TwilioProvider):
    name: ClassVar[str] = "twilio_whatsapp"
    from_setting: ClassVar[str] = "TWILIO_WHATSAPP_FROM"

    def prepare(self, message: OutgoingMessage) -> dict[str, Any]:
        from mppdesk.messaging.models import Channel, InboundMessage

        since = timezone.now() - WINDOW
        in_window = InboundMessage.objects.filter(
            channel=Channel.WHATSAPP,
            sender_bidx=getattr(message, "recipient_bidx", ""),
            created_at__gte=since,
        ).exists()
        return {"in_window": in_window}

    def send(self, message: OutgoingMessage, prepared: dict[str, Any]) -> str:
        params: dict[str, Any] = {
            "to": whatsapp(message.recipient),
            "from_": whatsapp(self.from_number()),
        }
        if prepared.get("in_window"):
            params["body"] = message.body
        else:
            sid = content_sid(message.template, message.language)
            if not sid:
                raise TransportError("no_template", permanent=True)
            params["content_sid"] = sid
            params["content_variables"] = json.dumps({"1": message.body}, ensure_ascii=False)
        return self._send_message(params)

    def find_sent(
        self, message: OutgoingMessage, since: dt.datetime, exclude: frozenset[str] = frozenset()
    ) -> str | None:
        return self._find_message(
            whatsapp(message.recipient),
            whatsapp(self.from_number()),
            message.body,
            since,
            exclude,
        )

    @classmethod
    def check_settings(cls) -> list[Any]:
        errors = super().check_settings()
        if not settings.TWILIO_WHATSAPP_CONTENT_TEMPLATES:
            errors.append(
                checks.Warning(
                    "TwilioWhatsAppProvider has no approved content templates: messages "
                    "outside the 24-hour window will fail.",
                    hint="Set TWILIO_WHATSAPP_CONTENT_TEMPLATES (JSON).",
                    id="mppdesk.messaging.W001",
                )
            )
        return errors
