"""``X-Forwarded-Proto`` (and ``X-Forwarded-For``) count only from the proxies named
in ``MPPDESK_TRUSTED_PROXIES``; anyone else sending them is ignored."""

from __future__ import annotations

import ipaddress

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.ops.proxy import TrustedProxyMiddleware, parse_networks

PROXIES = ["10.0.0.5", "192.168.10.0/24", "fd00::/64"]


@pytest.fixture
def https_only(settings):
    settings.MPPDESK_TRUSTED_PROXIES = PROXIES
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = []
    return settings


@pytest.mark.django_db
@pytest.mark.parametrize("proxy", ["10.0.0.5", "192.168.10.77"])
def test_https_from_a_named_proxy_is_believed(https_only, proxy):
    response = Client(REMOTE_ADDR=proxy).get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("spoofer", ["10.0.0.6", "203.0.113.9", "192.168.11.1", "127.0.0.1"])
def test_a_spoofed_header_from_anyone_else_is_ignored(https_only, spoofer):
    response = Client(REMOTE_ADDR=spoofer).get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


@pytest.mark.django_db
def test_no_proxies_named_means_no_header_is_believed(settings):
    settings.MPPDESK_TRUSTED_PROXIES = []
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = []
    response = Client(REMOTE_ADDR="10.0.0.5").get("/healthz", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


def _seen(settings, remote: str, **headers: str) -> dict:  # type: ignore[no-untyped-def]
    settings.MPPDESK_TRUSTED_PROXIES = PROXIES
    seen: dict = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.update(request.META)
        return HttpResponse()

    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    TrustedProxyMiddleware(view)(request)
    return seen


def test_the_client_address_comes_from_x_forwarded_for_only_through_a_proxy(settings):
    through = _seen(settings, "10.0.0.5", HTTP_X_FORWARDED_FOR="198.51.100.7, 192.168.10.3")
    assert through["REMOTE_ADDR"] == "198.51.100.7"  # right-most hop that is not a proxy
    spoofed = _seen(settings, "198.51.100.7", HTTP_X_FORWARDED_FOR="1.2.3.4")
    assert spoofed["REMOTE_ADDR"] == "198.51.100.7"
    # A client prepending its own "X-Forwarded-For: 1.2.3.4" through the proxy fools nobody.
    chained = _seen(settings, "10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")
    assert chained["REMOTE_ADDR"] == "198.51.100.7"
    garbage = _seen(settings, "10.0.0.5", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert garbage["REMOTE_ADDR"] == "10.0.0.5"


@given(st.ip_addresses())
def test_no_address_outside_the_named_networks_gets_https(address):
    networks = parse_networks(PROXIES)
    inside = any(address in net for net in networks if net.version == address.version)
    seen: dict = {}

    def view(request: HttpRequest) -> HttpResponse:
        seen.clear()
        seen.update(request.META)
        return HttpResponse()

    middleware = TrustedProxyMiddleware(view)
    middleware.networks = networks
    request = RequestFactory().get("/", REMOTE_ADDR=str(address), HTTP_X_FORWARDED_PROTO="https")
    middleware(request)
    assert ("HTTP_X_FORWARDED_PROTO" in seen) == inside


def test_a_bad_entry_is_named():
    with pytest.raises(ValueError, match="'10.0.0.300'"):
        parse_networks(["10.0.0.1", "10.0.0.300"])
    assert parse_networks([" 10.0.0.1 ", ""]) == (ipaddress.ip_network("10.0.0.1"),)


@pytest.mark.django_db
def test_the_login_lockout_counts_the_client_behind_the_proxy_not_the_proxy(settings):
    from mppdesk.accounts.models import LoginFailure

    settings.MPPDESK_TRUSTED_PROXIES = PROXIES
    form = {"username": "nadie", "password": "wrong-password-123"}
    Client(REMOTE_ADDR="10.0.0.5").post(
        "/accounts/login/", form, HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    Client(REMOTE_ADDR="203.0.113.9").post(
        "/accounts/login/", form, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert sorted(LoginFailure.objects.values_list("ip", flat=True)) == [
        "198.51.100.7",
        "203.0.113.9",
    ]
