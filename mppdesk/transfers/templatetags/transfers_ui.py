"""Transfer display helpers: the receiving-capacity chart (inline SVG drawn here, no
JavaScript, so the strict Content-Security-Policy holds), rule labels, and the movement
timeline panel of the person page."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mppdesk.accounts.permissions import Action, can
from mppdesk.screening.labels import label as screening_label
from mppdesk.screening.models import Result
from mppdesk.transfers import queries
from mppdesk.transfers.models import GroupStatus, MovementKind

register = template.Library()

#: Rules of the planner itself (the others are screening rules, ``2021.health``...).
PLANNER_RULES: dict[str, Promise] = {
    "household_review": gettext_lazy(
        "Another member of the household is exempt or in review: the family stays together."
    ),
    "family_elsewhere": gettext_lazy(
        "A member of the household is held at another facility or is in another group."
    ),
    "capacity": gettext_lazy(
        "The receiving city's shelters have no room for the whole household on these nights."
    ),
    "target_size": gettext_lazy("The group reached its target size."),
}

#: Valid next steps of a group by status (the services refuse any other).
NEXT_STEPS: dict[str, tuple[str, ...]] = {
    GroupStatus.PLANNED: ("approve", "cancel"),
    GroupStatus.APPROVED: ("depart", "cancel"),
    GroupStatus.DEPARTED: ("arrive",),
}


@register.filter
def rule_label(code: str, fallback: str = "") -> str:
    """The rule's sentence in the reader's language (the stored English reason when the
    code is unknown)."""
    if code in PLANNER_RULES:
        return str(PLANNER_RULES[code])
    return screening_label(code, fallback) or fallback or code


# --- capacity chart -----------------------------------------------------------------------

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 34
CAPACITY_COLOR = "#1f4e79"
OCCUPIED_COLOR = "#e39b3b"


def _nice_top(value: int) -> int:
    """A round axis maximum a little above ``value``."""
    if value <= 0:
        return 10
    target = value * 1.1
    step = 10 ** max(len(str(int(target))) - 1, 0)
    for multiple in (1, 2, 2.5, 5, 10):
        top = int(step * multiple)
        if top >= target:
            return top
    return int(step * 10)


def chart_geometry(points: Sequence[Any]) -> dict[str, Any]:
    """Screen coordinates of the chart: one capacity vertex per night, and the occupied
    area clamped to capacity (a night can never be drawn overbooked; the database refuses
    it too, ``ShelterNight`` CHECK constraint)."""
    n = len(points)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    top = _nice_top(max((p.capacity for p in points), default=0))

    def x(i: int) -> float:
        return LEFT + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y(v: int) -> float:
        return TOP + plot_h * (1 - v / top)

    capacity = [(round(x(i), 1), round(y(p.capacity), 1)) for i, p in enumerate(points)]
    occupied = [
        (round(x(i), 1), round(y(min(p.occupied, p.capacity)), 1)) for i, p in enumerate(points)
    ]
    return {"top": top, "capacity": capacity, "occupied": occupied, "y": y, "x": x}


def _pairs(vertices: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{a:g},{b:g}" for a, b in vertices)


def capacity_chart_svg(points: Sequence[Any], *, title: str = "") -> SafeString:
    """The chart as an inline ``<svg>``: the city's places per night as a line, the places
    taken as an area beneath it, y axis in people, x axis in nights."""
    if not points:
        return format_html('<p class="muted">{}</p>', _("No nights in this period."))
    geo = chart_geometry(points)
    base = TOP + (HEIGHT - TOP - BOTTOM)
    first_x, last_x = geo["capacity"][0][0], geo["capacity"][-1][0]
    area = [(first_x, base), *geo["occupied"], (last_x, base)]
    ticks = [0, geo["top"] // 2, geo["top"]]
    grid = format_html_join(
        "",
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc" stroke-width="1"/>'
        '<text x="{}" y="{}" text-anchor="end" font-size="11" fill="#333">{}</text>',
        (
            (LEFT, round(geo["y"](t), 1), WIDTH - RIGHT, round(geo["y"](t), 1), LEFT - 6,
             round(geo["y"](t), 1) + 4, t)
            for t in ticks
        ),
    )  # fmt: skip
    index = sorted({0, len(points) // 2, len(points) - 1})
    last = len(points) - 1

    def anchor(i: int) -> str:
        # The end labels line up with the plot's edges instead of running off the svg.
        return "start" if i == 0 and last else "end" if i == last and last else "middle"

    labels = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="{}" font-size="11" fill="#333">{}</text>',
        (
            (
                round(geo["x"](i), 1), HEIGHT - 12, anchor(i),
                date_format(points[i].date, "SHORT_DATE_FORMAT"),
            )
            for i in index
        ),
    )  # fmt: skip
    nights = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="transparent" class="night">'
        "<title>{}: {} / {}</title></rect>",
        (
            (
                round(geo["x"](i) - _half_step(len(points)), 1), TOP,
                round(2 * _half_step(len(points)), 1), HEIGHT - TOP - BOTTOM,
                date_format(p.date, "SHORT_DATE_FORMAT"), p.occupied, p.capacity,
            )
            for i, p in enumerate(points)
        ),
    )  # fmt: skip
    caption = title or _("Shelter places per night")
    return format_html(
        '<svg class="capacity-chart" viewBox="0 0 {w} {h}" width="100%" role="img" '
        'aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">'
        '<title id="chart-title">{caption}</title><desc id="chart-desc">{desc}</desc>'
        "{grid}"
        '<polygon class="occupied" points="{area}" fill="{oc}" fill-opacity="0.6" stroke="none"/>'
        '<polyline class="capacity" points="{line}" fill="none" stroke="{cc}" '
        'stroke-width="2" data-nights="{n}"/>'
        "{labels}{nights}</svg>",
        w=WIDTH, h=HEIGHT, caption=caption,
        desc=_("Line: places in the active shelters. Area: places taken by approved groups. "
               "The table below has the same numbers."),
        grid=grid, area=_pairs(area), oc=OCCUPIED_COLOR, line=_pairs(geo["capacity"]),
        cc=CAPACITY_COLOR, n=len(points), labels=labels, nights=nights,
    )  # fmt: skip


def _half_step(n: int) -> float:
    plot_w = WIDTH - LEFT - RIGHT
    return plot_w / (2 * (n - 1)) if n > 1 else plot_w / 2


@register.simple_tag
def capacity_chart(points: Sequence[Any], title: str = "") -> SafeString:
    return capacity_chart_svg(points, title=title)


@register.simple_tag
def legend_swatch(kind: str) -> SafeString:
    """A small inline-SVG key for the legend (no inline style: the CSP refuses it)."""
    if kind == "capacity":
        return mark_safe(  # noqa: S308 - constant markup
            '<svg width="18" height="10" aria-hidden="true"><line x1="0" y1="5" x2="18" y2="5" '
            f'stroke="{CAPACITY_COLOR}" stroke-width="2"/></svg>'
        )
    return mark_safe(  # noqa: S308 - constant markup
        '<svg width="18" height="10" aria-hidden="true"><rect width="18" height="10" '
        f'fill="{OCCUPIED_COLOR}" fill-opacity="0.6"/></svg>'
    )


# --- movement timeline --------------------------------------------------------------------


def _result_label(code: str) -> str:
    try:
        return str(Result(code).label)
    except ValueError:
        return code or "—"


def movement_rows(events: Sequence[Any]) -> list[dict[str, Any]]:
    """What each movement says: its kind in words and the place."""
    rows = []
    for e in events:
        place = ""
        if e.kind == MovementKind.RETURNED and e.port is not None:
            place = _("through %(port)s to %(city)s") % {
                "port": e.port.name,
                "city": e.port.mexican_city,
            }
        elif e.shelter is not None:
            place = str(e.shelter)
        elif e.port is not None:
            place = e.port.name
        elif e.facility is not None:
            place = e.facility.name
        detail = ""
        if e.kind == MovementKind.SCREENED and e.data:
            detail = _("Result: %(result)s (guidance %(version)s)") % {
                "result": _result_label(str(e.data.get("result", ""))),
                "version": e.data.get("version", ""),
            }
        rows.append({"event": e, "label": e.get_kind_display(), "place": place, "detail": detail})
    return rows


@register.inclusion_tag("transfers/_movement_panel.html", takes_context=True)
def movement_panel(context: template.Context, person: Any) -> dict[str, Any]:
    """The person's movements on the person page, which read ``person`` through the
    viewer's scope (``people.queries.get_person_for_view``). Shown when there are
    movements; the full page link needs ``transfer.read``."""
    request = context.get("request")
    user = getattr(request, "user", None)
    events = queries.person_movements(person)
    return {
        "person": person,
        "rows": movement_rows(events),
        "full_page": can(user, Action.TRANSFER_READ, person.organization_id),
    }


@register.filter
def iso(value: dt.date) -> str:
    return value.isoformat()
