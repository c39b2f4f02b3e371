from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import (
    BlindIndexField,
    EncryptedDateField,
    EncryptedJSONField,
    EncryptedTextField,
)
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel, TimestampedModel
from mppdesk.lib.crypto import blind_index

CONTACT_PURPOSE = "contact"
DEDUPE_PURPOSE = "dedupe"


def contact_index(value: str) -> str:
    """Blind index of a normalized contact value (E.164 phone or lower-case e-mail)."""
    return blind_index(CONTACT_PURPOSE, value)


def dedupe_index(key: str) -> str:
    """Blind index of ``validation.dedupe_key(...)``; empty key -> empty index."""
    return blind_index(DEDUPE_PURPOSE, key) if key else ""


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


class Person(EncryptedModelMixin, OrgOwnedModel):
    # Names, date of birth and notes are encrypted at rest (core.fields); the year of
    # birth stays plaintext because de-identified statistics (age groups, children) need
    # it and, alone, it identifies nobody.
    given_names = EncryptedTextField(_("given names"))
    family_names = EncryptedTextField(_("family names"), blank=True)
    other_names = EncryptedJSONField(_("other names"), default=list, blank=True)
    birth_date = EncryptedDateField(_("date of birth"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(_("nationality"), max_length=3, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    notes = EncryptedTextField(_("notes"), blank=True)
    # Blind index of validation.dedupe_key (normalized names + date of birth) for
    # duplicate detection; empty without a birth date or year. Name search goes through
    # PersonNameToken.
    dedupe_bidx = BlindIndexField(purpose=DEDUPE_PURPOSE, source="dedupe_material")
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        # Names are ciphertext in the database and cannot be sorted there: newest first.
        ordering = ["-created_at", "id"]
        indexes = [
            models.Index(fields=["organization", "dedupe_bidx"]),
            # The people list walks this order; without it PostgreSQL sorts every row.
            models.Index(fields=["-created_at", "id"], name="person_newest_first"),
        ]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        # Never shown in logs: the redacting filter does not know names, so code must not log people.
        return f"{self.given_names} {self.family_names}".strip()

    @classmethod
    def shared_scope(cls, org_ids: list[int]) -> models.Q:
        """People shared with ``org_ids`` through an accepted referral (``sharing``).

        A subquery, not a join, so a person referred to two of the organizations is
        still one row.
        """
        from mppdesk.sharing.models import Referral, ReferralStatus

        return models.Q(
            pk__in=Referral.objects.filter(
                to_organization_id__in=org_ids, status=ReferralStatus.ACCEPTED
            ).values("person_id")
        )

    @property
    def full_name(self) -> str:
        return str(self)

    @property
    def dedupe_material(self) -> str:
        """What ``dedupe_bidx`` hashes (empty without any birth information)."""
        from mppdesk.lib.dates import PartialDate
        from mppdesk.people.validation import dedupe_key

        if not self.birth_year and not self.birth_date:
            return ""
        year = self.birth_year or (self.birth_date.year if self.birth_date else 0)
        birth = PartialDate(year=year, date=self.birth_date)
        return dedupe_key(self.given_names, self.family_names, birth)

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


class PersonNameToken(models.Model):
    """One searchable word of a person's names, as a blind index (never the word itself).

    Each folded word of the given, family and other names gives one row: the digest of its
    Spanish phonetic key (``lib.phonetic``). A search word matches when its own phonetic
    key's digest is among a person's rows, so "Jose Perez" finds "José Pérez" and
    "Hernandes" finds "Hernández". A separate "exact" row per word would match nothing
    more (equal words have equal keys) yet double the table, the import's writes and what
    the table reveals; see docs/security.md. Rebuilt by ``people.services.reindex_person``.

    The primary key is (person, bidx): it serves the per-person deletes of a reindex and
    keeps the table at two indexes (this and the one on ``bidx, person`` for searches:
    a search reads who has a token from the index alone, without visiting the table,
    which for a common word at 1,000,000 people was 30,000 pages).
    """

    pk = models.CompositePrimaryKey("person", "bidx")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="name_tokens", db_index=False
    )
    bidx = models.CharField(max_length=32)

    class Meta:
        indexes = [models.Index(fields=["bidx", "person"], name="person_name_token_search")]

    def __str__(self) -> str:
        return "name token"


class ContactPoint(EncryptedModelMixin, TimestampedModel):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone (SMS/voice)")
        WHATSAPP = "whatsapp", _("WhatsApp")
        EMAIL = "email", _("E-mail")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # Bound to the person's UUID (this table has an auto-increment key, unknown before
    # the insert): see core.fields.
    value = EncryptedTextField(_("value"), bind_to="person_id")
    # Blind index of the normalized value (E.164 phone, lower-case e-mail).
    value_bidx = BlindIndexField(purpose=CONTACT_PURPOSE, source="value", db_index=True)
    consent = models.BooleanField(_("consent to be contacted"), default=False)
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    opted_out = models.BooleanField(_("opted out"), default=False)
    opted_out_at = models.DateTimeField(null=True, blank=True)
    # Set by messaging when a provider says the number or address cannot be reached
    # (e.g. Twilio 21211 invalid number); ``invalid_reason`` is the provider's code.
    invalid_at = models.DateTimeField(_("marked invalid at"), null=True, blank=True)
    # db_default: the importer inserts contact points with an explicit column list.
    invalid_reason = models.CharField(
        _("invalid because"), max_length=32, blank=True, default="", db_default=""
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value_bidx"], name="contact_point_unique"
            )
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
