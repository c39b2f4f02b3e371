"""Web forms for dockets, hearings, notices, roll-call, follow-ups and scheduling.

As elsewhere, fields are mostly optional here: the services check what is required and
name each missing field, and the views attach those errors (``core.forms.
apply_field_errors``). Times a person typed (when a notice was served) are read on the
clock of the place they were written for — the port's Mexican city — and the label says
which zone that is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from mppdesk.hearings.models import (
    Docket,
    FollowUpStatus,
    Hearing,
    NoticeLanguage,
    NoticeMethod,
    Outcome,
)
from mppdesk.hearings.times import utc_today
from mppdesk.places.labels import zone_label
from mppdesk.places.models import Venue

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]
#: Outcomes offered as large buttons at roll-call; the others are under "Decision".
ROLL_CALL_MAIN = (Outcome.APPEARED, Outcome.FAILED_TO_APPEAR, Outcome.CONTINUED)
#: Decisions at roll-call (an in absentia order is "failed to appear" + the checkbox).
ROLL_CALL_DECISIONS = tuple(
    o for o in Outcome if o not in ROLL_CALL_MAIN and o != Outcome.REMOVAL_IN_ABSENTIA
)


def parse_week(value: str) -> dt.date | None:
    """The Monday of ISO week ``"2026-W10"``, or None if it is not a valid week."""
    match = WEEK.match(value.strip())
    if match is None:
        return None
    try:
        return dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError:
        return None


def week_value(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _venue_field(required: bool = False) -> forms.ModelChoiceField[Venue]:
    return forms.ModelChoiceField(
        label=_("Hearing venue"),
        queryset=Venue.objects.order_by("name"),
        to_field_name="code",
        required=required,
        empty_label="—",
    )


class LocalDateTimeField(forms.DateTimeField):
    """A ``datetime-local`` input read on the clock of ``zone`` (an IANA name)."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("input_formats", DATETIME_FORMATS)
        self.zone = "UTC"
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> dt.datetime | None:
        if isinstance(value, str) and value.strip():
            for fmt in DATETIME_FORMATS:
                try:
                    naive = dt.datetime.strptime(value.strip(), fmt)  # noqa: DTZ007 - zone added next
                except ValueError:
                    continue
                return naive.replace(tzinfo=ZoneInfo(self.zone))
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        result: dt.datetime | None = super().to_python(value)
        return result

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(ZoneInfo(self.zone)).strftime("%Y-%m-%dT%H:%M")
        return super().prepare_value(value)


class WeekForm(forms.Form):
    """The calendar's venue and ISO week (GET: program data only, no personal data)."""

    venue = _venue_field()
    week = forms.CharField(
        label=_("Week"),
        required=False,
        widget=forms.TextInput(attrs={"type": "week", "pattern": r"\d{4}-W\d{2}"}),
    )

    def clean_week(self) -> dt.date | None:
        value = (self.cleaned_data.get("week") or "").strip()
        if not value:
            return None
        monday = parse_week(value)
        if monday is None:
            raise ValidationError(_("Give a week as YYYY-Www, e.g. 2026-W10."))
        return monday


class GenerateDocketsForm(forms.Form):
    venue = _venue_field(required=True)
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), widget=DATE_WIDGET)


class NoticeFieldsForm(forms.Form):
    """How a (new) notice of a hearing was or will be served."""

    method = forms.ChoiceField(
        label=_("How it is served"), choices=NoticeMethod.choices, initial=NoticeMethod.IN_PERSON
    )
    address = forms.CharField(
        label=_("Address on the notice"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("A street address or shelter the person can really be reached at."),
    )
    language = forms.ChoiceField(
        label=_("Language of the notice"),
        choices=[("", _("The person's language")), *NoticeLanguage.choices],
        required=False,
    )
    served_at = LocalDateTimeField(label=_("Served at"), required=False)

    def __init__(self, *args: Any, zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["served_at"]
        assert isinstance(field, LocalDateTimeField)  # noqa: S101 - narrows the type
        field.zone = zone
        field.help_text = f"{zone_help(zone)} {_('Empty: not served yet.')}"

    def notice_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "method": data.get("method") or NoticeMethod.IN_PERSON,
            "address": data.get("address") or "",
            "language": data.get("language") or None,
            "served_at": data.get("served_at"),
        }


class RecordNoticeForm(NoticeFieldsForm):
    """Another notice of the hearing (served again, another way)."""


class NoticeServedForm(forms.Form):
    """When, how and where a notice not yet marked served was served."""

    served_at = LocalDateTimeField(label=_("Served at"), required=False)
    method = forms.ChoiceField(label=_("How it was served"), choices=NoticeMethod.choices)
    address = forms.CharField(
        label=_("Address on the notice"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, zone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["served_at"]
        assert isinstance(field, LocalDateTimeField)  # noqa: S101 - narrows the type
        field.zone = zone
        field.help_text = zone_help(zone)


def zone_help(zone: str) -> str:
    """The clock a time is entered on, by its place: "Hora de Ciudad Juárez.", "UTC."
    (never the IANA id)."""
    return f"{capfirst(zone_label(zone))}."


class DocketChoiceField(forms.ModelChoiceField[Docket]):
    """A docket by its day as the reader writes it ("martes 8 de diciembre de 2026",
    "Tuesday Dec. 8, 2026"); the submitted value stays the docket's id."""

    def label_from_instance(self, obj: Docket) -> str:
        session = obj.get_session_display()
        return (
            f"{docket_day(obj.date)} · {session} · {_('courtroom')} {obj.courtroom}"
            f" · {obj.judge or '—'} · {obj.seats_left}/{obj.capacity}"
        )


def docket_day(day: dt.date) -> str:
    """A court day in the active language: weekday and the locale's ``DATE_FORMAT``
    (as ``hearings/_moment.html`` writes it), never ISO."""
    return f"{date_format(day, 'l')} {date_format(day, 'DATE_FORMAT')}"


class ReplaceForm(NoticeFieldsForm):
    """Reschedule or continue a hearing to another docket of the same venue."""

    docket = DocketChoiceField(
        label=_("New docket"), queryset=Docket.objects.none(), required=False, empty_label="—"
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["docket", "reason", "method", "address", "language", "served_at"]

    def __init__(self, *args: Any, dockets: QuerySet[Docket] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["docket"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - narrows the type
        field.queryset = dockets if dockets is not None else Docket.objects.none()


class CancelForm(NoticeFieldsForm):
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["reason", "method", "address", "language", "served_at"]


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[("", "—"), *Outcome.choices])
    in_absentia_order = forms.BooleanField(
        label=_("The judge ordered removal in absentia"), required=False
    )
    order_date = forms.DateField(
        label=_("Date of the order"),
        required=False,
        widget=DATE_WIDGET,
        help_text=_("Empty: the hearing's date."),
    )
    reason = forms.CharField(
        label=_("Reason (for a continuance)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    notes = forms.CharField(
        label=_("Notes for the follow-up"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=FollowUpStatus.choices)
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class RollCallForm(forms.Form):
    """One outcome (and an in absentia checkbox) per hearing on the docket.

    Fields are named ``outcome-<hearing id>`` and ``absentia-<hearing id>``; ids are the
    hearings' random UUIDs. ``outcomes()`` gives ``{hearing id: outcome}`` for
    ``services.record_attendance``: "failed to appear" with the checkbox is the judge's
    removal order in absentia.
    """

    def __init__(self, *args: Any, hearings: Iterable[Hearing] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hearings = list(hearings)
        choices = [("", _("Not recorded")), *[(o.value, o.label) for o in Outcome]]
        for hearing in self.hearings:
            outcome = str(hearing.outcome or "")
            absentia = outcome == Outcome.REMOVAL_IN_ABSENTIA
            self.fields[f"outcome-{hearing.pk}"] = forms.ChoiceField(
                choices=choices,
                required=False,
                initial=Outcome.FAILED_TO_APPEAR if absentia else outcome,
            )
            self.fields[f"absentia-{hearing.pk}"] = forms.BooleanField(
                required=False, initial=absentia
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for hearing in self.hearings:
            outcome = data.get(f"outcome-{hearing.pk}") or ""
            if data.get(f"absentia-{hearing.pk}") and outcome != Outcome.FAILED_TO_APPEAR:
                self.add_error(
                    f"absentia-{hearing.pk}",
                    _("Only a person who failed to appear is ordered removed in absentia."),
                )
        return data

    def outcomes(self) -> dict[str, str]:
        chosen: dict[str, str] = {}
        for hearing in self.hearings:
            outcome = self.cleaned_data.get(f"outcome-{hearing.pk}") or ""
            if not outcome:
                continue
            if outcome == Outcome.FAILED_TO_APPEAR and self.cleaned_data.get(
                f"absentia-{hearing.pk}"
            ):
                outcome = Outcome.REMOVAL_IN_ABSENTIA
            chosen[str(hearing.pk)] = outcome
        return chosen


class ProposeForm(forms.Form):
    """Venues and period for the scheduler (``hearings.scheduling.propose``)."""

    venues = forms.ModelMultipleChoiceField(
        label=_("Hearing venues"),
        queryset=Venue.objects.order_by("name"),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("To"), widget=DATE_WIDGET)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end date is before the start date."))
        return data


def today() -> dt.date:
    return utc_today()
