"""The template editor and the reminder policy pages (message.template.manage)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from mppdesk.messaging.tests.test_web_support import client_for
from mppdesk.reminders import catalog
from mppdesk.reminders.models import MessageTemplate
from mppdesk.reminders.policy import get_policy_row

pytestmark = pytest.mark.django_db

KEY = {"kind": "reminder", "channel": "sms", "language": "es"}


def test_case_worker_cannot_edit_templates_or_policies(personas: Any) -> None:
    client = client_for(personas.caseworker)
    for name, kwargs in (
        ("messaging:templates", {}),
        ("messaging:template_edit", KEY),
        ("messaging:policies", {}),
        ("messaging:policy_edit", {"program_version": "current"}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403
    for name in (
        "messaging:template_edit",
        "messaging:template_preview",
        "messaging:template_reset",
    ):
        assert client.post(reverse(name, kwargs=KEY), {"body": "x"}).status_code == 403
    assert not MessageTemplate.objects.exists()


def test_list_marks_overrides(personas: Any) -> None:
    MessageTemplate.objects.create(body="Audiencia {date}.", **KEY)
    response = client_for(personas.coordinator).get(reverse("messaging:templates"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("badge warn") == 1
    assert reverse("messaging:template_edit", kwargs=KEY) in html


def test_save_and_reset_through_the_editor(personas: Any) -> None:
    client = client_for(personas.coordinator)
    url = reverse("messaging:template_edit", kwargs=KEY)
    page = client.get(url)
    assert page.status_code == 200
    assert "{date}" in page.content.decode()  # the allowed placeholders are listed
    saved = client.post(url, {"body": "Audiencia el {date} a las {time}."})
    assert saved.status_code == 302
    assert catalog.template_body("reminder", "sms", "es") == (
        "Audiencia el {date} a las {time}.",
        True,
    )
    reset = client.post(reverse("messaging:template_reset", kwargs=KEY))
    assert reset.status_code == 302
    assert catalog.template_body("reminder", "sms", "es")[1] is False


def test_unknown_placeholder_is_refused(personas: Any) -> None:
    response = client_for(personas.coordinator).post(
        reverse("messaging:template_edit", kwargs=KEY), {"body": "Hola {name}, audiencia {date}."}
    )
    assert response.status_code == 400
    assert "body" in response.context["form"].errors
    assert not MessageTemplate.objects.exists()


def test_unknown_key_is_404(personas: Any) -> None:
    url = reverse("messaging:template_edit", kwargs={**KEY, "language": "xx"})
    assert client_for(personas.coordinator).get(url).status_code == 404


def test_preview_counts_segments_and_marks_non_gsm(personas: Any) -> None:
    url = reverse("messaging:template_preview", kwargs=KEY)
    client = client_for(personas.coordinator)
    gsm = client.post(url, {"body": "Audiencia el {date}."}).content.decode()
    assert 'data-encoding="GSM-7"' in gsm and "non-gsm" not in gsm
    ucs = client.post(url, {"body": "Audiencia el {date} 🙂"}).content.decode()
    assert 'data-encoding="UCS-2"' in ucs
    assert '<mark class="non-gsm">🙂</mark>' in ucs
    long = client.post(url, {"body": "x" * 161}).content.decode()
    assert "2 segments" in long


def test_policy_edit_saves_rules_and_quiet_hours(personas: Any) -> None:
    client = client_for(personas.coordinator)
    url = reverse("messaging:policy_edit", kwargs={"program_version": "current"})
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "rules-TOTAL_FORMS": "3",
        "rules-INITIAL_FORMS": "0",
        "rules-MIN_NUM_FORMS": "0",
        "rules-MAX_NUM_FORMS": "10",
        "rules-0-code": "notice",
        "rules-0-template": "hearing_notice",
        "rules-1-code": "3d",
        "rules-1-template": "reminder",
        "rules-1-days_before": "3",
        "rules-1-at": "11:00",
        "quiet_start": "22:00",
        "quiet_end": "07:30",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content
    row = get_policy_row("current")
    assert [r["code"] for r in row.rules] == ["notice", "3d"]
    assert f"{row.quiet_start:%H:%M}-{row.quiet_end:%H:%M}" == "22:00-07:30"
    bad = client.post(url, {**data, "rules-1-at": "", "quiet_end": "25:00"})
    assert bad.status_code == 400
    assert client.get(reverse("messaging:policies")).status_code == 200


@pytest.mark.parametrize(("language", "title"), [("es", "Plantillas"), ("en", "Message templates")])
def test_list_in_spanish_and_english(personas: Any, language: str, title: str) -> None:
    response = client_for(personas.coordinator, language).get(reverse("messaging:templates"))
    assert title in response.content.decode()
