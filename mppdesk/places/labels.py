"""Reference data as people read it: place names with their accents, the published
remarks of the reference files in the active language, time zones by their place.

The reference files (``reference/*.csv``) are kept as published (English remarks,
"Ciudad Juarez" without its accent, IANA zone ids); the database keeps them so too.
Pages show them through these functions (template filters in ``web.templatetags.desk``):
a remark listed in ``REMARKS`` has a Spanish translation in the places catalogue, any
other text (a coordinator's own note) is shown as written.
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext, gettext_noop, pgettext, pgettext_lazy

#: Place names the reference files write without their accents.
_ACCENTED = {
    "Ciudad Juarez": "Ciudad Juárez",
    "Juarez": "Juárez",
    "Queretaro": "Querétaro",
    "Mexico City": "Ciudad de México",
    "Monterrey": "Monterrey",
}

#: Remarks of the reference files (venue kinds and capacity notes, shelter capacities)
#: and the word "not confirmed"; each is a msgid of the places catalogue.
REMARKS = frozenset(
    {
        gettext_noop("immigration court"),
        gettext_noop("immigration court (remote judges for Brownsville)"),
        gettext_noop("immigration court (remote judges for Laredo)"),
        gettext_noop("immigration court in detention center (remote judges for Brownsville)"),
        gettext_noop("soft-sided hearing facility (tent court)"),
        gettext_noop("about 36000 sq ft; at least 20 courtrooms; 200-250 people per day"),
        gettext_noop("contract sized for about 720 people per day"),
        gettext_noop("200 (up to 350)"),
        gettext_noop("700-750 (target 900)"),
        gettext_noop("about 1000 (Aug 2019) to 2500-3000 (Jan 2020); emptied Mar 2021"),
        gettext_noop("not confirmed"),
        gettext_noop(
            "Brownsville Immigration Hearing Facility (tent court; judges by video from "
            "Harlingen and Port Isabel)"
        ),
        gettext_noop("El Paso Immigration Court (Tucson-sector cases)"),
        gettext_noop(
            "Laredo Immigration Hearing Facility (tent court; judges by video from San Antonio)"
        ),
    }
)


def place_name(name: str | None) -> str:
    """A city or place name as written in Spanish and English alike ("Ciudad Juárez")."""
    text = name or ""
    return _ACCENTED.get(text, text)


def reference_text(text: str | None) -> str:
    """A remark of the reference files in the active language; other text as written."""
    value = text or ""
    return gettext(value) if value in REMARKS else value


def zone_place(zone: str | None) -> str:
    """The place an IANA zone is named for: ``America/Ciudad_Juarez`` → "Ciudad Juárez"."""
    if not zone:
        return ""
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return place_name(city)


#: US zones by the name courts and notices use (a court in El Paso keeps Denver's zone:
#: "Mountain Time", not "Denver time").
_US_ZONES: dict[str, Promise] = {
    "America/Los_Angeles": pgettext_lazy("time zone", "Pacific Time"),
    "America/Denver": pgettext_lazy("time zone", "Mountain Time"),
    "America/Phoenix": pgettext_lazy("time zone", "Arizona time"),
    "America/Chicago": pgettext_lazy("time zone", "Central Time"),
    "America/New_York": pgettext_lazy("time zone", "Eastern Time"),
}


def zone_label(zone: str | None) -> str:
    """A time zone as people say it: "hora de Ciudad Juárez" ("Ciudad Juárez time"),
    "hora de la montaña" for a US court's zone; never the IANA id."""
    if not zone:
        return ""
    if zone == "UTC":
        return "UTC"
    if zone in _US_ZONES:
        return str(_US_ZONES[zone])
    return pgettext("time zone", "%(place)s time") % {"place": zone_place(zone)}
