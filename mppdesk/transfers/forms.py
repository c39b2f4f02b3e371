"""Transfer forms. The services check what needs the database; their ``FieldErrors``
are put back on the form's fields (``core.forms.apply_field_errors``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from mppdesk.core.clocks import utc_today
from mppdesk.places.models import DetentionFacility, Port
from mppdesk.places.services import MAX_SHELTER_CAPACITY, receiving_cities
from mppdesk.transfers import queries
from mppdesk.transfers.models import DEFAULT_STAY_NIGHTS
from mppdesk.transfers.services import MAX_TARGET

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
#: The capacity chart's default period: the next 60 nights.
DEFAULT_PERIOD_DAYS = 60


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class PortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # The receiving city first: that is where people end up.
        return f"{obj.mexican_city} ← {obj.name}"


class PlanForm(forms.Form):
    facilities = forms.ModelMultipleChoiceField(
        label=_("Detention facilities"),
        queryset=DetentionFacility.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        to_field_name="code",
    )
    port = PortChoiceField(
        label=_("Port of entry and receiving city"),
        queryset=Port.objects.order_by("mexican_city", "name"),
        to_field_name="code",
    )
    date = forms.DateField(label=_("Transfer date"), input_formats=DATE_FORMATS, widget=DateInput())
    target_size = forms.IntegerField(
        label=_("Target size (people)"), min_value=1, max_value=MAX_TARGET, initial=400
    )
    version = forms.ChoiceField(
        label=_("Screening guidance version"),
        choices=[("2019", "2019"), ("2021", "2021"), ("current", _("Current"))],
        initial="2021",
    )
    stay_nights = forms.IntegerField(
        label=_("Nights counted in the shelter"),
        min_value=1,
        max_value=366,
        initial=DEFAULT_STAY_NIGHTS,
        help_text=_("An assumption: no published figure says how long people stay."),
    )
    name = forms.CharField(label=_("Name (optional)"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        facilities: QuerySet[DetentionFacility] = queries.facilities(active_only=True)
        self.fields["facilities"].queryset = facilities  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("date", utc_today() + dt.timedelta(days=1))


class RosterForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_(
            "CSV (comma, semicolon or tab separated) or XLSX; the first row is the header."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )
    facility = forms.ModelChoiceField(
        label=_("Facility for rows without one"),
        queryset=DetentionFacility.objects.none(),
        to_field_name="code",
        required=False,
    )
    dry_run = forms.BooleanField(
        label=_("Only check the file (dry run): write nothing"), required=False, initial=True
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = queries.facilities(active_only=True)  # type: ignore[attr-defined]


class CapacityForm(forms.Form):
    city = forms.ChoiceField(label=_("Receiving city"))
    start = forms.DateField(label=_("First night"), input_formats=DATE_FORMATS, widget=DateInput())
    end = forms.DateField(label=_("Last night"), input_formats=DATE_FORMATS, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["city"].choices = [(c, c) for c in receiving_cities()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end is before the start."))
            elif (end - start).days + 1 > queries.MAX_CHART_DAYS:
                self.add_error(
                    "end", _("At most %(days)s nights.") % {"days": queries.MAX_CHART_DAYS}
                )
        return data

    @classmethod
    def defaults(cls, city: str = "") -> dict[str, Any]:
        today = utc_today()
        cities = receiving_cities()
        if not city:
            city = "Ciudad Juarez" if "Ciudad Juarez" in cities else (cities[0] if cities else "")
        return {
            "city": city,
            "start": today.isoformat(),
            "end": (today + dt.timedelta(days=DEFAULT_PERIOD_DAYS - 1)).isoformat(),
        }


class ShelterForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("Capacity (people per night)"), min_value=0, max_value=MAX_SHELTER_CAPACITY
    )
    capacity_note = forms.CharField(
        label=_("Capacity as published"), max_length=300, required=False
    )
    active = forms.BooleanField(label=_("Active (takes people)"), required=False)
