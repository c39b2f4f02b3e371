"""What survives an erasure: a record that it happened and de-identified counts.

Neither model holds personal data. ``Erasure`` names the erased person only by the
random UUID that the audit log already uses. ``ErasedCaseStat`` is an aggregate: one
row per combination of coarse attributes with a ``count``, so no row stands for one
person and nothing in it (no id, no exact date) links back to a person or a case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Erasure(models.Model):
    class Reason(models.TextChoices):
        RETENTION = "retention", _("Retention period over")
        REQUEST = "request", _("Request of the person")

    person_id = models.UUIDField(_("person"), unique=True)
    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    erased_at = models.DateTimeField(_("erased at"), db_index=True)
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["-erased_at", "-id"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"Erasure {str(self.person_id)[:8]} ({self.reason})"


class ErasedCaseStat(models.Model):
    """How many erased person-case memberships had these attributes.

    Every column is a non-null string ("" when unknown) so that the unique constraint
    over all of them treats "unknown" as one value on SQLite and PostgreSQL alike. A
    person without any case counts once with the case columns empty.
    """

    organization = models.ForeignKey(
        "accounts.Organization", on_delete=models.PROTECT, related_name="+"
    )
    nationality = models.CharField(max_length=3, blank=True, default="")
    sex = models.CharField(max_length=1, blank=True, default="")
    birth_years = models.CharField(
        _("birth years"), max_length=9, blank=True, default="", help_text="e.g. 1985-1989"
    )
    role = models.CharField(max_length=8, blank=True, default="")
    program_version = models.CharField(max_length=10, blank=True, default="")
    venue_code = models.CharField(max_length=60, blank=True, default="")
    port_code = models.CharField(max_length=60, blank=True, default="")
    case_status = models.CharField(max_length=16, blank=True, default="")
    opened_month = models.CharField(max_length=7, blank=True, default="")  # YYYY-MM
    closed_month = models.CharField(max_length=7, blank=True, default="")  # YYYY-MM
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "organization",
                    "nationality",
                    "sex",
                    "birth_years",
                    "role",
                    "program_version",
                    "venue_code",
                    "port_code",
                    "case_status",
                    "opened_month",
                    "closed_month",
                ],
                name="erased_case_stat_unique_cell",
            )
        ]
        verbose_name = _("erased case statistic")
        verbose_name_plural = _("erased case statistics")

    def __str__(self) -> str:
        return f"{self.count} × {self.case_status or '-'}"
