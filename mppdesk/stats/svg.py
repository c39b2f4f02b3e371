"""A small plotting layer: published tables as inline SVG, drawn on the server.

No JavaScript and no plotting library: a chart is a few dozen ``<rect>``, ``<line>`` and
``<text>`` elements built from the rounded figures of a ``queries.Table`` (the figures
shown in the table beside it, and nothing else). Every label is escaped. The chart is an
image with a title for screen readers (``role="img"``); the table beside it carries the
figures.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from mppdesk.stats.queries import Table

WIDTH = 640
HEIGHT = 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 36
COLOURS = ["#0b5cad", "#c2410c", "#6b7280", "#15803d", "#7c3aed"]
BAR_ROW = 22  # height of a row of a horizontal bar chart
LABEL_WIDTH = 190


def _nice_max(value: int) -> int:
    """A round top for the axis (at least 5): 5, 10, 20, 25, 50, 100, …"""
    top = 5
    steps = (1, 2, 2.5, 5)
    magnitude = 1
    while True:
        for step in steps:
            top = int(step * magnitude * 10)
            if top >= value:
                return max(top, 5)
        magnitude *= 10


def _svg(width: int, height: int, title: str, body: list[str], ident: str) -> SafeString:
    head = (
        f'<svg class="chart" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-labelledby="{ident}-title" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{ident}-title">{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text escaped above


def _axis(top: int, plot_height: int, width: int) -> list[str]:
    parts = []
    for i in range(5):
        value = top * i // 4
        y = TOP + plot_height - plot_height * i / 4
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{width - RIGHT}" y2="{y:.1f}" '
            f'stroke="#d0d4da" stroke-width="1"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="#444">{value}</text>'
        )
    return parts


def columns(table: Table, ident: str, parts: bool = False) -> SafeString:
    """A column per row (weeks); with ``parts``, stacked by the columns after the first
    (the parts of a split table), else the first figure (several series side by side
    when the table has several independent columns)."""
    rows = table.rows
    series = list(range(1, len(table.columns))) if parts else list(range(len(table.columns)))
    stacked = parts
    values = [[row.cells[i].value for i in series] for row in rows]
    largest = max((sum(v) if stacked else max(v, default=0) for v in values), default=0)
    top = _nice_max(largest)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    body = _axis(top, plot_h, WIDTH)
    slot = plot_w / max(len(rows), 1)
    width = max(slot * 0.8, 1.0)
    label_every = max(1, len(rows) // 8)
    for i, (row, vals) in enumerate(zip(rows, values, strict=True)):
        x = LEFT + i * slot + (slot - width) / 2
        base: float = TOP + plot_h
        tip = f"{row.label}: " + ", ".join(
            f"{table.columns[s].label} {row.cells[s].display}" for s in series
        )
        body.append(f"<g><title>{escape(tip)}</title>")
        for j, value in enumerate(vals):
            h = plot_h * value / top
            colour = COLOURS[j % len(COLOURS)]
            if stacked:
                base -= h
                body.append(
                    f'<rect x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"/>'
                )
            else:
                w = width / len(vals)
                body.append(
                    f'<rect x="{x + j * w:.1f}" y="{base - h:.1f}" width="{w:.1f}" '
                    f'height="{h:.1f}" fill="{colour}"/>'
                )
        body.append("</g>")
        if i % label_every == 0:
            short = row.key
            body.append(
                f'<text x="{x + width / 2:.1f}" y="{HEIGHT - BOTTOM + 14}" font-size="10" '
                f'text-anchor="middle" fill="#444">{escape(short)}</text>'
            )
    return _svg(WIDTH, HEIGHT, table.title, body, ident)


def bars(table: Table, ident: str) -> SafeString:
    """A horizontal bar per row (categories), the first figure."""
    rows = table.rows
    top = _nice_max(max((row.cells[0].value for row in rows), default=0))
    height = TOP + BAR_ROW * max(len(rows), 1) + 8
    plot_w = WIDTH - LABEL_WIDTH - 60
    body = []
    for i, row in enumerate(rows):
        y = TOP + i * BAR_ROW
        w = plot_w * row.cells[0].value / top
        body.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="#222">{escape(row.label[:32])}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{w:.1f}" height="{BAR_ROW - 6}" '
            f'fill="{COLOURS[0]}"/>'
            f'<text x="{LABEL_WIDTH + w + 4:.1f}" y="{y + 15}" font-size="11" '
            f'fill="#222">{escape(row.cells[0].display)}</text>'
        )
    return _svg(WIDTH, height, table.title, body, ident)


def legend(table: Table, parts: bool) -> list[tuple[str, str]]:
    """(colour, label) of each series of ``columns``."""
    series = list(range(1, len(table.columns))) if parts else list(range(len(table.columns)))
    return [(COLOURS[j % len(COLOURS)], table.columns[s].label) for j, s in enumerate(series)]
