"""Voice calls through Twilio: the message is read out with TwiML ``<Say>``.

For people who do not read. ``<Say>`` has no Haitian Creole voice; a Creole message is
read by the French voice (many Haitians understand spoken French) — the text itself
should then be written so that it is understandable when read that way.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from twilio.twiml.voice_response import VoiceResponse

from mppdesk.messaging.providers.base import OutgoingMessage
from mppdesk.messaging.providers.twilio_base import (
    TwilioProvider,
    client,
    from_utc,
    status_callback_url,
    translate,
)

#: Our language codes as ``<Say language>`` values ("ht": no Creole voice, French).
SAY_LANGUAGES = {"es": "es-MX", "en": "en-US", "pt": "pt-BR", "fr": "fr-FR", "ht": "fr-FR"}


def twiml(body: str, language: str) -> str:
    response = VoiceResponse()
    say_language = SAY_LANGUAGES.get(language, "es-MX")
    response.say(body, language=say_language)
    response.pause(length=1)
    response.say(body, language=say_language)  # said twice: a call is heard once
    return str(response)


class TwilioVoiceProvider(TwilioProvider):
    name: ClassVar[str] = "twilio_voice"
    from_setting: ClassVar[str] = "TWILIO_VOICE_FROM"

    def send(self, message: OutgoingMessage, prepared: dict[str, Any]) -> str:
        params: dict[str, Any] = {
            "to": message.recipient,
            "from_": self.from_number(),
            "twiml": twiml(message.body, message.language),
        }
        callback = status_callback_url()
        if callback:
            params["status_callback"] = callback
        try:
            call = client().calls.create(**params)
        except Exception as exc:  # noqa: BLE001 - mapped to permanent/transient
            raise translate(exc) from exc
        return str(call.sid)

    def find_sent(
        self, message: OutgoingMessage, since: dt.datetime, exclude: frozenset[str] = frozenset()
    ) -> str | None:
        # A call has no body to compare: any call to the number since the first attempt
        # that no other message owns is this one.
        try:
            calls = client().calls.list(
                to=message.recipient,
                from_=self.from_number(),
                start_time_after=from_utc(since),
                limit=50,
            )
        except Exception as exc:  # noqa: BLE001
            raise translate(exc) from exc
        for call in calls:
            if call.sid not in exclude:
                return str(call.sid)
        return None
