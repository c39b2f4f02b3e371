from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mppdesk.core.models import OrgOwnedModel
from mppdesk.lib.anumber import format_anumber


class ProgramVersion(models.TextChoices):
    V2019 = "2019", _("MPP 2019 (guiding principles)")
    V2021 = "2021", _("MPP 2021 (re-implementation)")
    CURRENT = "current", _("Current program")


class CaseStatus(models.TextChoices):
    INTAKE = "intake", _("Intake")
    ACTIVE = "active", _("In proceedings")
    IN_ABSENTIA = "in_absentia", _("Ordered removed in absentia")
    DECIDED = "decided", _("Decided")
    CLOSED = "closed", _("Closed")


class Case(OrgOwnedModel):
    a_number = models.CharField(_("A-number"), max_length=9)
    lead = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="led_cases",
        verbose_name=_("lead respondent"),
    )
    venue = models.ForeignKey(
        "places.Venue",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hearing venue"),
    )
    port = models.ForeignKey(
        "places.Port",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("port of entry"),
    )
    program_version = models.CharField(
        _("program version"),
        max_length=10,
        choices=ProgramVersion.choices,
        default=ProgramVersion.CURRENT,
    )
    status = models.CharField(
        _("status"), max_length=16, choices=CaseStatus.choices, default=CaseStatus.INTAKE
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "a_number"], name="case_unique_anumber_per_org"
            )
        ]
        indexes = [models.Index(fields=["a_number"])]
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"Case {str(self.id)[:8]}"

    @property
    def a_number_display(self) -> str:
        return format_anumber(self.a_number)


class CaseMember(models.Model):
    class Role(models.TextChoices):
        LEAD = "lead", _("Lead respondent")
        RIDER = "rider", _("Family member on the case")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="case_memberships"
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "person"], name="case_member_unique")
        ]
        ordering = ["case", "role", "id"]

    def __str__(self) -> str:
        return self.get_role_display()


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        UPDATED = "updated", _("Case updated")
        MEMBER_ADDED = "member_added", _("Family member added")
        STATUS_CHANGED = "status_changed", _("Status changed")
        NOTE = "note", _("Note")
        IMPORTED = "imported", _("Imported")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self) -> str:
        return self.get_kind_display()
