"""The casework API: one organization's cases only; bad input names the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from mppdesk.accounts.services import create_api_token
from mppdesk.audit.models import AuditEntry
from mppdesk.casework.models import CaseAssignment, CaseNote
from mppdesk.casework.tests.conftest import PDF, Team

pytestmark = pytest.mark.django_db
BASE = "/api/v1/casework"


def api(user: Any, org: Any) -> Client:
    _token, secret = create_api_token(actor=None, user=user, name="t", organization=org)
    return Client(headers={"Authorization": f"Bearer {secret}"})


def test_a_case_worker_works_a_case_through_the_api(team: Team, personas: Any) -> None:
    client = api(team.worker, personas.org)
    case = team.case.pk
    made = client.post(
        f"{BASE}/cases/{case}/assignments",
        {"user_id": team.worker.pk},
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    denied = client.post(
        f"{BASE}/cases/{case}/assignments", {"user_id": team.colleague.pk},
        content_type="application/json",
    )  # fmt: skip
    assert denied.status_code == 403
    task = client.post(
        f"{BASE}/cases/{case}/tasks",
        {"title": "Llamar", "due_on": timezone.localdate().isoformat()},
        content_type="application/json",
    ).json()
    assert [t["id"] for t in client.get(f"{BASE}/tasks").json()] == [task["id"]]
    done = client.post(
        f"{BASE}/tasks/{task['id']}/status", {"status": "done"}, content_type="application/json"
    )
    assert done.json()["status"] == "done"
    note = client.post(
        f"{BASE}/cases/{case}/notes",
        {"kind": "legal", "text": "Asilo"},
        content_type="application/json",
    )
    assert note.status_code == 201
    assert client.get(f"{BASE}/cases/{case}/notes").json()[0]["text"] == "Asilo"
    up = client.post(
        f"{BASE}/cases/{case}/documents",
        {"kind": "notice", "file": SimpleUploadedFile("nta.pdf", PDF, "application/pdf")},
    )
    assert up.status_code == 201, up.content
    doc = up.json()
    assert doc["content_type"] == "application/pdf"
    content = client.get(f"{BASE}/documents/{doc['id']}/content")
    assert content.status_code == 200 and content.content == PDF
    assert content["Content-Disposition"].startswith("attachment;")
    assert AuditEntry.objects.filter(object_type="case_file", action="view").count() == 1


def test_bad_input_names_the_field(team: Team, personas: Any, settings: Any) -> None:
    client = api(team.worker, personas.org)
    case = team.case.pk
    bad = client.post(
        f"{BASE}/cases/{case}/notes",
        {"kind": "gossip", "text": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 422
    html = client.post(
        f"{BASE}/cases/{case}/documents",
        {"kind": "notice", "file": SimpleUploadedFile("x.pdf", b"<html><script>1</script>")},
    )
    assert html.status_code in (400, 422) and "file" in html.content.decode()
    settings.CASEWORK_MAX_UPLOAD_BYTES = 10
    big = client.post(
        f"{BASE}/cases/{case}/documents",
        {"kind": "notice", "file": SimpleUploadedFile("x.pdf", PDF)},
    )
    assert big.status_code in (400, 422) and "too large" in big.content.decode()


def test_another_organizations_token_gets_404(team: Team, personas: Any) -> None:
    from mppdesk.casework import services

    row = services.upload_file(
        actor=team.worker, case=team.case, kind="notice", filename="a.pdf", data=PDF
    )
    task = services.add_task(
        actor=team.worker, case=team.case, title="x", due_on=timezone.localdate()
    )
    client = api(team.outsider, personas.other_org)
    case = team.case.pk
    assert client.get(f"{BASE}/documents/{row.pk}/content").status_code == 404
    assert client.get(f"{BASE}/cases/{case}/notes").status_code == 404
    assert client.post(
        f"{BASE}/cases/{case}/assignments", {"user_id": team.outsider.pk},
        content_type="application/json",
    ).status_code == 404  # fmt: skip
    assert (
        client.post(
            f"{BASE}/tasks/{task.pk}/status", {"status": "done"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"{BASE}/documents/not-a-uuid/content").status_code in (404, 422)
    assert not CaseAssignment.objects.exists() and not CaseNote.objects.exists()
