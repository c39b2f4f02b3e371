"""Nationalities as ISO 3166-1 alpha-3 codes, looked up with ``pycountry``.

Accepts alpha-2 and alpha-3 codes, English names (official and common) and the Spanish
names in use on rosters and intake forms.
"""

from __future__ import annotations

import functools

import pycountry
from django.utils.translation import gettext as _

from mppdesk.lib.text import fold

# Spanish (and a few Portuguese/French) names that appear on real forms; pycountry is
# English-only. Keys are folded (lower case, no accents).
_LOCAL_NAMES = {
    "mexico": "MEX",
    "guatemala": "GTM",
    "honduras": "HND",
    "el salvador": "SLV",
    "salvador": "SLV",
    "nicaragua": "NIC",
    "costa rica": "CRI",
    "panama": "PAN",
    "cuba": "CUB",
    "venezuela": "VEN",
    "colombia": "COL",
    "ecuador": "ECU",
    "peru": "PER",
    "brasil": "BRA",
    "brazil": "BRA",
    "haiti": "HTI",
    "hait": "HTI",
    "ayiti": "HTI",
    "republica dominicana": "DOM",
    "dominicana": "DOM",
    "chile": "CHL",
    "argentina": "ARG",
    "bolivia": "BOL",
    "paraguay": "PRY",
    "uruguay": "URY",
    "estados unidos": "USA",
    "eeuu": "USA",
    "ee uu": "USA",
    "belice": "BLZ",
    "jamaica": "JAM",
    "canada": "CAN",
    "espana": "ESP",
    "francia": "FRA",
    "china": "CHN",
    "india": "IND",
    "rusia": "RUS",
    "turquia": "TUR",
    "ghana": "GHA",
    "senegal": "SEN",
    "camerun": "CMR",
    "angola": "AGO",
    "mauritania": "MRT",
    "congo": "COG",
    "republica democratica del congo": "COD",
    "guinea": "GIN",
    "eritrea": "ERI",
    "etiopia": "ETH",
    "afganistan": "AFG",
    "bangladesh": "BGD",
    "nepal": "NPL",
    "pakistan": "PAK",
    "sri lanka": "LKA",
    "uzbekistan": "UZB",
    "georgia": "GEO",
    "armenia": "ARM",
    "ucrania": "UKR",
    "estados unidos de america": "USA",
    "estados unidos mexicanos": "MEX",
    "costa de marfil": "CIV",
    "corea del sur": "KOR",
    "corea": "KOR",
    "siria": "SYR",
    "iran": "IRN",
    "vietnam": "VNM",
    "egipto": "EGY",
    "marruecos": "MAR",
    "argelia": "DZA",
    "sudan": "SDN",
    "somalia": "SOM",
    "nigeria": "NGA",
    "mali": "MLI",
    "kazajistan": "KAZ",
    "tayikistan": "TJK",
    "kirguistan": "KGZ",
    "rumania": "ROU",
    # English common names that pycountry no longer carries.
    "turkey": "TUR",
    "russia": "RUS",
    "south korea": "KOR",
    "north korea": "PRK",
    "ivory coast": "CIV",
    "czech republic": "CZE",
    "cape verde": "CPV",
    "swaziland": "SWZ",
    "burma": "MMR",
    "macedonia": "MKD",
}


class CountryError(ValueError):
    pass


@functools.cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_3
        index[fold(country.alpha_2)] = code
        index[fold(code)] = code
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                index[fold(value)] = code
    index.update(_LOCAL_NAMES)
    return index


def normalize_country(raw: str) -> str:
    """Return the ISO 3166-1 alpha-3 code for ``raw`` or raise ``CountryError``."""
    key = fold(raw or "")
    if not key:
        raise CountryError(_("Nationality is required."))
    code = _index().get(key)
    if code is None:
        raise CountryError(
            _("Unknown country %(value)s; use an ISO code (e.g. HND) or a country name.")
            % {"value": repr(raw.strip())}
        )
    return code


def country_name(code: str) -> str:
    country = pycountry.countries.get(alpha_3=code)
    if country is None:
        return code
    return str(getattr(country, "common_name", None) or country.name)


@functools.cache
def country_choices() -> list[tuple[str, str]]:
    return sorted(
        ((c.alpha_3, country_name(c.alpha_3)) for c in pycountry.countries), key=lambda c: c[1]
    )
