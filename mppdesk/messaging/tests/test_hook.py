"""``POST /hooks/twilio/status``: signed receipts apply, forged ones get 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from mppdesk.messaging import dispatch
from mppdesk.messaging.models import Message, MessageEvent, MessageStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(outbox, fake_twilio, clock) -> Message:  # type: ignore[no-untyped-def]
    message = outbox()
    dispatch.dispatch_once("w1", clock=clock)
    return Message.objects.get(pk=message.pk)


def post(url: str, params: dict[str, str], signature: str | None):  # type: ignore[no-untyped-def]
    headers = {"HTTP_X_TWILIO_SIGNATURE": signature} if signature is not None else {}
    path = url.removeprefix("http://testserver")
    return Client(enforce_csrf_checks=True).post(path, params, **headers)


def test_url_name():
    assert reverse("twilio_status") == "/hooks/twilio/status"


def test_signed_callback_is_applied(sent, fake_twilio):
    url, params, signature = fake_twilio.callback(sent.provider_id, "delivered")
    assert url == "http://testserver/hooks/twilio/status"
    response = post(url, params, signature)
    assert response.status_code == 204
    assert Message.objects.get(pk=sent.pk).status == MessageStatus.DELIVERED


@pytest.mark.parametrize("forgery", ["missing", "forged", "tampered"])
def test_bad_signature_gets_403_and_changes_nothing(forgery, sent, fake_twilio):
    url, params, signature = fake_twilio.callback(sent.provider_id, "delivered")
    events = MessageEvent.objects.count()
    if forgery == "missing":
        response = post(url, params, None)
    elif forgery == "forged":
        response = post(url, params, "bm90IGEgc2lnbmF0dXJl")
    else:
        response = post(url, {**params, "MessageStatus": "read"}, signature)
    assert response.status_code == 403
    assert Message.objects.get(pk=sent.pk).status == MessageStatus.SENT
    assert MessageEvent.objects.count() == events


def test_get_is_not_allowed():
    assert Client().get("/hooks/twilio/status").status_code == 405


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_fake_posts_signed_callbacks_to_a_live_server(
    live_server, settings, outbox, fake_twilio, clock
):
    settings.PUBLIC_BASE_URL = live_server.url
    message = outbox()
    dispatch.dispatch_once("w1", clock=clock)
    sid = Message.objects.get(pk=message.pk).provider_id
    assert fake_twilio.post_callback(sid, "sent") == 204
    assert fake_twilio.post_callback(sid, "undelivered", error_code="30003") == 204
    done = Message.objects.get(pk=message.pk)
    assert (done.status, done.error_code) == (MessageStatus.UNDELIVERABLE, "30003")
