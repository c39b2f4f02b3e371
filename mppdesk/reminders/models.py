"""Message template overrides and reminder policies.

- ``MessageTemplate``: a coordinator's (or admin's) text for one kind, channel and
  language, replacing the default of ``texts.DEFAULTS``. Program-wide (a person moved
  between organizations gets the same texts); templates hold no personal data.
- ``ReminderPolicy``: when reminders go out for the cases of one program version
  (``cases.ProgramVersion``), and the quiet hours in the recipient's local time.
  ``rules`` is a list of ``{"code", "template", "days_before", "at"}`` (see
  ``policy.DEFAULT_RULES``); one policy per program version, seeded by a migration.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mppdesk.cases.models import ProgramVersion
from mppdesk.messaging.models import Channel, TemplateKind

#: Languages messages are written in (the notices' languages).
LANGUAGES = ("es", "en", "pt", "ht", "fr")
LANGUAGE_CHOICES = [
    ("es", _("Spanish")),
    ("en", _("English")),
    ("pt", _("Portuguese")),
    ("ht", _("Haitian Creole")),
    ("fr", _("French")),
]

DEFAULT_QUIET_START = dt.time(21, 0)
DEFAULT_QUIET_END = dt.time(8, 0)


class MessageTemplate(models.Model):
    """An edited text for one (kind, channel, language); the default applies otherwise."""

    kind = models.CharField(_("kind"), max_length=32, choices=TemplateKind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    language = models.CharField(_("language"), max_length=3, choices=LANGUAGE_CHOICES)
    body = models.TextField(_("text"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["kind", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "channel", "language"], name="message_template_unique"
            )
        ]
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel}/{self.language}"


class ReminderPolicy(models.Model):
    """The reminder rules and quiet hours of one program version."""

    program_version = models.CharField(
        _("program version"), max_length=10, choices=ProgramVersion.choices, unique=True
    )
    rules = models.JSONField(_("rules"), default=list)
    quiet_start = models.TimeField(_("quiet hours start"), default=DEFAULT_QUIET_START)
    quiet_end = models.TimeField(_("quiet hours end"), default=DEFAULT_QUIET_END)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["program_version"]
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self) -> str:
        return self.program_version
