"""Content-Security-Policy and Permissions-Policy on every response."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from mppdesk.core.middleware_security import CONTENT_SECURITY_POLICY, PERMISSIONS_POLICY

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/accounts/login/", "/healthz", "/people/", "/api/v1/people"])
def test_every_response_has_the_strict_policy(path):
    response = Client().get(path)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    for directive in (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ):
        assert directive in response["Content-Security-Policy"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_hold_no_inline_script_or_style(caseworker_client):
    """What the strict policy would block: ``<script>`` bodies, ``<style>``, style=""."""
    for path in ("/accounts/login/", "/people/", "/people/new/", "/cases/"):
        html = caseworker_client.get(path, follow=True).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", html), path
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=", html), path
        assert not re.search(r"\son[a-z]+=", html), path  # no inline event handlers


def test_htmx_is_told_not_to_inject_its_indicator_style(caseworker_client):
    html = caseworker_client.get("/people/").content.decode()
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>' in html


def test_swagger_docs_render_with_local_scripts_and_relaxed_styles_only():
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "script-src 'self';" in policy  # scripts stay strict
    scripts = re.findall(r"<script([^>]*)>", html)
    for attrs in scripts:
        # Either a local static file or an inert JSON data block.
        assert 'src="/static/' in attrs or 'type="application/json"' in attrs, attrs
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "/static/ninja/swagger-ui-init.js" in html


def test_two_factor_enrolment_page_is_csp_clean(personas):
    client = Client()
    client.force_login(personas.caseworker)
    html = client.get("/accounts/two-factor/").content.decode()
    assert "<svg" in html
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
