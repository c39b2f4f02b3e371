"""Documents a person holds or needs, their needs, service providers and referrals to them.

Reference: ``shared/reference/services_and_documents.md`` (document codes, services,
referral outcomes). Document numbers and free-text notes are personal data: encrypted.
``ServiceReferral`` is named so because a ``sharing.Referral`` is the consent-based sharing
of a record between organizations; a service referral to a provider that is an MPP Desk
organization opens one of those (``sharing_referral``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel


class DocumentKind(models.TextChoices):
    FMM = "fmm", _("FMM (multiple migration form)")
    TVRH = "tvrh", _("TVRH (humanitarian visitor card)")
    CURP = "curp", _("CURP (population registry code)")
    NSS = "nss", _("NSS (social security number)")
    RFC = "rfc", _("RFC (taxpayer registry)")
    COMAR = "comar", _("COMAR certificate (asylum claim in Mexico)")
    NTA = "nta", _("US Notice to Appear or hearing notice")
    ID = "id", _("Passport, national ID or birth certificate")


#: Who issues each kind (reference file): the office suggested on a new document.
ISSUER = {
    "fmm": "INM", "tvrh": "INM", "curp": "RENAPO", "nss": "IMSS", "rfc": "SAT",
    "comar": "COMAR", "nta": "DHS / EOIR", "id": "",
}  # fmt: skip
#: Court documents: stolen or photographed, they expose the A-number (cases.exposure).
COURT_KINDS = frozenset({DocumentKind.NTA})


class DocumentStatus(models.TextChoices):
    NEEDED = "needed", _("Needed")
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    EXPIRED = "expired", _("Expired")
    LOST = "lost", _("Lost")
    STOLEN = "stolen", _("Stolen")
    PHOTOGRAPHED = "photographed", _("Photographed by others")
    REFUSED = "refused", _("Refused")


#: The statuses a document may move to from each status.
NEXT_STATUSES: dict[str, tuple[str, ...]] = {
    "needed": ("requested", "issued", "refused"),
    "requested": ("issued", "refused", "needed"),
    "issued": ("expired", "lost", "stolen", "photographed"),
    "expired": ("requested", "needed"),
    "lost": ("requested", "needed"),
    "stolen": ("requested", "needed"),
    "photographed": ("requested", "needed", "issued"),
    "refused": ("requested", "needed"),
}


class PersonDocument(EncryptedModelMixin, OrgOwnedModel):
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("document"), max_length=8, choices=DocumentKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.NEEDED
    )
    office = models.CharField(_("office"), max_length=200, blank=True)
    number = EncryptedTextField(_("number"), blank=True)
    requested_on = models.DateField(_("requested on"), null=True, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # The expiry date the last reminder was sent for (a new date sends a new reminder).
    reminded_for = models.DateField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["kind", "created_at"]
        indexes = [models.Index(fields=["organization", "expires_on"])]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display()})"

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        labels = dict(DocumentStatus.choices)
        return [(code, str(labels[code])) for code in NEXT_STATUSES[self.status]]


class DocumentEvent(models.Model):
    """One step of a document's status timeline."""

    document = models.ForeignKey(PersonDocument, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("status"), max_length=16, choices=DocumentStatus.choices)
    on = models.DateField(_("date"))
    office = models.CharField(_("office"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "recorded_at", "id"]

    def __str__(self) -> str:
        return self.get_status_display()


class NeedKind(models.TextChoices):
    HEALTH = "health", _("Health care")
    MATERNAL = "maternal", _("Maternal health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    SCHOOL = "school", _("School enrolment")
    SHELTER = "shelter", _("Shelter place")
    FOOD = "food", _("Food")
    LEGAL_US = "legal_us", _("Legal help, US case")
    LEGAL_MX = "legal_mx", _("Legal help, Mexican documents")
    WORK = "work", _("Work")
    TRANSPORT = "transport", _("Safe transport to the port")
    FAMILY_TRACING = "family_tracing", _("Family tracing")
    VICTIM_ASSISTANCE = "victim_assistance", _("Assistance to victims of crime")


class NeedPriority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Open")
    REFERRED = "referred", _("Referred")
    MET = "met", _("Met")
    CLOSED = "closed", _("Closed, not met")


class Need(EncryptedModelMixin, OrgOwnedModel):
    """One need of one person (a child's school need is the child's)."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="needs", verbose_name=_("person")
    )
    kind = models.CharField(_("need"), max_length=20, choices=NeedKind.choices)
    priority = models.CharField(
        _("priority"), max_length=8, choices=NeedPriority.choices, default=NeedPriority.NORMAL
    )
    status = models.CharField(
        _("status"), max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    note = EncryptedTextField(_("note"), blank=True)
    # Transport: the hearing, where the person stays, and whether they asked to be accompanied.
    hearing = models.ForeignKey(
        "hearings.Hearing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hearing"),
    )
    shelter = models.ForeignKey(
        "places.Shelter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("staying at"),
    )
    accompaniment = models.BooleanField(_("asks to be accompanied"), default=False)

    class Meta:
        ordering = ["status", "priority", "created_at"]
        indexes = [models.Index(fields=["organization", "kind", "status"])]
        verbose_name = _("need")
        verbose_name_plural = _("needs")

    def __str__(self) -> str:
        return self.get_kind_display()


class ServiceProvider(models.Model):
    """An organization in MPP Desk or an outside provider, in one receiving city.

    Contact details are an organization's public ones (no personal data)."""

    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100, db_index=True)
    organization = models.ForeignKey(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("organization in MPP Desk"),
    )
    contact = models.CharField(_("contact"), max_length=300, blank=True)
    services = models.JSONField(_("services offered"), default=list)
    languages = models.JSONField(_("languages"), default=list)
    is_active = models.BooleanField(_("active"), default=True)
    synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        ordering = ["city", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="provider_unique_name_per_city")
        ]
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    RECEIVED = "received", _("Service received")
    REFUSED = "refused", _("Refused")
    NO_ANSWER = "no_answer", _("No answer")


#: Outcomes after which nothing needs following up.
CLOSED_OUTCOMES = (ReferralOutcome.RECEIVED, ReferralOutcome.REFUSED)


class ServiceReferral(EncryptedModelMixin, OrgOwnedModel):
    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="referrals", verbose_name=_("need")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="service_referrals"
    )
    provider = models.ForeignKey(
        ServiceProvider,
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("provider"),
    )
    referred_on = models.DateField(_("referred on"))
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_method = models.CharField(_("how consent was given"), max_length=32)
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=10,
        choices=ReferralOutcome.choices,
        default=ReferralOutcome.PENDING,
    )
    follow_up_on = models.DateField(_("follow up on"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    sharing_referral = models.ForeignKey(
        "sharing.Referral", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-referred_on", "-created_at"]
        indexes = [models.Index(fields=["organization", "outcome", "follow_up_on"])]
        verbose_name = _("service referral")
        verbose_name_plural = _("service referrals")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}"
