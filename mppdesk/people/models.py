from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from mppdesk.core.models import OrgOwnedModel, TimestampedModel


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other / non-binary")
    UNKNOWN = "U", _("Unknown")


class Vulnerability(models.TextChoices):
    CHILD = "child", _("Child")
    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied child")
    PREGNANT = "pregnant", _("Pregnant")
    MEDICAL = "medical", _("Medical condition")
    MENTAL_HEALTH = "mental_health", _("Mental health condition")
    DISABILITY = "disability", _("Disability")
    ELDERLY = "elderly", _("Elderly")
    LGBTQ = "lgbtq", _("LGBTQ+")
    INDIGENOUS = "indigenous", _("Indigenous")
    SURVIVOR_OF_VIOLENCE = "survivor_of_violence", _("Survivor of violence")
    NON_LITERATE = "non_literate", _("Does not read")


class Person(OrgOwnedModel):
    given_names = models.CharField(_("given names"), max_length=200)
    family_names = models.CharField(_("family names"), max_length=200, blank=True)
    other_names = models.JSONField(_("other names"), default=list, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    # Folded (lower case, unaccented) names for search and duplicate detection.
    search_key = models.CharField(max_length=700, blank=True, editable=False)
    dedupe_key = models.CharField(max_length=300, blank=True, editable=False, db_index=True)
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["family_names", "given_names"]
        indexes = [models.Index(fields=["organization", "dedupe_key"])]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        # Never shown in logs: the redacting filter does not know names, so code must not log people.
        return f"{self.given_names} {self.family_names}".strip()

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def birth_display(self) -> str:
        if self.birth_date:
            return self.birth_date.isoformat()
        return str(self.birth_year) if self.birth_year else ""

    def age_on(self, day: dt.date) -> int | None:
        if self.birth_date:
            years = day.year - self.birth_date.year
            if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
                years -= 1
            return years
        if self.birth_year:
            return day.year - self.birth_year
        return None


class PersonLanguage(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(_("language (ISO 639-3)"), max_length=3)
    preferred = models.BooleanField(_("preferred"), default=False)
    needs_interpreter = models.BooleanField(_("needs interpreter"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "code"], name="person_language_unique")
        ]
        ordering = ["-preferred", "code"]

    def __str__(self) -> str:
        return self.code


class ContactPoint(TimestampedModel):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone (SMS/voice)")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("E-mail")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=254, db_index=True)
    consent = models.BooleanField(_("consent to be contacted"), default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    opted_out = models.BooleanField(_("opted out"), default=False)
    opted_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "value"], name="contact_point_unique")
        ]
        ordering = ["kind", "id"]
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def reachable(self) -> bool:
        return self.consent and not self.opted_out


class Household(OrgOwnedModel):
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    port = models.ForeignKey(
        "places.Port",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("border city"),
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")

    def __str__(self) -> str:
        return f"Household {str(self.id)[:8]}"


class Relationship(models.TextChoices):
    LEAD = "lead", _("Lead respondent")
    SPOUSE = "spouse", _("Spouse or partner")
    CHILD = "child", _("Child")
    STEPCHILD = "stepchild", _("Stepchild")
    PARENT = "parent", _("Parent")
    SIBLING = "sibling", _("Sibling")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER_RELATIVE = "other_relative", _("Other relative")
    OTHER = "other", _("Other")


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="household_membership"
    )
    relationship = models.CharField(
        _("relationship to the lead"), max_length=20, choices=Relationship.choices
    )

    class Meta:
        ordering = ["household", "id"]

    def __str__(self) -> str:
        return self.get_relationship_display()
