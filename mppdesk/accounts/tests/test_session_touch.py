"""Idle session expiry without a database write per request (``SessionTouchMiddleware``)."""

from __future__ import annotations

import time
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.middleware import TOUCHED_KEY

pytestmark = pytest.mark.django_db
HOME = "/people/"


def _session(client: Client) -> Session:
    return Session.objects.get(session_key=client.session.session_key)


def _at(seconds_from_now: float):  # type: ignore[no-untyped-def]
    """Patch the middleware's clock ``seconds_from_now`` ahead."""
    moment = time.time() + seconds_from_now
    return mock.patch("mppdesk.accounts.middleware.time.time", return_value=moment)


def test_requests_inside_the_touch_window_do_not_write_the_session(caseworker_client, settings):
    settings.SESSION_TOUCH_SECONDS = 60
    assert caseworker_client.get(HOME).status_code == 200
    before = _session(caseworker_client).expire_date
    Session.objects.filter(session_key=caseworker_client.session.session_key).update(
        expire_date=before - timezone.timedelta(seconds=5)
    )
    with _at(10):
        assert caseworker_client.get(HOME).status_code == 200
    # Not saved: the expiry we moved back stays where we put it.
    assert _session(caseworker_client).expire_date == before - timezone.timedelta(seconds=5)


def test_a_request_after_the_window_pushes_the_expiry_forward(caseworker_client, settings):
    settings.SESSION_TOUCH_SECONDS = 60
    assert caseworker_client.get(HOME).status_code == 200
    stale = timezone.now() + timezone.timedelta(seconds=30)
    Session.objects.filter(session_key=caseworker_client.session.session_key).update(
        expire_date=stale
    )
    before = time.time()
    with _at(61):
        assert caseworker_client.get(HOME).status_code == 200
    expiry = _session(caseworker_client).expire_date
    assert expiry > stale + timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE - 120)
    # Against the clock the middleware was given, not the wall clock after the request: a
    # request slower than a second on a loaded machine must not fail this.
    assert int(caseworker_client.session[TOUCHED_KEY]) >= int(before) + 61


def test_an_idle_session_still_expires(caseworker_client):
    assert caseworker_client.get(HOME).status_code == 200
    Session.objects.filter(session_key=caseworker_client.session.session_key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)
    )
    response = caseworker_client.get(HOME)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_anonymous_visit_creates_no_session():
    client = Client()
    client.get("/accounts/login/")
    client.get("/healthz")
    assert Session.objects.count() == 0


def test_a_garbled_touch_stamp_is_rewritten_not_a_500(caseworker_client):
    session = caseworker_client.session
    session[TOUCHED_KEY] = "not a number"
    session.save()
    assert caseworker_client.get(HOME).status_code == 200
    assert isinstance(caseworker_client.session[TOUCHED_KEY], int)


def test_the_touch_window_never_exceeds_half_the_idle_time():
    from django.conf import settings

    assert settings.SESSION_TOUCH_SECONDS <= settings.SESSION_COOKIE_AGE // 2
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
