"""The public lookup page in all five languages, and the header's language switch on it."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mppdesk.selfservice import texts
from mppdesk.selfservice.tests.conftest import A_NUMBER, World
from mppdesk.selfservice.tests.test_web import post, status_box

pytestmark = pytest.mark.django_db

PAGES = {
    "es": ("/consulta", "¿Cuándo es mi audiencia?", "Escriba el número A con sus 8 o 9 dígitos"),
    "en": ("/lookup", "When is my hearing?", "Write the A-number with its 8 or 9 digits"),
    "pt": ("/pt/consulta", "Quando é a minha audiência?", "Escreva o número A com os seus 8 ou 9"),
    "ht": ("/ht/odyans", "Ki lè odyans mwen ye?", "Ekri nimewo A a ak 8 oswa 9 chif li yo"),
    "fr": ("/fr/audience", "Quand a lieu mon audience ?", "Écrivez le numéro A avec ses 8 ou 9"),
}
ANSWERS = {
    "es": "Su próxima audiencia",
    "en": "Your next hearing",
    "pt": "A sua próxima audiência",
    "ht": "Pwochen odyans ou",
    "fr": "Votre prochaine audience",
}


def header(page: str) -> str:
    match = re.search(r'<header class="topbar">(.*?)</header>', page, re.S)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("language", list(PAGES))
def test_each_language_has_its_page_in_that_language(
    client: Client, db: Any, language: str
) -> None:
    url, title, _error = PAGES[language]
    response = client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert html.escape(title) in page or title in page
    assert response["Content-Language"] == language


@pytest.mark.parametrize("language", list(PAGES))
def test_the_header_switch_links_to_the_page_in_every_language(
    client: Client, db: Any, language: str
) -> None:
    url = PAGES[language][0]
    top = header(client.get(url).content.decode())
    assert "set_language" not in top and "/i18n/setlang/" not in top  # no session switch
    for code, (other_url, _title, _error) in PAGES.items():
        if code == language:
            assert '<span aria-current="page"' in top and f">{code.upper()}</span>" in top
        else:
            assert f'<a href="{other_url}" lang="{code}" hreflang="{code}"' in top
    # Following a link gives the page in that language.
    for code in PAGES:
        link = re.search(rf'<a href="([^"]+)" lang="{code}"', top)
        if link is None:
            continue
        target = client.get(link.group(1))
        assert f'<html lang="{code}">' in target.content.decode()


def test_staff_pages_keep_the_session_language_switch(client: Client, db: Any) -> None:
    top = header(client.get(reverse("login")).content.decode())
    assert reverse("set_language") in top
    # The staff interface is Spanish and English: no Portuguese button or link. (Not the
    # bare letters "PT": the form's random CSRF token holds them about once in 60 runs.)
    assert ">PT<" not in top and 'value="pt"' not in top and 'lang="pt"' not in top
    assert ">ES<" in top and ">EN<" in top


@pytest.mark.parametrize("language", list(PAGES))
def test_bad_input_is_named_in_the_pages_language_not_spanish(
    client: Client, db: Any, language: str
) -> None:
    url, _title, error = PAGES[language]
    page = client.post(url, {"a_number": "A12", "birth_date": ""}).content.decode()
    assert error in html.unescape(page)
    if language != "es":
        # Nothing fell back to Spanish (Django's default language here).
        for spanish in ("Escriba el", "Corrija los errores", "Este campo es obligatorio"):
            assert spanish not in html.unescape(page)


@pytest.mark.parametrize("language", list(PAGES))
def test_answers_and_refusals_come_in_the_pages_language(
    client: Client, world: World, settings: Any, language: str
) -> None:
    settings.MPPDESK_SELFSERVICE_LOOKUPS_PER_HOUR = 2
    url = PAGES[language][0]
    ip = f"198.51.100.{list(PAGES).index(language) + 1}"
    assert ANSWERS[language] in html.unescape(
        status_box(post(client, url, A_NUMBER, "31/12/1990", ip=ip))
    )
    assert (
        html.unescape(status_box(post(client, url, "099999999", "31/12/1990", ip=ip)))
        == (texts.GENERIC[language])
    )
    refused = html.unescape(status_box(post(client, url, A_NUMBER, "31/12/1990", ip=ip)))
    expected = texts.RATE_LIMITED_WEB[language].split("{time}")[0]
    assert refused.startswith(expected), refused
