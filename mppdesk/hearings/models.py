"""Dockets, hearings, notices and in absentia follow-up.

- ``DocketTemplate``: a weekly pattern of a venue (weekday, session, courtroom, judge,
  capacity, interpreters) from which ``services.generate_dockets`` makes ``Docket`` rows.
- ``Docket``: one courtroom's session on one day. Not personal data: every role with
  ``docket.read`` sees every docket. ``booked`` changes only through
  ``services.book``/``release`` (a conditional UPDATE) and a CHECK constraint keeps
  ``booked <= capacity`` in the database whatever the code does.
- ``Hearing``: a case on a docket, owned by the case's organization (scoped reads,
  shared with a receiving organization through an accepted referral of someone on the
  case). Rescheduling or continuing a hearing creates a new one that ``replaces`` it, so
  the chain of hearings is the history.
- ``Notice``: every notice of a scheduled, changed or cancelled hearing: how, where, when
  and by whom it was served.
- ``InAbsentiaFollowUp``: opened by a removal order in absentia, with the 180-day
  deadline of a motion to reopen for exceptional circumstances.

All datetimes are stored in UTC; venues and ports carry their IANA time zones.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from mppdesk.core.fields import EncryptedTextField
from mppdesk.core.models import EncryptedModelMixin, OrgOwnedModel, TimestampedModel

if TYPE_CHECKING:
    from mppdesk.places.models import Port


class Session(models.TextChoices):
    AM = "am", _("Morning")
    PM = "pm", _("Afternoon")


#: When a session starts unless the template or docket says otherwise (court's local time).
SESSION_STARTS = {Session.AM: dt.time(8, 0), Session.PM: dt.time(13, 0)}


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class HearingKind(models.TextChoices):
    MASTER = "master", _("Master calendar hearing")
    INDIVIDUAL = "individual", _("Individual (merits) hearing")


class HearingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    RESCHEDULED = "rescheduled", _("Rescheduled")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")


class Outcome(models.TextChoices):
    APPEARED = "appeared", _("Appeared")
    FAILED_TO_APPEAR = "failed_to_appear", _("Failed to appear")
    CONTINUED = "continued", _("Continued")
    RELIEF_GRANTED = "relief_granted", _("Relief granted")
    REMOVAL_ORDERED = "removal_ordered", _("Removal ordered")
    REMOVAL_IN_ABSENTIA = "removal_in_absentia", _("Removal ordered in absentia")
    TERMINATED = "terminated", _("Terminated")
    DISMISSED = "dismissed", _("Dismissed")
    VOLUNTARY_DEPARTURE = "voluntary_departure", _("Voluntary departure")


class NoticeKind(models.TextChoices):
    SCHEDULED = "scheduled", _("Hearing scheduled")
    CHANGED = "changed", _("Hearing changed")
    CANCELLED = "cancelled", _("Hearing cancelled")


class NoticeMethod(models.TextChoices):
    IN_PERSON = "in_person", _("In person (at the previous hearing or at the port)")
    MAIL = "mail", _("By mail")
    ELECTRONIC = "electronic", _("Electronically")
    SHELTER = "shelter", _("Through the shelter")


class NoticeLanguage(models.TextChoices):
    ES = "es", _("Spanish")
    EN = "en", _("English")
    PT = "pt", _("Portuguese")
    HT = "ht", _("Haitian Creole")
    FR = "fr", _("French")


#: A person's ISO 639-3 language -> the language of their notices (others: Spanish).
NOTICE_LANGUAGE_OF = {"spa": "es", "eng": "en", "por": "pt", "hat": "ht", "fra": "fr"}


class FollowUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    MOTION_FILED = "motion_filed", _("Motion to reopen filed")
    CLOSED = "closed", _("Closed")


class DocketTemplate(TimestampedModel):
    """A weekly pattern: every ``weekday`` this courtroom of ``venue`` sits in ``session``."""

    venue = models.ForeignKey(
        "places.Venue",
        on_delete=models.PROTECT,
        related_name="docket_templates",
        verbose_name=_("venue"),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    session = models.CharField(_("session"), max_length=2, choices=Session.choices)
    judge = models.CharField(_("judge"), max_length=120, blank=True)
    courtroom = models.CharField(_("courtroom"), max_length=40)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    interpreter_languages = models.JSONField(
        _("interpreter languages (ISO 639-3)"), default=list, blank=True
    )
    # Empty: the session's usual start (``SESSION_STARTS``).
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["venue", "weekday", "session", "courtroom"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "weekday", "session", "courtroom"],
                name="docket_template_unique_slot",
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0) & Q(weekday__lte=6), name="docket_template_weekday"
            ),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="docket_template_capacity"),
        ]
        verbose_name = _("docket template")
        verbose_name_plural = _("docket templates")

    def __str__(self) -> str:
        return f"{self.venue_id} {self.get_weekday_display()} {self.session} {self.courtroom}"

    @property
    def start_time(self) -> dt.time:
        return self.starts_at or SESSION_STARTS[Session(self.session)]


class Docket(TimestampedModel):
    """One courtroom's session on one day: ``capacity`` people, ``booked`` so far."""

    venue = models.ForeignKey(
        "places.Venue", on_delete=models.PROTECT, related_name="dockets", verbose_name=_("venue")
    )
    date = models.DateField(_("date"))
    session = models.CharField(_("session"), max_length=2, choices=Session.choices)
    judge = models.CharField(_("judge"), max_length=120, blank=True)
    courtroom = models.CharField(_("courtroom"), max_length=40)
    capacity = models.PositiveIntegerField(_("capacity (people)"))
    # Changed only by services.book/release (conditional UPDATE); CHECK booked <= capacity.
    booked = models.PositiveIntegerField(_("booked (people)"), default=0)
    interpreter_languages = models.JSONField(
        _("interpreter languages (ISO 639-3)"), default=list, blank=True
    )
    starts_at = models.TimeField(_("starts at"))  # in the venue's time zone
    template = models.ForeignKey(
        DocketTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="dockets"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["date", "session", "venue", "courtroom"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "date", "session", "courtroom"], name="docket_unique_slot"
            ),
            # The database-level guarantee against overbooking (services.book).
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="docket_not_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["venue", "date"], name="docket_venue_date_idx")]
        verbose_name = _("docket")
        verbose_name_plural = _("dockets")

    def __str__(self) -> str:
        return f"{self.date} {self.session} {self.courtroom}"

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.booked, 0)

    def starts_at_utc(self) -> dt.datetime:
        """The session's start as an aware UTC datetime (the venue's zone, DST included)."""
        from mppdesk.hearings.times import court_datetime

        return court_datetime(self.venue.timezone, self.date, self.starts_at)

    @property
    def closed_reason(self) -> str:
        """Why the court does not sit on this docket's day ("" on a court day): a US
        federal holiday (observed dates included) or a closure day of the venue. Such a
        docket (made before the closure was known) is flagged, never deleted. Lists fill
        this in bulk with ``calendar.mark_closed``."""
        found = self.__dict__.get("_closed_reason")
        if found is None:
            from mppdesk.hearings.calendar import closure_reason

            found = closure_reason(self.venue_id, self.date)
            self.__dict__["_closed_reason"] = found
        return str(found)


class ClosureDay(TimestampedModel):
    """A day a venue does not sit besides the US federal holidays (weather, building
    works, a local holiday), added by a coordinator. No docket is generated or created
    on it and no hearing scheduled; dockets that already exist are flagged."""

    venue = models.ForeignKey(
        "places.Venue",
        on_delete=models.CASCADE,
        related_name="closure_days",
        verbose_name=_("venue"),
    )
    date = models.DateField(_("date"))
    reason = models.CharField(_("reason"), max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["date", "venue"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "date"], name="closure_day_unique"),
        ]
        verbose_name = _("closure day")
        verbose_name_plural = _("closure days")

    def __str__(self) -> str:
        return f"{self.venue_id} {self.date}"


class Hearing(EncryptedModelMixin, OrgOwnedModel):
    """A case's hearing on a docket. ``organization`` is the case's organization."""

    Kind = HearingKind
    Status = HearingStatus
    Outcome = Outcome

    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="hearings", verbose_name=_("case")
    )
    docket = models.ForeignKey(
        Docket, on_delete=models.PROTECT, related_name="hearings", verbose_name=_("docket")
    )
    kind = models.CharField(
        _("kind"), max_length=16, choices=HearingKind.choices, default=HearingKind.MASTER
    )
    scheduled_at = models.DateTimeField(_("scheduled at"))  # UTC
    # Seats booked on the docket (people on the case when scheduled): released as booked.
    seats = models.PositiveSmallIntegerField(_("people"), default=1)
    port = models.ForeignKey(
        "places.Port",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("port of entry"),
    )
    report_at = models.DateTimeField(_("report at"), null=True, blank=True)  # UTC
    report_place = models.CharField(_("reporting place"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=HearingStatus.choices, default=HearingStatus.SCHEDULED
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=Outcome.choices, blank=True)
    outcome_recorded_at = models.DateTimeField(null=True, blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why it was continued, rescheduled or cancelled: free text, may name people.
    continuance_reason = EncryptedTextField(_("reason"), blank=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replaced_by",
        verbose_name=_("replaces"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            # A hearing is replaced at most once: the history is a chain, not a tree.
            models.UniqueConstraint(
                fields=["replaces"],
                condition=Q(replaces__isnull=False),
                name="hearing_replaced_once",
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "scheduled_at"], name="hearing_org_time_idx"),
            models.Index(fields=["status", "scheduled_at"], name="hearing_status_time_idx"),
        ]
        verbose_name = _("hearing")
        verbose_name_plural = _("hearings")

    def __str__(self) -> str:
        return f"Hearing {str(self.id)[:8]}"

    @classmethod
    def shared_scope(cls, org_ids: list[int]) -> Q:
        """Hearings of cases shared with ``org_ids`` through an accepted referral of someone
        on the case (``cases.models.Case.shared_scope``): the receiver sees their hearings."""
        from mppdesk.cases.models import Case

        return Q(case__in=Case.objects.filter(Case.shared_scope(org_ids)).values("pk"))

    @property
    def is_open(self) -> bool:
        """Still ahead of the case: scheduled and no outcome yet."""
        return self.status == HearingStatus.SCHEDULED and not self.outcome

    @property
    def report_place_display(self) -> str:
        """Where to report, in the active language (generic text when none was set)."""
        if self.report_place:
            return self.report_place
        port: Port | None = self.port
        if port is None:
            return ""
        return port.report_place_display


class Notice(EncryptedModelMixin, TimestampedModel):
    """A notice of a hearing: what was served, how, to which address, when and by whom."""

    Kind = NoticeKind
    Method = NoticeMethod

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    hearing = models.ForeignKey(Hearing, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(_("kind"), max_length=16, choices=NoticeKind.choices)
    method = models.CharField(
        _("how it was served"),
        max_length=16,
        choices=NoticeMethod.choices,
        default=NoticeMethod.IN_PERSON,
    )
    # The address written on the notice (a shelter, a street address, "Facebook"...).
    address = EncryptedTextField(_("address"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=NoticeLanguage.choices, default=NoticeLanguage.ES
    )
    served_at = models.DateTimeField(_("served at"), null=True, blank=True)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("served by"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["hearing", "created_at"], name="notice_hearing_idx")]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.get_kind_display()


class InAbsentiaFollowUp(EncryptedModelMixin, OrgOwnedModel):
    """Opened by a removal order in absentia; tracks the motion-to-reopen deadlines.

    INA 240(b)(5)(C): a motion to reopen for exceptional circumstances within 180 days of
    the order (``exceptional_circumstances_deadline``); for lack of notice or custody at
    any time (no deadline: ``lack_of_notice_deadline`` and ``custody_deadline`` are None).
    """

    Status = FollowUpStatus

    hearing = models.OneToOneField(Hearing, on_delete=models.PROTECT, related_name="follow_up")
    opened_at = models.DateTimeField(_("opened at"))
    order_date = models.DateField(_("date of the order"))
    exceptional_circumstances_deadline = models.DateField(
        _("deadline for exceptional circumstances")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    notes = EncryptedTextField(_("notes"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    # A motion for lack of notice or for custody has no deadline (INA 240(b)(5)(C)(ii)).
    lack_of_notice_deadline = None
    custody_deadline = None

    class Meta:
        ordering = ["exceptional_circumstances_deadline", "id"]
        indexes = [
            models.Index(
                fields=["organization", "status", "exceptional_circumstances_deadline"],
                name="followup_org_status_idx",
            )
        ]
        verbose_name = _("in absentia follow-up")
        verbose_name_plural = _("in absentia follow-ups")

    def __str__(self) -> str:
        return f"Follow-up {str(self.id)[:8]}"

    @classmethod
    def shared_scope(cls, org_ids: list[int]) -> Q:
        """Follow-ups of hearings shared with ``org_ids`` (see ``Hearing.shared_scope``)."""
        return Q(hearing__in=Hearing.objects.filter(Hearing.shared_scope(org_ids)).values("pk"))


from mppdesk.hearings.models_scheduling import ProposalItem, ScheduleProposal  # noqa: E402, F401, I001
