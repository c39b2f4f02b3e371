"""Manual send: one outbox row per submission, refused contacts, no A-number, preview."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from mppdesk.messaging.models import Message, TemplateKind
from mppdesk.messaging.queries import has_a_number
from mppdesk.messaging.tests.test_web_support import Scene, analyst, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(personas: Any) -> Scene:
    return Scene.build(personas)


def _post(client: Any, person: Any, **data: Any) -> Any:
    values = {
        "template": TemplateKind.MANUAL,
        "language": "es",
        "text": "Pase por la oficina el martes.",
        "idempotency_key": str(uuid.uuid4()),
        **data,
    }
    return client.post(reverse("messaging:send", kwargs={"pk": person.pk}), values)


def test_form_defaults_to_a_usable_contact_and_the_persons_language(scene: Scene) -> None:
    case = scene.case()
    response = client_for(scene.personas.caseworker).get(
        reverse("messaging:send", kwargs={"pk": case.lead.pk})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{scene.phone(case).pk}" selected' in html
    assert '<option value="es" selected>' in html
    assert 'name="idempotency_key"' in html


def test_manual_send_creates_one_row_and_double_submit_stays_one(scene: Scene) -> None:
    case = scene.case()
    point = scene.phone(case)
    client = client_for(scene.personas.caseworker)
    key = str(uuid.uuid4())
    first = _post(client, case.lead, contact_point=point.pk, idempotency_key=key)
    assert first.status_code == 302
    assert first["Location"] == reverse("messaging:person", kwargs={"pk": case.lead.pk})
    again = _post(client, case.lead, contact_point=point.pk, idempotency_key=key)
    assert again.status_code == 302
    messages = Message.objects.filter(person=case.lead, template=TemplateKind.MANUAL)
    assert messages.count() == 1
    message = messages.get()
    assert message.body == "Pase por la oficina el martes."
    assert message.contact_point == point and message.channel == "sms"
    assert message.created_by == scene.personas.caseworker
    assert str(point.value) not in first["Location"]


def test_reminder_for_the_next_hearing_is_tied_to_it(scene: Scene) -> None:
    case = scene.case()
    hearing = scene.hearing(case)
    client = client_for(scene.personas.caseworker)
    response = _post(client, case.lead, contact_point=scene.phone(case).pk, template="reminder")
    assert response.status_code == 302
    message = Message.objects.get(person=case.lead, created_by=scene.personas.caseworker)
    assert message.hearing == hearing and message.template == "reminder"


def test_hearing_template_without_upcoming_hearing_is_refused(scene: Scene) -> None:
    case = scene.case()
    response = _post(
        client_for(scene.personas.caseworker),
        case.lead,
        contact_point=scene.phone(case).pk,
        template="reminder",
    )
    assert response.status_code == 400
    assert "template" in response.context["form"].errors


@pytest.mark.parametrize("flag", ["opted_out", "invalid", "no_consent"])
def test_unusable_contact_is_refused_naming_contact_point(scene: Scene, flag: str) -> None:
    case = scene.case()
    point = scene.phone(case)
    if flag == "opted_out":
        point.opted_out = True
    elif flag == "invalid":
        point.invalid_at = timezone.now()
    else:
        point.consent = False
    point.save()
    response = _post(client_for(scene.personas.caseworker), case.lead, contact_point=point.pk)
    assert response.status_code == 400
    assert "contact_point" in response.context["form"].errors
    assert not Message.objects.filter(person=case.lead).exists()


def test_a_number_in_free_text_is_refused(scene: Scene) -> None:
    case = scene.case()
    response = _post(
        client_for(scene.personas.caseworker),
        case.lead,
        contact_point=scene.phone(case).pk,
        text="Su caso A 087-654-321 sigue abierto.",
    )
    assert response.status_code == 400
    assert "text" in response.context["form"].errors
    assert not Message.objects.filter(person=case.lead).exists()


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("A 087-654-321", True),
        ("087654321", True),
        ("A#87-654-321", True),
        ("Llame al +52 656 123 4567", False),
        ("el 09/03/2026 a las 8:00", False),
    ],
)
def test_a_number_pattern(text: str, found: bool) -> None:
    assert has_a_number(text) is found


def test_name_in_free_text_needs_confirmation(scene: Scene) -> None:
    case = scene.case()
    text = f"Hola {case.lead.given_names}, pase por la oficina."
    client = client_for(scene.personas.caseworker)
    point = scene.phone(case).pk
    refused = _post(client, case.lead, contact_point=point, text=text)
    assert refused.status_code == 400
    assert "text" in refused.context["form"].errors
    assert b'name="confirm_name"' in refused.content
    sent = _post(client, case.lead, contact_point=point, text=text, confirm_name="on")
    assert sent.status_code == 302
    assert Message.objects.filter(person=case.lead).count() == 1


def test_preview_shows_body_and_segments(scene: Scene) -> None:
    case = scene.case()
    response = client_for(scene.personas.caseworker).post(
        reverse("messaging:send_preview", kwargs={"pk": case.lead.pk}),
        {
            "contact_point": scene.phone(case).pk,
            "template": "manual",
            "language": "es",
            "text": "Cita mañana ✅",
            "idempotency_key": str(uuid.uuid4()),
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "UCS-2" in html and '<mark class="non-gsm">✅</mark>' in html
    assert "1 segment" in html


def test_outsider_gets_404_and_analyst_403(scene: Scene) -> None:
    case = scene.case()
    for name in ("messaging:send", "messaging:send_preview"):
        url = reverse(name, kwargs={"pk": case.lead.pk})
        assert client_for(scene.personas.outsider).post(url, {}).status_code == 404
        assert client_for(analyst(scene.personas.org)).post(url, {}).status_code == 403
    assert (
        client_for(scene.personas.outsider)
        .get(reverse("messaging:send", kwargs={"pk": case.lead.pk}))
        .status_code
        == 404
    )
