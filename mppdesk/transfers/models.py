"""Detention rosters, transfer groups and each person's movements.

- ``Detention``: a person held at a detention facility (one roster entry). Active while
  ``released_on`` is empty.
- ``TransferGroup`` and ``TransferMember``: a group moved from facilities through a port
  to the paired Mexican city on a date; every candidate considered by the planner is a
  member row, included or excluded with the rule and reason.
- ``MovementEvent``: the person's movement timeline (detained, screened, returned,
  at a shelter, presented at the port, paroled, disenrolled).

All of them are personal data: owned by one organization and read through
``visible_to`` / ``transfers.queries``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel

#: Nights a returned person is counted in a shelter. No published figure exists (people
#: waited months, but moved on from reception shelters); an assumption per group.
DEFAULT_STAY_NIGHTS = 30


class Detention(EncryptedModelMixin, OrgOwnedModel):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="detentions")
    facility = models.ForeignKey(
        "places.DetentionFacility", on_delete=models.PROTECT, related_name="detentions"
    )
    since = models.DateField(_("detained since"))
    # The facility's own booking or roster number: an identifier, so encrypted.
    roster_id = EncryptedTextField(_("roster id"), blank=True)
    released_on = models.DateField(_("released on"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-since", "id"]
        indexes = [models.Index(fields=["facility", "released_on"], name="detention_facility_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(released_on__isnull=True),
                name="detention_one_active_per_person",
            )
        ]
        verbose_name = _("detention")
        verbose_name_plural = _("detentions")

    def __str__(self) -> str:
        return f"detention {str(self.id)[:8]}"


class GroupStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    APPROVED = "approved", _("Approved")
    DEPARTED = "departed", _("Departed")
    ARRIVED = "arrived", _("Arrived")
    CANCELLED = "cancelled", _("Cancelled")


#: A person in a group with one of these statuses is in no other group.
ACTIVE_STATUSES = (GroupStatus.PLANNED, GroupStatus.APPROVED, GroupStatus.DEPARTED)


class TransferGroup(OrgOwnedModel):
    name = models.CharField(_("name"), max_length=200)
    date = models.DateField(_("transfer date"))
    facilities = models.ManyToManyField(
        "places.DetentionFacility", related_name="transfer_groups", verbose_name=_("facilities")
    )
    port = models.ForeignKey(
        "places.Port", on_delete=models.PROTECT, related_name="+", verbose_name=_("port of entry")
    )
    receiving_city = models.CharField(_("receiving city"), max_length=100)
    target_size = models.PositiveIntegerField(_("target size"))
    rules_version = models.CharField(_("screening rules version"), max_length=16)
    stay_nights = models.PositiveSmallIntegerField(
        _("nights counted in the shelter"), default=DEFAULT_STAY_NIGHTS
    )
    status = models.CharField(
        _("status"), max_length=16, choices=GroupStatus.choices, default=GroupStatus.PLANNED
    )
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    departed_at = models.DateTimeField(null=True, blank=True)
    arrived_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Counts only (candidates, included, excluded per rule): no personal data.
    summary = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-date", "-created_at", "id"]
        indexes = [models.Index(fields=["organization", "status"], name="transfer_group_org_idx")]
        verbose_name = _("transfer group")
        verbose_name_plural = _("transfer groups")

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class TransferMember(models.Model):
    """One candidate of a group: included (with a seat and a shelter) or excluded with
    the rule code and reason. ``active`` is true while the person is included in a
    planned, approved or departed group; a partial unique constraint keeps a person in
    one such group at most."""

    group = models.ForeignKey(TransferGroup, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facility = models.ForeignKey(
        "places.DetentionFacility", on_delete=models.PROTECT, related_name="+"
    )
    included = models.BooleanField(_("included"), default=False)
    active = models.BooleanField(default=False)
    # Manifest numbers: per household a group number, per person a seat.
    household_number = models.PositiveIntegerField(_("household number"), null=True, blank=True)
    seat = models.PositiveIntegerField(_("seat"), null=True, blank=True)
    rule = models.CharField(_("rule"), max_length=80, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    screening_result = models.CharField(_("screening result"), max_length=16, blank=True)
    shelter = models.ForeignKey(
        "places.Shelter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["group", "-included", "household_number", "seat", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="transfer_member_unique"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(active=True), name="transfer_member_one_active"
            ),
            models.CheckConstraint(
                condition=Q(included=True) | ~Q(rule=""), name="transfer_member_excluded_has_rule"
            ),
        ]
        verbose_name = _("transfer group member")
        verbose_name_plural = _("transfer group members")

    def __str__(self) -> str:
        return f"member {self.pk}"


class MovementKind(models.TextChoices):
    DETAINED = "detained", _("Detained at a facility")
    SCREENED = "screened", _("Screened")
    RETURNED = "returned", _("Returned through a port of entry")
    AT_SHELTER = "at_shelter", _("At a shelter")
    PRESENTED_AT_PORT = "presented_at_port", _("Presented at the port for a hearing")
    PAROLED = "paroled", _("Paroled into the US")
    DISENROLLED = "disenrolled", _("Disenrolled")


class MovementEvent(OrgOwnedModel):
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="movements")
    kind = models.CharField(_("kind"), max_length=24, choices=MovementKind.choices)
    at = models.DateTimeField(_("at"))
    facility = models.ForeignKey(
        "places.DetentionFacility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    port = models.ForeignKey(
        "places.Port", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    shelter = models.ForeignKey(
        "places.Shelter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    group = models.ForeignKey(
        TransferGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Codes only (screening result, rule codes, rules version): no personal data.
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["person", "at", "created_at"]
        indexes = [models.Index(fields=["person", "at"], name="movement_person_at_idx")]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")

    def __str__(self) -> str:
        return self.kind
