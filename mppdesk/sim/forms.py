"""The simulator page's form: a scenario, one lever (with its value), runs and seed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from mppdesk.sim import labels, services
from mppdesk.sim.scenarios import SCENARIOS, Levers

NUMERIC_LEVERS = {"counsel_rate": float, "judges_factor": float, "wait_weeks": int}
DEFAULT_VALUES = {"counsel_rate": "0.5", "judges_factor": "2", "wait_weeks": "4"}


class SimulationForm(forms.Form):
    """Every field may be left out of the query string: it then takes its initial value."""

    scenario = forms.ChoiceField(
        label=_("Scenario"),
        choices=[(name, labels.SCENARIOS[name]) for name in SCENARIOS],
        initial="baseline-2019",
        required=False,
    )
    lever = forms.ChoiceField(
        label=_("What if"),
        choices=list(labels.LEVERS.items()),
        initial="reminders",
        required=False,
    )
    value = forms.DecimalField(
        label=_("Value (for counsel, capacity and weeks)"),
        required=False,
        max_digits=8,
        decimal_places=3,
        help_text=_(
            "Counsel: a share from 0 to 1. Capacity: a factor from 0.1 to 10. Weeks: 0 to 104."
        ),
    )
    runs = forms.IntegerField(
        label=_("Runs"), min_value=1, max_value=services.WEB_MAX_RUNS,
        initial=services.WEB_DEFAULT_RUNS, required=False,
    )  # fmt: skip
    seed = forms.IntegerField(
        label=_("Seed"), min_value=0, max_value=2**32 - 1, initial=1, required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in ("scenario", "lever", "runs", "seed"):
            if data.get(name) in (None, ""):
                data[name] = self.fields[name].initial
        lever = data.get("lever")
        value = data.get("value")
        if lever in NUMERIC_LEVERS and value is None:
            self.add_error("value", _("Give a value for this lever."))
        elif lever == "wait_weeks" and value is not None and value != int(value):
            self.add_error("value", _("Give whole weeks."))
        return data

    def to_request(self) -> services.Request:
        """The request of a valid form (or of the initial values when unbound)."""
        data = self.cleaned_data if self.is_bound else {}
        lever = data.get("lever") or self.fields["lever"].initial
        value = data.get("value")
        numbers: dict[str, Any] = {}
        if lever in NUMERIC_LEVERS and value is not None:
            numbers[lever] = NUMERIC_LEVERS[lever](value)
        levers = Levers(reminders=lever == "reminders", transport=lever == "transport", **numbers)
        seed = data.get("seed")
        return services.Request(
            scenario=data.get("scenario") or self.fields["scenario"].initial,
            levers=levers,
            runs=data.get("runs") or services.WEB_DEFAULT_RUNS,
            seed=1 if seed is None else int(seed),
            scale=services.WEB_SCALE,
        )
