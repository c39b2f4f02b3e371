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
from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from mppdesk.lib.countries import country_name
from mppdesk.lib.languages import language_name
from mppdesk.lib.text import fold

#: Names pycountry's catalogues leave in English or get wrong in Spanish ("Algeria",
#: "Haitian", "Árábe"), and the two collective codes it has no name for; translated in
#: the project catalogue.
_COUNTRY_NAMES: dict[str, Promise] = {
    "DZA": pgettext_lazy("country", "Algeria"),
    "BRN": pgettext_lazy("country", "Brunei"),
    "NER": pgettext_lazy("country", "Niger"),
}
_LANGUAGE_NAMES: dict[str, Promise] = {
    "hat": pgettext_lazy("language", "Haitian Creole"),
    "ara": pgettext_lazy("language", "Arabic"),
    "amh": pgettext_lazy("language", "Amharic"),
    "cmn": pgettext_lazy("language", "Mandarin Chinese"),
    "tir": pgettext_lazy("language", "Tigrinya"),
    "pan": pgettext_lazy("language", "Punjabi"),
    "nah": pgettext_lazy("language", "Nahuatl"),
    "myn": pgettext_lazy("language", "Mayan languages"),
}


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
    if code in _COUNTRY_NAMES:
        return str(_COUNTRY_NAMES[code])
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    # The catalogue is keyed by the official English ``name``, not the common name.
    localized = _localized("iso3166-1", str(country.name))
    return localized if localized != str(country.name) else country_name(code)


def language_label(code: str | None) -> str:
    if not code:
        return ""
    if len(code) == 2:
        # A message's language is ISO 639-1 ("es"); the labels are keyed by 639-3.
        language = pycountry.languages.get(alpha_2=code)
        code = str(language.alpha_3) if language else code
    if code in _LANGUAGE_NAMES:
        return str(_LANGUAGE_NAMES[code])
    return _localized("iso639-3", language_name(code))


def collation_key(text: str) -> tuple[str, str]:
    """Sort key for names in the active language: case and accents ignored first
    ("Áfganistán" beside "Afganistán", not after "Zimbabue"), then as written."""
    return (fold(text), text)
