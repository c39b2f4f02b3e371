"""Referrals: how a record owned by one organization is shared with another.

A person has one owning organization (``Person.organization``). The owner may refer the
person to another organization once the person's consent is recorded; the receiver
accepts or rejects; the owner may revoke. While a referral is *accepted*, the receiver
reads the person and the cases the person is on (``Person.shared_scope`` and
``Case.shared_scope``, which ``OrgScopedQuerySet.visible_to`` ORs in). Nothing else is
shared: households, exports, erasure and further referrals stay with the owner.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel


class ReferralStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    REVOKED = "revoked", _("Revoked")


#: A referral that still holds or may still grant access.
OPEN_STATUSES = (ReferralStatus.PENDING, ReferralStatus.ACCEPTED)


class ConsentMethod(models.TextChoices):
    VERBAL_IN_PERSON = "verbal_in_person", _("Verbal, in person")
    WRITTEN_SIGNATURE = "written_signature", _("Written signature")
    PHONE = "phone", _("By phone")
    INTERPRETER_ASSISTED = "interpreter_assisted", _("With an interpreter")


class ReferralPurpose(models.TextChoices):
    LEGAL_REPRESENTATION = "legal_representation", _("Legal representation")
    SHELTER_PLACEMENT = "shelter_placement", _("Shelter placement")
    MEDICAL = "medical", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    OTHER = "other", _("Other")


class Referral(EncryptedModelMixin, OrgOwnedModel):
    """``organization`` (the owner of the person) shares ``person`` with ``to_organization``.

    Free-text notes may name people or describe their situation: encrypted at rest.
    """

    Status = ReferralStatus

    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="referrals",
        verbose_name=_("person"),
    )
    to_organization = models.ForeignKey(
        "accounts.Organization",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("referred to"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    # The person's consent to this referral, as recorded by the referring staff member.
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_method = models.CharField(
        _("how consent was given"), max_length=32, choices=ConsentMethod.choices
    )
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("consent recorded by"),
    )
    consent_note = EncryptedTextField(_("consent note"), blank=True)
    purpose = models.CharField(_("purpose"), max_length=32, choices=ReferralPurpose.choices)
    purpose_note = EncryptedTextField(_("reason for the referral"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = EncryptedTextField(_("decision note"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            # One open referral per person and receiver; closed ones are history.
            models.UniqueConstraint(
                fields=["person", "to_organization"],
                condition=Q(status__in=["pending", "accepted"]),
                name="referral_one_open_per_person_and_receiver",
            ),
            models.CheckConstraint(
                condition=~Q(organization=models.F("to_organization")),
                name="referral_not_to_owner",
            ),
        ]
        indexes = [
            # Serves the shared_scope subquery: accepted referrals to these organizations.
            models.Index(
                fields=["to_organization", "status", "person"], name="referral_receiver_idx"
            ),
            models.Index(fields=["organization", "status"], name="referral_owner_idx"),
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"Referral {str(self.id)[:8]} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
