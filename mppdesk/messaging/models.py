"""The outbox: every message is a row before it is a request (STYLE.md habit 4).

A ``Message`` moves through ``MessageStatus``; each change is a ``MessageEvent`` (the
status timeline). Reminders are planned as messages in ``PLANNED`` with ``not_before``
set; the dispatcher promotes due ones to ``QUEUED``. Bodies and recipients are
encrypted at rest like every other piece of personal data.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from mppdesk.core.fields import BlindIndexField, EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel, TimestampedModel

RECIPIENT_PURPOSE = "contact"  # same purpose as people.ContactPoint: one index per number


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    VOICE = "voice", _("Voice call")
    EMAIL = "email", _("E-mail")


class MessageStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")  # a reminder waiting for its time
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")  # claimed by a worker, outcome not yet known
    SENT = "sent", _("Sent")  # accepted by the provider
    DELIVERED = "delivered", _("Delivered")
    READ = "read", pgettext_lazy("message status", "Read")
    FAILED = "failed", _("Failed")  # permanent error, or out of attempts
    UNDELIVERABLE = "undeliverable", _("Undeliverable")  # the provider could not deliver
    CANCELLED = "cancelled", _("Cancelled")  # e.g. a reminder for a hearing that moved


#: Statuses a message can still leave by being sent.
PENDING_STATUSES = (MessageStatus.PLANNED, MessageStatus.QUEUED, MessageStatus.SENDING)
#: Statuses that mean the provider took the message.
SENT_STATUSES = (MessageStatus.SENT, MessageStatus.DELIVERED, MessageStatus.READ)


class TemplateKind(models.TextChoices):
    HEARING_NOTICE = "hearing_notice", _("Hearing notice")
    REMINDER = "reminder", _("Reminder")
    HEARING_CHANGED = "hearing_changed", _("Hearing changed")
    HEARING_CANCELLED = "hearing_cancelled", _("Hearing cancelled")
    REPORTING_INSTRUCTIONS = "reporting_instructions", _("Reporting instructions")
    OPT_OUT_CONFIRMATION = "opt_out_confirmation", _("Opt-out confirmation")
    SELF_SERVICE_ANSWER = "self_service_answer", _("Self-service answer")
    SELF_SERVICE_HELP = "self_service_help", _("Self-service help")
    MANUAL = "manual", _("Manual message")


class Message(EncryptedModelMixin, OrgOwnedModel):
    """One outbound message to one recipient over one channel."""

    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    hearing = models.ForeignKey(
        "hearings.Hearing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    contact_point = models.ForeignKey(
        "people.ContactPoint",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    # The number or address, copied at planning time (the contact point may change).
    recipient = EncryptedTextField(_("recipient"))
    recipient_bidx = BlindIndexField(
        purpose=RECIPIENT_PURPOSE, source="recipient_key", db_index=True
    )
    template = models.CharField(_("template"), max_length=32, choices=TemplateKind.choices)
    language = models.CharField(_("language"), max_length=3)
    body = EncryptedTextField(_("message"))
    # Which reminder rule planned it ("notice", "7d", "2d", "evening"), "" otherwise.
    rule = models.CharField(_("reminder rule"), max_length=16, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    not_before = models.DateTimeField(_("send at"), null=True, blank=True)  # UTC
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)  # retry backoff (UTC)
    # A worker's claim: who holds the message and until when (a crashed worker's lease
    # expires and another worker reconciles with the provider before sending again).
    claimed_by = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(_("provider"), max_length=32, blank=True)
    provider_id = models.CharField(_("provider id"), max_length=64, blank=True, db_index=True)
    # Unique per intended message (e.g. "reminder:<hearing>:<rule>:<contact point>"):
    # planning twice never creates two messages.
    idempotency_key = models.CharField(max_length=200, unique=True)
    error_code = models.CharField(_("error"), max_length=32, blank=True)  # never personal data
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    status_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "not_before"], name="message_due"),
            models.Index(fields=["person", "created_at"], name="message_person"),
            models.Index(fields=["hearing", "status"], name="message_hearing"),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.get_template_display()}"

    @property
    def recipient_key(self) -> str:
        """What the blind index is computed from (index rotation recomputes it)."""
        return (self.recipient or "").strip()


class MessageEvent(models.Model):
    """One step of a message's status timeline (no personal data in ``detail``)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=MessageStatus.choices)
    at = models.DateTimeField(_("when"))
    attempt = models.PositiveSmallIntegerField(default=0)
    detail = models.CharField(_("detail"), max_length=200, blank=True)  # error code, worker

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["message", "at"])]

    def __str__(self) -> str:
        return self.status


class InboundMessage(EncryptedModelMixin, TimestampedModel):
    """A text received on an inbound hook (kept for the audit of self-service answers).

    One row per provider message id: a provider that retries the same text (Twilio does
    when the webhook is slow) gets the stored ``reply`` again, and the text is acted on
    once — one opt-out, one lookup, one failure counted (``selfservice.handle_inbound``).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    sender = EncryptedTextField(_("from"))
    sender_bidx = BlindIndexField(purpose=RECIPIENT_PURPOSE, source="sender_key", db_index=True)
    body = EncryptedTextField(_("message"))
    # Twilio's MessageSid (a random id when the request had none): unique, so that two
    # deliveries of one text, even at the same moment, make one row.
    provider_id = models.CharField(max_length=64, unique=True)
    # What the text was read as: "opt_out", "opt_in", "help", "lookup", "other".
    intent = models.CharField(_("intent"), max_length=16, blank=True)
    # The reply sent back, to answer a retry of the same text without acting again.
    reply = EncryptedTextField(_("reply"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.intent or "inbound"

    @property
    def sender_key(self) -> str:
        """What the blind index is computed from (E.164, without a ``whatsapp:`` prefix)."""
        return (self.sender or "").strip().removeprefix("whatsapp:")


class ProviderRateBucket(models.Model):
    """The shared send schedule of one provider (a rate limit all workers respect).

    A generic cell rate algorithm: ``next_free_at`` is the earliest time the next message
    may go out. A worker reserves ``n`` slots at once in one short locked transaction
    (``dispatch.reserve_slots``) and sends its messages at ``1/rate`` intervals from the
    start it got, so any number of workers together stay at the configured rate.
    """

    provider = models.CharField(max_length=64, primary_key=True)
    next_free_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.provider
