"""Display helpers shared by the people and cases templates.

Country and language names come from pycountry's own gettext catalogues so that a
Spanish screen says "Brasil", not "Brazil", without us maintaining 250 translations.
"""

from __future__ import annotations

import functools
import gettext

import pycountry
from django import template
from django.utils import translation

from mppdesk.lib.anumber import format_anumber
from mppdesk.lib.countries import country_name
from mppdesk.lib.languages import language_name
from mppdesk.people.models import Relationship, Vulnerability

register = template.Library()


@functools.cache
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _localized(domain: str, english: str) -> str:
    language = (translation.get_language() or "en").split("-")[0]
    if language == "en" or not english:
        return english
    return _catalogue(domain, language).gettext(english)


@register.filter
def anumber(digits: str | None) -> str:
    """``012345678`` -> ``A012-345-678``; anything malformed is shown as stored."""
    text = digits or ""
    return format_anumber(text) if len(text) == 9 and text.isdigit() else text


@register.filter
def country_label(code: str | None) -> str:
    if not code:
        return ""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    # The catalogue is keyed by the official English ``name``, not the common name.
    localized = _localized("iso3166-1", str(country.name))
    return localized if localized != str(country.name) else country_name(code)


@register.filter
def language_label(code: str | None) -> str:
    if not code:
        return ""
    return _localized("iso639-3", language_name(code))


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
