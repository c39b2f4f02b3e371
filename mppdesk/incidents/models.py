"""Incident reports: what happened to people in a border city, with the survivor's consent
for each use of the report.

Reference: ``shared/reference/services_and_documents.md`` (Incidents): the kinds of harm,
the perpetrator categories and the four uses a survivor consents to. The narrative is
personal data (encrypted). Which people an incident affected is personal data too: it is
read only through ``queries`` (``incident.read``), every read audited.

A report exists only while the survivor consents to keeping it on record: withdrawing
that consent deletes it (``services.withdraw_consent``). The other uses — referral to a
service, de-identified reporting, sharing with a named organization — are each a
``Consent`` row; a use with no active row does not happen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel


class IncidentKind(models.TextChoices):
    KIDNAPPING = "kidnapping", _("Kidnapping")
    ATTEMPTED_KIDNAPPING = "attempted_kidnapping", _("Attempted kidnapping")
    EXTORTION = "extortion", _("Extortion")
    ROBBERY = "robbery", _("Robbery")
    ASSAULT = "assault", _("Physical assault")
    SEXUAL_VIOLENCE = "sexual_violence", _("Sexual violence")
    THREATS = "threats", _("Threats")
    DISAPPEARANCE = "disappearance", _("Disappearance")
    MURDER = "murder", _("Murder")
    DOCUMENT_THEFT = "document_theft", _("Theft or photographing of documents")
    ABUSE_BY_OFFICIALS = "abuse_by_officials", _("Abuse or extortion by officials")
    DENIAL_OF_SERVICES = "denial_of_services", _("Denial of services")


class Perpetrator(models.TextChoices):
    CRIMINAL_GROUP = "criminal_group", _("Criminal group")
    INDIVIDUAL = "individual", _("Individual")
    MEXICAN_POLICE = "mexican_police", _("Mexican police")
    MEXICAN_MIGRATION_OR_MILITARY = "mx_migration_military", _("Mexican migration or military")
    US_OFFICIALS = "us_officials", _("US officials")
    UNKNOWN = "unknown", _("Unknown")


class Use(models.TextChoices):
    """What the survivor may consent to, one by one."""

    KEEP = "keep", _("Keep on record")
    REFER = "refer", _("Refer to a service")
    REPORT = "report", _("Include in de-identified reporting")
    SHARE = "share", _("Share with a named organization")


class ConsentMethod(models.TextChoices):
    VERBAL_IN_PERSON = "verbal_in_person", _("Verbal, in person")
    WRITTEN_SIGNATURE = "written_signature", _("Written signature")
    PHONE = "phone", _("By phone")
    INTERPRETER_ASSISTED = "interpreter_assisted", _("With an interpreter")


class IncidentQuerySet(models.QuerySet["Incident"]):
    def consented(self, use: str, organization_id: int | None = None) -> IncidentQuerySet:
        """Incidents with an active consent for ``use`` (for ``share``: with that
        organization)."""
        active = Consent.objects.filter(incident=OuterRef("pk"), use=use, withdrawn_at=None)
        if organization_id is not None:
            active = active.filter(organization_id=organization_id)
        return self.filter(Exists(active))

    def for_orgs(self, org_ids: list[int]) -> IncidentQuerySet:
        """Owned by one of ``org_ids``, or shared with one of them by an active consent."""
        if not org_ids:
            return self.none()
        shared = Consent.objects.filter(
            incident=OuterRef("pk"),
            use=Use.SHARE,
            withdrawn_at=None,
            organization_id__in=org_ids,
        )
        return self.filter(Q(organization_id__in=org_ids) | Exists(shared))


class Incident(EncryptedModelMixin, OrgOwnedModel):
    occurred_on = models.DateField(_("date"))
    port = models.ForeignKey(
        "places.Port",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("city"),
        help_text=_("The receiving city (by its port of entry) where it happened."),
    )
    kinds = models.JSONField(_("kinds"), default=list)
    perpetrator = models.CharField(_("perpetrator"), max_length=24, choices=Perpetrator.choices)
    narrative = EncryptedTextField(_("narrative"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    people = models.ManyToManyField(
        "people.Person", through="IncidentPerson", related_name="incidents"
    )

    objects = IncidentQuerySet.as_manager()  # type: ignore[assignment, misc]

    class Meta:
        ordering = ["-occurred_on", "-created_at"]
        verbose_name = _("incident report")
        verbose_name_plural = _("incident reports")
        indexes = [models.Index(fields=["organization", "occurred_on"])]

    def __str__(self) -> str:
        return f"incident {self.pk}"  # never the narrative or a name

    def kind_labels(self) -> list[str]:
        labels = dict(IncidentKind.choices)
        return [str(labels.get(k, k)) for k in self.kinds]


class IncidentPerson(models.Model):
    """A person affected by an incident: the link itself is personal data."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="affected")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="incident_links"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "person"], name="incident_person_once")
        ]

    def __str__(self) -> str:
        return f"incident {self.incident_id} person link"


class Consent(models.Model):
    """One use the survivor consented to: who recorded it, when and how; and, once
    withdrawn, who recorded that, when and how. Never deleted while the incident exists,
    so the record shows what was allowed when."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="consents")
    use = models.CharField(_("use"), max_length=8, choices=Use.choices)
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("shared with"),
    )
    given_at = models.DateTimeField(_("given at"))
    method = models.CharField(_("how"), max_length=24, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_method = models.CharField(
        _("how withdrawn"), max_length=24, choices=ConsentMethod.choices, blank=True
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["given_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "use", "organization"],
                condition=Q(withdrawn_at=None),
                name="incident_consent_active_once",
            ),
            models.CheckConstraint(
                condition=Q(use="share", organization__isnull=False)
                | (~Q(use="share") & Q(organization__isnull=True)),
                name="incident_consent_share_names_org",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk} ({self.use})"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None
