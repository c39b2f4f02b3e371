"""CSRF protection is lifted only where something else proves who is asking."""

from __future__ import annotations

from mppdesk.testing.authz import url_patterns


def test_only_signed_webhooks_and_the_token_api_skip_csrf():
    exempt = {
        p.key: p.leaf.callback
        for p in url_patterns()
        if getattr(p.leaf.callback, "csrf_exempt", False)
    }
    # The API authenticates with Bearer tokens, never cookies (api/auth.py).
    outside_api = {key: view for key, view in exempt.items() if not key.startswith("api:")}
    assert set(outside_api) == {"twilio_status", "twilio_inbound"}
    assert all(getattr(view, "twilio_webhook", False) for view in outside_api.values())
