"""The simulator page: a scenario against its baseline, as an inline SVG chart with the
same figures in a table beside it (the table is what screen readers read).

A GET form (the query string holds only the scenario, the lever and its value, runs and
seed: nothing personal). The page runs at most ``services.WEB_MAX_RUNS`` runs on a
quarter of the population and keeps ``baseline-2019`` answers in the cache (see
``services``); the command line runs the full 200.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from mppdesk.accounts.models import User
from mppdesk.accounts.permissions import Action
from mppdesk.core.errors import FieldErrors
from mppdesk.core.forms import apply_field_errors
from mppdesk.sim import labels, queries, services
from mppdesk.sim.forms import SimulationForm
from mppdesk.web.access import requires

#: The shares drawn in the chart (the table shows every outcome).
CHARTED = (
    "missed_hearing_share",
    "failure_to_appear_rate",
    "in_absentia_share_of_completed",
    "relief_share_of_completed",
    "represented_share",
    "completed_share",
    "pending_share",
    "left_share",
)
# Chart geometry, in the SVG's own units.
LABEL_WIDTH = 300
BAR_WIDTH = 400  # 100 %
ROW_HEIGHT = 44
BAR_HEIGHT = 14
TOP = 30


def _pct(value: float) -> str:
    return formats.number_format(value * 100, decimal_pos=1) + " %"


def _format(value: float, kind: str) -> str:
    if value != value:  # NaN: nothing to divide by in this scenario
        return "–"
    if kind == "share":
        return _pct(value)
    if kind == "weeks":
        return formats.number_format(value, decimal_pos=1)
    return formats.number_format(round(value), decimal_pos=0, force_grouping=True)


def _summary(summary: dict[str, float] | None, kind: str) -> str:
    if summary is None:
        return ""
    return (
        f"{_format(summary['mean'], kind)} "
        f"({_format(summary['low'], kind)} – {_format(summary['high'], kind)})"
    )


def _change(summary: dict[str, float] | None, kind: str) -> str:
    if summary is None:
        return ""
    if kind == "share":
        # A change of shares is in percentage points.
        def points(value: float) -> str:
            return formats.number_format(value * 100, decimal_pos=1)

        return _("%(mean)s points (%(low)s – %(high)s)") % {
            "mean": points(summary["mean"]),
            "low": points(summary["low"]),
            "high": points(summary["high"]),
        }
    return _summary(summary, kind)


@dataclass(frozen=True)
class Bar:
    y: int
    mid: int  # where the interval's line is drawn
    width: float
    low: float
    high: float
    fill: str
    title: str


@dataclass(frozen=True)
class ChartRow:
    label: str
    label_y: float
    bars: list[Bar]


def _x(share: float) -> float:
    return round(LABEL_WIDTH + max(0.0, min(1.0, share)) * BAR_WIDTH, 1)


def chart(answer: dict[str, Any]) -> list[ChartRow]:
    """Grouped horizontal bars (baseline, then the what-if) with their intervals."""
    rows = []
    by_name = {line["name"]: line for line in answer["outcomes"]}
    for i, name in enumerate(CHARTED):
        line = by_name[name]
        top = TOP + i * ROW_HEIGHT
        bars = []
        series = [("baseline", line["baseline"], "#8a8f98", _("Baseline"))]
        if line["scenario"] is not None:
            series.append(("scenario", line["scenario"], "#0b5cad", _("What if")))
        for j, (_key, summary, fill, name_of) in enumerate(series):
            y = top + j * (BAR_HEIGHT + 2)
            bars.append(
                Bar(
                    y=y,
                    mid=y + BAR_HEIGHT // 2,
                    width=round(_x(summary["mean"]) - LABEL_WIDTH, 1),
                    low=_x(summary["low"]),
                    high=_x(summary["high"]),
                    fill=fill,
                    title=f"{name_of}: {_summary(summary, 'share')}",
                )
            )
        rows.append(ChartRow(labels.outcome_label(name), top + BAR_HEIGHT, bars))
    return rows


def table(answer: dict[str, Any]) -> list[dict[str, str]]:
    return [
        {
            "label": labels.outcome_label(line["name"]),
            "baseline": _summary(line["baseline"], line["kind"]),
            "scenario": _summary(line["scenario"], line["kind"]),
            "change": _change(line["change"], line["kind"]),
        }
        for line in answer["outcomes"]
    ]


def calibration_rows(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "label": labels.calibration_label(row["name"], row["label"]),
            "model": _pct(row["model"]),
            "target": _pct(row["target"]),
            "difference": formats.number_format(row["difference"] * 100, decimal_pos=1),
            "within": row["within_tolerance"],
            "as_of": row["as_of"],
            "source": row["source"],
        }
        for row in answer["calibration"]
    ]


@requires(Action.SIM_RUN)
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    scope = queries.scope_for(user)
    form = SimulationForm(request.GET or None)
    answer: dict[str, Any] | None = None
    if not form.is_bound or form.is_valid():
        try:
            answer = services.run(
                actor=user,
                scope=scope,
                request=form.to_request(),
                max_runs=services.WEB_MAX_RUNS,
                cached=True,
            )
        except FieldErrors as exc:
            apply_field_errors(form, exc.errors, {"counsel_rate": "value",
                                                 "judges_factor": "value", "wait_weeks": "value"})  # fmt: skip
    context: dict[str, Any] = {"form": form, "answer": answer}
    if answer is not None:
        rows = chart(answer)
        context.update(
            chart=rows,
            chart_height=TOP + len(rows) * ROW_HEIGHT + 10,
            chart_width=LABEL_WIDTH + BAR_WIDTH + 20,
            label_x=LABEL_WIDTH - 8,
            bar_x=LABEL_WIDTH,
            axis=[(LABEL_WIDTH + BAR_WIDTH * k / 4, f"{25 * k} %") for k in range(5)],
            bar_height=BAR_HEIGHT,
            table=table(answer),
            calibration=calibration_rows(answer),
            has_scenario=bool(answer["levers"]),
            scenario_label=labels.SCENARIOS.get(answer["scenario"], answer["scenario"]),
            lever_labels=[
                str(labels.LEVERS.get(k, k)) + ("" if v is True else f": {v}")
                for k, v in answer["levers"].items()
            ],
            parameters=[
                (name, json.dumps(item["value"], ensure_ascii=False), item["source"])
                for name, item in sorted(answer["parameters"].items())
            ],
        )
    return render(request, "sim/index.html", context, status=200 if answer else 400)
