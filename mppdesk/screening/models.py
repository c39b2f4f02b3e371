"""Screening for the program: guidance versions, facts, decisions, fear interviews.

The rules themselves are in ``engine`` (pure Python); these models hold what was
recorded about a person and what was decided, by whom and under which version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel, TimestampedModel


class VersionCode(models.TextChoices):
    V2019 = "2019", _("2019 guiding principles")
    V2021 = "2021", _("2021 guidance")
    CURRENT = "current", _("Current rules")


class Result(models.TextChoices):
    AMENABLE = "amenable", _("Amenable")
    EXEMPT = "exempt", _("Exempt")
    REVIEW = "review", _("Review")


class DecisionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    CONFIRMED = "confirmed", _("Confirmed")
    OVERRIDDEN = "overridden", _("Overridden")


class FearHow(models.TextChoices):
    ASKED = "asked", _("Asked by an officer")
    VOLUNTEERED = "volunteered", _("Volunteered")


class Standard(models.TextChoices):
    MORE_LIKELY = "more_likely_than_not", _("More likely than not")
    REASONABLE = "reasonable_possibility", _("Reasonable possibility")


class FearOutcome(models.TextChoices):
    POSITIVE = "positive", _("Positive (fear established)")
    NEGATIVE = "negative", _("Negative")


class GuidanceVersion(TimestampedModel):
    """One guidance version. 2019 and 2021 are fixed (``engine``); "current" holds its
    rules and parameters in ``rules`` (``engine.RuleSet.to_json``), editable by an admin."""

    code = models.CharField(_("code"), max_length=8, choices=VersionCode.choices, unique=True)
    name = models.CharField(_("name"), max_length=120)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    rules = models.JSONField(_("rules"), default=dict, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("guidance version")
        verbose_name_plural = _("guidance versions")

    def __str__(self) -> str:
        return self.name


class ScreeningFacts(OrgOwnedModel):
    """What the detention record and the fear question say about a person (one row per
    person; its organization is the person's)."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.CASCADE, related_name="screening_facts"
    )
    flags = models.JSONField(_("flags"), default=list, blank=True)
    fear_asked = models.BooleanField(_("fear question asked"), default=False)
    fear_asked_at = models.DateTimeField(_("fear question asked at"), null=True, blank=True)
    fear_expressed = models.BooleanField(_("fear expressed"), default=False)
    fear_expressed_at = models.DateTimeField(_("fear expressed at"), null=True, blank=True)
    fear_how = models.CharField(
        _("how fear was raised"), max_length=12, choices=FearHow.choices, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("screening facts")
        verbose_name_plural = _("screening facts")

    def __str__(self) -> str:
        return f"Screening facts {str(self.id)[:8]}"


class ScreeningDecision(EncryptedModelMixin, OrgOwnedModel):
    """A recorded screening of one person under one version: proposed by the engine,
    then confirmed or overridden by a reviewer. The latest row per person counts."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="screening_decisions"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.CharField(_("guidance version"), max_length=8, choices=VersionCode.choices)
    result = models.CharField(_("proposed result"), max_length=10, choices=Result.choices)
    household_result = models.CharField(
        _("household result"), max_length=10, choices=Result.choices, blank=True
    )
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.PROPOSED
    )
    final_result = models.CharField(
        _("final result"), max_length=10, choices=Result.choices, blank=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    note = EncryptedTextField(_("note"), blank=True)
    decided_at = models.DateTimeField(_("decided at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-created_at"]
        indexes = [models.Index(fields=["person", "-decided_at"])]
        verbose_name = _("screening decision")
        verbose_name_plural = _("screening decisions")

    def __str__(self) -> str:
        return f"Screening decision {str(self.id)[:8]}"

    @property
    def effective_result(self) -> str:
        """The reviewer's result once reviewed, else the proposed one."""
        return self.final_result or self.result

    @property
    def reviewed(self) -> bool:
        return self.status != DecisionStatus.PROPOSED


class NonRefoulementInterview(EncryptedModelMixin, OrgOwnedModel):
    """A fear-of-return (non-refoulement) interview. Under the 2021 guidance the person
    has ``counsel_hours`` (24) after counsel is notified before it may take place."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="fear_interviews"
    )
    version = models.CharField(_("guidance version"), max_length=8, choices=VersionCode.choices)
    fear_how = models.CharField(_("how fear was raised"), max_length=12, choices=FearHow.choices)
    counsel_notified_at = models.DateTimeField(_("counsel notified at"), null=True, blank=True)
    earliest_interview_at = models.DateTimeField(
        _("earliest interview time"), null=True, blank=True
    )
    interview_at = models.DateTimeField(_("interview time"), null=True, blank=True)
    standard = models.CharField(_("standard"), max_length=24, choices=Standard.choices)
    outcome = models.CharField(_("outcome"), max_length=10, choices=FearOutcome.choices, blank=True)
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    notes = EncryptedTextField(_("notes"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("non-refoulement interview")
        verbose_name_plural = _("non-refoulement interviews")

    def __str__(self) -> str:
        return f"Interview {str(self.id)[:8]}"
