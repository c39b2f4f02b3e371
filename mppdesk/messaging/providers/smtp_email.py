"""E-mail through Django's e-mail API (``EMAIL_HOST``, ``EMAIL_PORT``, ...).

The message id is our own ``Message-ID`` header. SMTP offers no way to ask whether a
message went out, so ``find_sent`` cannot tell and a retry after an ambiguous failure
may send a second e-mail (documented in docs/messaging.md)."""

from __future__ import annotations

import smtplib
import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.core import checks
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _
from django.utils.translation import override

from mppdesk.messaging.providers.base import (
    OutgoingMessage,
    Provider,
    TransportError,
    check_send_deadline,
)


class SmtpEmailProvider(Provider):
    name: ClassVar[str] = "smtp_email"

    def send(self, message: OutgoingMessage, prepared: dict[str, Any]) -> str:
        message_id = f"<{uuid.uuid4().hex}@mppdesk>"
        with override(message.language if message.language in ("es", "en") else "es"):
            subject = _("Message about your immigration court hearing")
        email = EmailMessage(
            subject=subject,
            body=message.body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[message.recipient],
            headers={"Message-ID": message_id},
            connection=get_connection(),  # EMAIL_BACKEND: SMTP unless configured else
        )
        check_send_deadline()  # the last moment before it leaves
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise TransportError("invalid_address", permanent=True) from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransportError("smtp") from exc
        return message_id

    @classmethod
    def warm(cls) -> None:
        get_connection()  # imports the e-mail backend

    @classmethod
    def check_settings(cls) -> list[Any]:
        if settings.EMAIL_HOST and settings.DEFAULT_FROM_EMAIL:
            return []
        return [
            checks.Error(
                "SmtpEmailProvider is selected but EMAIL_HOST or DEFAULT_FROM_EMAIL is not set.",
                hint="Set EMAIL_HOST, EMAIL_PORT, DEFAULT_FROM_EMAIL (and the user/password).",
                id="mppdesk.messaging.E003",
            )
        ]
