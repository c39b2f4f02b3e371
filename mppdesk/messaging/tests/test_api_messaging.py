"""The messaging API under /api/v1/messages: history, send, at risk, templates, policies."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.models import Membership
from mppdesk.accounts.services import create_api_token
from mppdesk.api.tests.helpers import ApiClient, assert_error
from mppdesk.messaging.models import Message
from mppdesk.messaging.tests.test_web_support import (
    DELIVERED,
    Scene,
    message_to,
    user_with_role,
)
from mppdesk.reminders import catalog

pytestmark = pytest.mark.django_db

BASE = "/api/v1/messages"
TEMPLATE = f"{BASE}/templates/reminder/sms/es"


def _api(user: Any) -> ApiClient:
    _token, secret = create_api_token(actor=None, user=user, name="test")
    return ApiClient(secret)


class Api(ApiClient):
    def put(self, path: str, body: Any) -> Any:
        return self.client.put(path, body, content_type="application/json")

    def delete(self, path: str) -> Any:
        return self.client.delete(path)


def _full(user: Any) -> Api:
    _token, secret = create_api_token(actor=None, user=user, name="test")
    return Api(secret)


@pytest.fixture
def scene(personas: Any) -> Scene:
    return Scene.build(personas)


def _send(api: ApiClient, person: Any, **body: Any) -> Any:
    values = {
        "template": "manual",
        "text": "Pase por la oficina el martes.",
        "idempotency_key": str(uuid.uuid4()),
        **body,
    }
    return api.post(f"{BASE}/people/{person.pk}/send", values)


def test_list_and_get_messages(scene: Scene) -> None:
    case = scene.case()
    message = message_to(case, status=DELIVERED)
    api = _api(scene.personas.caseworker)
    listed = api.get(f"{BASE}/people/{case.lead.pk}")
    assert listed.status_code == 200, listed.content
    body = listed.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == str(message.pk) and item["status"] == "delivered"
    assert item["recipient"].startswith("•••• ") and "body" not in item
    one = api.get(f"{BASE}/{message.pk}")
    assert one.status_code == 200
    assert one.json()["body"] == message.body
    assert [e["status"] for e in one.json()["events"]] == ["queued"]


def test_outsider_gets_404_on_every_person_bound_endpoint(scene: Scene) -> None:
    case = scene.case()
    message = message_to(case)
    api = _api(scene.personas.outsider)
    assert_error(api.get(f"{BASE}/people/{case.lead.pk}"), 404)
    assert_error(api.get(f"{BASE}/{message.pk}"), 404)
    assert_error(_send(api, case.lead, contact_point_id=scene.phone(case).pk), 404)
    assert not Message.objects.filter(template="manual").exists()


def test_analyst_cannot_read_history(scene: Scene) -> None:
    case = scene.case()
    api = _api(user_with_role(scene.personas.org, Membership.Role.ANALYST))
    assert_error(api.get(f"{BASE}/people/{case.lead.pk}"), 403)
    assert_error(api.get(f"{BASE}/at-risk"), 403)


def test_send_is_idempotent_and_refuses_opted_out(scene: Scene) -> None:
    case = scene.case()
    point = scene.phone(case)
    api = _api(scene.personas.caseworker)
    key = str(uuid.uuid4())
    first = _send(api, case.lead, contact_point_id=point.pk, idempotency_key=key)
    assert first.status_code == 201, first.content
    again = _send(api, case.lead, contact_point_id=point.pk, idempotency_key=key)
    assert again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Message.objects.filter(person=case.lead).count() == 1
    point.opted_out = True
    point.save()
    assert_error(_send(api, case.lead, contact_point_id=point.pk), 422, "contact_point_id")
    assert_error(_send(api, case.lead, contact_point_id=point.pk, text="A087654321"), 422, "text")
    assert_error(_send(api, case.lead, contact_point_id=point.pk, extra=1), 422, "extra")
    assert Message.objects.filter(person=case.lead).count() == 1


def test_at_risk(scene: Scene) -> None:
    waiting = scene.case(contacts=())
    hearing = scene.hearing(waiting)
    reached = scene.case()
    message_to(reached, hearing=scene.hearing(reached), status=DELIVERED)
    api = _api(scene.personas.caseworker)
    response = api.get(f"{BASE}/at-risk")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [(i["person_id"], i["hearing_id"]) for i in items] == [
        (str(waiting.lead.pk), str(hearing.pk))
    ]
    assert items[0]["reasons"] == ["not_delivered", "no_contact"]
    assert api.get(f"{BASE}/at-risk", {"reason": "opted_out"}).json()["count"] == 0
    assert_error(api.get(f"{BASE}/at-risk", {"venue": "nowhere"}), 422, "venue")
    assert _api(scene.personas.outsider).get(f"{BASE}/at-risk").json()["count"] == 0


def test_segments(personas: Any) -> None:
    api = _api(personas.caseworker)
    gsm = api.post(f"{BASE}/segments", {"text": "x" * 160}).json()
    assert gsm == {"encoding": "GSM-7", "units": 160, "segments": 1, "non_gsm_characters": []}
    ucs = api.post(f"{BASE}/segments", {"text": "Audiencia ✅ " + "x" * 50}).json()
    assert (
        ucs["encoding"] == "UCS-2" and ucs["segments"] == 1 and ucs["non_gsm_characters"] == ["✅"]
    )
    assert_error(api.post(f"{BASE}/segments", {"text": 3}), 422, "text")


def test_templates_put_get_delete(personas: Any) -> None:
    api = _full(personas.coordinator)
    listed = api.get(f"{BASE}/templates")
    assert listed.status_code == 200 and len(listed.json()) > 100
    put = api.put(TEMPLATE, {"body": "Audiencia {date} {time}."})
    assert put.status_code == 200, put.content
    assert put.json()["is_override"] is True
    assert api.get(TEMPLATE).json()["body"] == "Audiencia {date} {time}."
    assert_error(api.put(TEMPLATE, {"body": "Hola {name}"}), 422, "body")
    deleted = api.delete(TEMPLATE)
    assert deleted.status_code == 200
    assert deleted.json()["is_override"] is False
    assert deleted.json()["body"] == catalog.default_body("reminder", "sms", "es")
    assert_error(api.get(f"{BASE}/templates/reminder/sms/xx"), 404)


def test_case_worker_cannot_edit_templates(personas: Any) -> None:
    api = _full(personas.caseworker)
    assert_error(api.get(f"{BASE}/templates"), 403)
    assert_error(api.put(TEMPLATE, {"body": "Audiencia {date}."}), 403)
    assert_error(api.get(f"{BASE}/policies/current"), 403)


def test_policies(personas: Any) -> None:
    api = _full(personas.coordinator)
    got = api.get(f"{BASE}/policies/current")
    assert got.status_code == 200
    assert [r["code"] for r in got.json()["rules"]] == ["notice", "7d", "2d", "evening"]
    rules = [{"code": "5d", "template": "reminder", "days_before": 5, "at": "09:00"}]
    put = api.put(
        f"{BASE}/policies/current", {"rules": rules, "quiet_start": "20:00", "quiet_end": "08:00"}
    )
    assert put.status_code == 200, put.content
    assert put.json()["rules"] == rules and put.json()["quiet_start"] == "20:00"
    bad = api.put(
        f"{BASE}/policies/current",
        {"rules": [{"code": "x", "template": "nope"}], "quiet_start": "20:00", "quiet_end": "8"},
    )
    assert_error(bad, 422, "rules")
    assert_error(api.get(f"{BASE}/policies/1999"), 404)


def test_operations_document_the_error_shape(db: Any) -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    ours = {p: item for p, item in spec["paths"].items() if p.startswith(BASE)}
    assert len(ours) == 8
    for path, item in ours.items():
        for method, op in item.items():
            assert op.get("description"), (method, path)
            for code in ("401", "403", "422"):
                schema = op["responses"][code]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, code)
            if "{" in path:
                assert "404" in op["responses"], (method, path)
