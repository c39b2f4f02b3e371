from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import BlindIndexField, EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel
from mppdesk.lib.anumber import anumber_prefix, format_anumber
from mppdesk.lib.crypto import blind_index

A_NUMBER_PURPOSE = "a_number"
#: Blind indexes of the first 4, 5, 6 and 7 digits of the A-number (one column each), for
#: searches by a fragment of the number (``people.queries.search_people``).
A_NUMBER_PREFIX_PURPOSE = "a_number_prefix"


def anumber_index(digits: str) -> str:
    """The blind index of a normalized (9-digit) A-number, as stored in ``a_number_bidx``."""
    return blind_index(A_NUMBER_PURPOSE, digits)


#: The prefix lengths that have a column each (``a_number_p<n>_bidx``).
A_NUMBER_PREFIX_LENGTHS = (4, 5, 6, 7)


def anumber_prefix_indexes(digits: str) -> tuple[str, ...]:
    """The blind indexes of the A-number's first 4, 5, 6 and 7 digits, in that order, as a
    save stores them (``core.bulk`` writes skip ``save``)."""
    return tuple(
        blind_index(A_NUMBER_PREFIX_PURPOSE, prefix) if prefix else ""
        for prefix in (anumber_prefix(digits, n) for n in A_NUMBER_PREFIX_LENGTHS)
    )


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


class Case(EncryptedModelMixin, OrgOwnedModel):
    # The 9 digits, encrypted; looked up through the blind index of the same digits.
    a_number = EncryptedTextField(_("A-number"))
    a_number_bidx = BlindIndexField(purpose=A_NUMBER_PURPOSE, source="a_number")
    # Recomputed on every save from the properties below; an erased case has none.
    a_number_p4_bidx = BlindIndexField(
        purpose=A_NUMBER_PREFIX_PURPOSE, source="a_number_p4", db_index=True
    )
    a_number_p5_bidx = BlindIndexField(
        purpose=A_NUMBER_PREFIX_PURPOSE, source="a_number_p5", db_index=True
    )
    a_number_p6_bidx = BlindIndexField(
        purpose=A_NUMBER_PREFIX_PURPOSE, source="a_number_p6", db_index=True
    )
    a_number_p7_bidx = BlindIndexField(
        purpose=A_NUMBER_PREFIX_PURPOSE, source="a_number_p7", db_index=True
    )
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
    # Set when a court document of the case was stolen or photographed (cases.exposure):
    # the public web lookup stops answering for this A-number; texts from a phone on file
    # still answer.
    document_exposed_at = models.DateTimeField(
        _("court documents exposed on"), null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "a_number_bidx"], name="case_unique_anumber_per_org"
            )
        ]
        indexes = [models.Index(fields=["a_number_bidx"])]
        ordering = ["-created_at"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return f"Case {str(self.id)[:8]}"

    @property
    def a_number_display(self) -> str:
        return format_anumber(self.a_number)

    @property
    def a_number_p4(self) -> str:
        return anumber_prefix(self.a_number or "", 4)

    @property
    def a_number_p5(self) -> str:
        return anumber_prefix(self.a_number or "", 5)

    @property
    def a_number_p6(self) -> str:
        return anumber_prefix(self.a_number or "", 6)

    @property
    def a_number_p7(self) -> str:
        return anumber_prefix(self.a_number or "", 7)

    @classmethod
    def shared_scope(cls, org_ids: list[int]) -> models.Q:
        """Cases that a person shared with ``org_ids`` through an accepted referral is on."""
        from mppdesk.sharing.models import Referral, ReferralStatus

        shared_people = Referral.objects.filter(
            to_organization_id__in=org_ids, status=ReferralStatus.ACCEPTED
        ).values("person_id")
        return models.Q(
            pk__in=CaseMember.objects.filter(person_id__in=shared_people).values("case_id")
        )


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


class CaseEvent(EncryptedModelMixin, models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        UPDATED = "updated", _("Case updated")
        MEMBER_ADDED = "member_added", _("Family member added")
        STATUS_CHANGED = "status_changed", _("Status changed")
        NOTE = "note", _("Note")
        IMPORTED = "imported", _("Imported")
        HEARING = "hearing", _("Hearing")
        DOCUMENT_EXPOSURE = "document_exposure", _("Court documents stolen or photographed")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    # Free text that may name people: encrypted, bound to the case's UUID (core.fields).
    summary = EncryptedTextField(_("summary"), blank=True, bind_to="case_id")
    actor = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["case", "occurred_at"])]

    def __str__(self) -> str:
        return self.get_kind_display()
