"""Country and language names in the active language.

The names come from pycountry's own gettext catalogues so that a Spanish screen says
"Brasil", not "Brazil", without us maintaining 250 translations. Used by templates
(``web.templatetags.desk``), forms, exports and the subject-access PDF.
"""

from __future__ import annotations

import functools
import gettext

import pycountry
from django.utils import translation

from mppdesk.lib.countries import country_name
from mppdesk.lib.languages import language_name


@functools.cache
def _catalogue(domain: str, language: str) -> gettext.NullTranslations:
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=[language], fallback=True)


def _localized(domain: str, english: str) -> str:
    language = (translation.get_language() or "en").split("-")[0]
    if language == "en" or not english:
        return english
    return _catalogue(domain, language).gettext(english)


def country_label(code: str | None) -> str:
    if not code:
        return ""
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    # The catalogue is keyed by the official English ``name``, not the common name.
    localized = _localized("iso3166-1", str(country.name))
    return localized if localized != str(country.name) else country_name(code)


def language_label(code: str | None) -> str:
    if not code:
        return ""
    return _localized("iso639-3", language_name(code))
