from __future__ import annotations

from django.utils import translation

from mppdesk.lib.labels import collation_key, country_label, language_label
from mppdesk.lib.phones import display_phone
from mppdesk.places.labels import place_name, reference_text, zone_label


def test_zones_are_named_by_their_place_never_by_their_iana_id():
    with translation.override("es"):
        assert zone_label("America/Ciudad_Juarez") == "hora de Ciudad Juárez"
        assert zone_label("America/Denver") == "hora de la montaña"
        assert zone_label("UTC") == "UTC"
    with translation.override("en"):
        assert zone_label("America/Tijuana") == "Tijuana time"


def test_reference_remarks_are_translated_and_other_text_is_kept():
    with translation.override("es"):
        assert reference_text("200 (up to 350)") == "200 (hasta 350)"
        assert reference_text("a coordinator's note") == "a coordinator's note"
    assert place_name("Ciudad Juarez") == "Ciudad Juárez"
    assert place_name("Tijuana") == "Tijuana"


def test_country_and_language_names_pycountry_lacks_in_spanish():
    with translation.override("es"):
        assert country_label("DZA") == "Argelia"
        assert language_label("hat") == "Criollo haitiano"
        # A message's language is ISO 639-1.
        assert language_label("es") == "Español"
        assert language_label("ht") == "Criollo haitiano"
        assert language_label("zz") == "zz"
        names = sorted(["Zambia", "Árabe", "Alemania", "Ecuador"], key=collation_key)
    assert names == ["Alemania", "Árabe", "Ecuador", "Zambia"]


def test_phones_are_shown_in_national_format():
    assert display_phone("+526561234567") == "656 123 4567"
    assert display_phone("+50498765432") == "+504 9876-5432"
    assert display_phone("ana@example.org") == "ana@example.org"
    assert display_phone("+1") == "+1"
