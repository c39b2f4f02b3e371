import pytest

from mppdesk.lib.countries import CountryError, country_choices, country_name, normalize_country


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("HN", "HND"),
        ("hn", "HND"),
        ("HND", "HND"),
        ("hnd", "HND"),
        ("  gtm ", "GTM"),
        ("MX", "MEX"),
        ("Honduras", "HND"),
        ("HONDURAS", "HND"),
        ("El Salvador", "SLV"),
        ("Guatemala", "GTM"),
        ("Mexico", "MEX"),
        ("México", "MEX"),
        ("MÉXICO", "MEX"),
        ("Haiti", "HTI"),
        ("Haití", "HTI"),
        ("Haïti", "HTI"),
        ("Ayiti", "HTI"),
        ("República Dominicana", "DOM"),
        ("republica dominicana", "DOM"),
        ("Dominican Republic", "DOM"),
        ("Brasil", "BRA"),
        ("Brazil", "BRA"),
        ("Perú", "PER"),
        ("Venezuela", "VEN"),
        ("Venezuela, Bolivarian Republic of", "VEN"),
        ("Bolivia", "BOL"),
        ("Cuba", "CUB"),
        ("Nicaragua", "NIC"),
        ("Colombia", "COL"),
        ("Ecuador", "ECU"),
        ("United States", "USA"),
        ("Estados Unidos de América", "USA"),
        ("EE.UU.", "USA"),
        ("Côte d'Ivoire", "CIV"),
        ("Costa de Marfil", "CIV"),
        ("Turkey", "TUR"),
        ("Türkiye", "TUR"),
        ("Russia", "RUS"),
        ("Russian Federation", "RUS"),
        ("Afganistán", "AFG"),
        ("Camerún", "CMR"),
    ],
)
def test_codes_and_names_normalize_to_alpha3(raw, code):
    assert normalize_country(raw) == code


@pytest.mark.parametrize("raw", ["Narnia", "XX", "ZZZ", "Hondura", "12"])
def test_unknown_country_error_names_the_input(raw):
    with pytest.raises(CountryError) as excinfo:
        normalize_country(raw)
    assert repr(raw) in str(excinfo.value)


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_empty_is_required(raw):
    with pytest.raises(CountryError, match="required"):
        normalize_country(raw)


def test_country_name():
    assert country_name("HND") == "Honduras"
    assert country_name("VEN") == "Venezuela"
    assert country_name("XXX") == "XXX"


def test_country_choices_are_sorted_alpha3_pairs():
    choices = country_choices()
    assert ("HND", "Honduras") in choices
    names = [name for _, name in choices]
    assert names == sorted(names)
    assert all(len(code) == 3 for code, _ in choices)


def test_every_alpha2_and_alpha3_resolves_to_its_own_country():
    import pycountry

    for country in pycountry.countries:
        assert normalize_country(country.alpha_2) == country.alpha_3
        assert normalize_country(country.alpha_3) == country.alpha_3
