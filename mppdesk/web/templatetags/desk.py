"""Display helpers shared by the people and cases templates.

Country and language names come from pycountry's own gettext catalogues so that a
Spanish screen says "Brasil", not "Brazil", without us maintaining 250 translations.
"""

from __future__ import annotations

from django import template

from mppdesk.lib.anumber import format_anumber
from mppdesk.lib.labels import country_label, language_label
from mppdesk.lib.phones import display_phone
from mppdesk.people.models import Relationship, Vulnerability
from mppdesk.places.labels import place_name, reference_text, zone_label

register = template.Library()


@register.filter
def anumber(digits: str | None) -> str:
    """``012345678`` -> ``A012-345-678``; anything malformed is shown as stored."""
    text = digits or ""
    return format_anumber(text) if len(text) == 9 and text.isdigit() else text


register.filter("country_label", country_label)
register.filter("language_label", language_label)
register.filter("place_name", place_name)
register.filter("reference_text", reference_text)
register.filter("zone_label", zone_label)
register.filter("phone", display_phone)


@register.filter
def vulnerability_label(code: str) -> str:
    try:
        return str(Vulnerability(code).label)
    except ValueError:
        return code


@register.filter
def relationship_label(code: str) -> str:
    try:
        return str(Relationship(code).label)
    except ValueError:
        return code
