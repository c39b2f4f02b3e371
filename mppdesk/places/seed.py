"""Load venues and ports from the reference CSV files (idempotent)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from django.utils.text import slugify

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seed_places(venue_model: Any, port_model: Any) -> None:
    venues = {}
    for row in _rows("hearing_venues.csv"):
        venue, _ = venue_model.objects.update_or_create(
            code=slugify(row["venue"])[:60],
            defaults={
                "name": row["venue"],
                "city": row["city"],
                "state": row["state"],
                "kind": row["kind"],
                "capacity_note": row["capacity_note"],
                "source": row["source"],
            },
        )
        venues[row["venue"]] = venue
    for row in _rows("ports_of_entry.csv"):
        published = row["hearing_venue"]
        # The published venue carries remarks in parentheses ("... (tent court; ...)").
        venue = venues.get(published) or venues.get(published.split(" (")[0])
        port_model.objects.update_or_create(
            code=slugify(row["port_of_entry"])[:60],
            defaults={
                "name": row["port_of_entry"],
                "us_state": row["us_state"],
                "mexican_city": row["mexican_city"],
                "mexican_state": row["mexican_state"],
                "timezone": row["timezone_mexican_side"],
                "venue": venue,
                "venue_note": published,
                "returns_began": row["mpp_returns_began"],
                "source": row["source"],
            },
        )
