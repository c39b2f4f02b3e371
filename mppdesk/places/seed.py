"""Load venues and ports from the reference CSV files (idempotent)."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

from django.utils.text import slugify

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

#: The courts' (US) time zones by venue code: San Diego is Pacific, El Paso Mountain,
#: the Texas courts east of El Paso Central. Not in the reference CSV; fixed here.
VENUE_TIMEZONES = {
    "san-diego-immigration-court": "America/Los_Angeles",
    "el-paso-immigration-court": "America/Denver",
    "laredo-immigration-hearing-facility": "America/Chicago",
    "brownsville-immigration-hearing-facility": "America/Chicago",
    "harlingen-immigration-court": "America/Chicago",
    "port-isabel-immigration-court": "America/Chicago",
    "san-antonio-immigration-court": "America/Chicago",
}
DEFAULT_VENUE_TIMEZONE = "America/Chicago"

#: Reporting places that a source names (port code -> (place, source)). Other ports
#: show the generic "pedestrian entrance" text until a coordinator sets one.
PORT_REPORT_PLACES = {
    "el-paso": (
        "Paso del Norte International Bridge",
        "KERA / Texas Standard, 2020: people in MPP waited at the Paso del Norte "
        "International Bridge in Juarez from about 4 a.m. to present for court",
    ),
}


def fill_hearing_fields(venue_model: Any, port_model: Any) -> None:
    """Set the venues' time zones and the cited reporting places (idempotent)."""
    for venue in venue_model.objects.all():
        zone = VENUE_TIMEZONES.get(venue.code, DEFAULT_VENUE_TIMEZONE)
        if venue.timezone != zone:
            venue.timezone = zone
            venue.save(update_fields=["timezone"])
    for code, (place, source) in PORT_REPORT_PLACES.items():
        port_model.objects.filter(code=code, report_place="").update(
            report_place=place, report_place_source=source
        )


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def seed_places(venue_model: Any, port_model: Any) -> None:
    venues = {}
    # The historical model of the first seeding migration has no time zone yet.
    has_timezone = any(f.name == "timezone" for f in venue_model._meta.get_fields())
    for row in _rows("hearing_venues.csv"):
        code = slugify(row["venue"])[:60]
        defaults = {
            "name": row["venue"],
            "city": row["city"],
            "state": row["state"],
            "kind": row["kind"],
            "capacity_note": row["capacity_note"],
            "source": row["source"],
        }
        if has_timezone:
            defaults["timezone"] = VENUE_TIMEZONES.get(code, DEFAULT_VENUE_TIMEZONE)
        venue, _ = venue_model.objects.update_or_create(code=code, defaults=defaults)
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


# --- detention facilities and shelters (transfers) ------------------------------------------

_FIRST_NUMBER = re.compile(r"\d[\d,]*")


def parse_capacity(text: str) -> int | None:
    """The low end of the first figure of a published capacity, or None without one.

    ``"700-750 (target 900)"`` -> 700, ``"200 (up to 350)"`` -> 200,
    ``"about 1000 (Aug 2019) to 2500-3000 (Jan 2020)"`` -> 1000. The low end is the
    cautious reading: planning against the high end would place people in beds that may
    not exist. The published text is kept next to it (``capacity_note``).
    """
    match = _FIRST_NUMBER.search(text or "")
    return int(match.group(0).replace(",", "")) if match else None


def shelter_code(city: str, name: str) -> str:
    return slugify(f"{city} {name}")[:120]


def seed_transfer_places(facility_model: Any, shelter_model: Any) -> None:
    """Create the detention facilities and shelters of the reference files that are missing.

    Existing rows are left as they are: coordinators edit capacities and names, and a
    re-seed (a migration, ``mppdesk demo``) must not undo that. A shelter the reference
    says was emptied ("emptied Mar 2021") is created inactive.
    """
    for row in _rows("detention_facilities.csv"):
        raw = (row.get("reported_capacity") or "").strip()
        facility_model.objects.get_or_create(
            code=slugify(row["facility"])[:80],
            defaults={
                "name": row["facility"],
                "city": row["city"],
                "state": row["state"],
                "reported_capacity": int(raw) if raw.isdigit() else None,
                "source": row["source_note"][:300],
            },
        )
    for row in _rows("shelters.csv"):
        published = row["capacity_or_occupancy"]
        capacity = parse_capacity(published)
        if capacity is None:
            continue
        shelter_model.objects.get_or_create(
            code=shelter_code(row["city"], row["shelter"]),
            defaults={
                "name": row["shelter"],
                "city": row["city"],
                "capacity": capacity,
                "capacity_note": published[:300],
                "as_of": row["as_of"][:20],
                "source": row["source"][:300],
                "active": "emptied" not in published.lower(),
            },
        )
