"""Caseload, tasks, notes and documents: behaviour, permissions and attacks."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.audit.models import AuditEntry
from mppdesk.casework import files, queries, services
from mppdesk.casework.models import (
    CaseAssignment,
    CaseFile,
    CaseFileContent,
    CaseNote,
    Task,
    TaskStatus,
)
from mppdesk.casework.tests.conftest import JPEG, PDF, PNG, Team
from mppdesk.core.errors import FieldErrors

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def detail(case: Any) -> str:
    return reverse("cases:detail", kwargs={"pk": case.pk})


# --- caseload ------------------------------------------------------------------------------


def test_a_case_worker_assigns_herself_and_sees_it_in_mine(
    team: Team, caseworker_client: Client
) -> None:
    response = caseworker_client.post(reverse("casework:assign_me", kwargs={"pk": team.case.pk}))
    assert response.status_code == 302
    assert CaseAssignment.objects.filter(case=team.case, user=team.worker, role="worker").exists()
    mine = caseworker_client.get(reverse("cases:list") + "?mine=1")
    assert team.case.a_number_display in mine.content.decode()
    assert team.other_case.a_number_display not in mine.content.decode()
    people = caseworker_client.post(reverse("people:list"), {"mine": "1"}).content.decode()
    assert team.case.a_number_display in people
    assert team.other_case.a_number_display not in people


def test_a_case_worker_may_not_assign_a_colleague(team: Team) -> None:
    with pytest.raises(PermissionDenied):
        services.assign(actor=team.worker, case=team.case, user=team.colleague)
    assert not CaseAssignment.objects.exists()


def test_a_case_worker_posting_the_assign_form_for_a_colleague_gets_403(
    team: Team, caseworker_client: Client
) -> None:
    response = caseworker_client.post(
        reverse("casework:assign", kwargs={"pk": team.case.pk}),
        {"user": str(team.colleague.pk), "role": "worker"},
    )
    assert response.status_code == 403
    assert not CaseAssignment.objects.exists()


def test_a_supervisor_assigns_workers_and_an_attorney_with_g28(team: Team) -> None:
    services.assign(actor=team.supervisor, case=team.case, user=team.worker)
    services.assign(actor=team.supervisor, case=team.case, user=team.colleague)
    services.assign(
        actor=team.supervisor, case=team.case, user=team.supervisor, role="attorney",
        g28_on_file=True,
    )  # fmt: skip
    # A second attorney of record replaces the first.
    services.assign(actor=team.supervisor, case=team.case, user=team.colleague, role="attorney")
    rows = CaseAssignment.objects.filter(case=team.case)
    assert sorted((a.user.username, a.role) for a in rows) == sorted(
        [("colleague", "attorney"), ("colleague", "worker"), (team.worker.username, "worker")]
    )
    assert rows.get(role="attorney").g28_on_file is False
    assert (
        AuditEntry.objects.filter(object_id=str(team.case.pk), fields=["assignments"]).count() == 4
    )


def test_nobody_from_another_organization_can_be_assigned(team: Team) -> None:
    with pytest.raises(FieldErrors) as exc:
        services.assign(actor=team.supervisor, case=team.case, user=team.outsider)
    assert "user" in exc.value.errors


def test_bulk_reassignment_moves_cases_and_open_tasks(
    team: Team, supervisor_client: Client
) -> None:
    services.assign(actor=team.supervisor, case=team.case, user=team.worker)
    services.assign(actor=team.supervisor, case=team.other_case, user=team.worker)
    task = services.add_task(actor=team.worker, case=team.case, title="Call", due_on=TODAY)
    assert task.assignee == team.worker
    response = supervisor_client.post(
        reverse("casework:team"),
        {"cases": [str(team.case.pk), str(team.other_case.pk)], "user": str(team.colleague.pk)},
    )
    assert response.status_code == 302
    assert set(
        CaseAssignment.objects.filter(role="worker").values_list("user__username", flat=True)
    ) == {"colleague"}
    task.refresh_from_db()
    assert task.assignee == team.colleague


def test_bulk_reassignment_with_a_foreign_case_changes_nothing(
    team: Team, supervisor_client: Client
) -> None:
    services.assign(actor=team.supervisor, case=team.case, user=team.worker)
    response = supervisor_client.post(
        reverse("casework:team"),
        {"cases": [str(team.case.pk), str(team.foreign_case.pk)], "user": str(team.colleague.pk)},
    )
    assert response.status_code == 400
    assert CaseAssignment.objects.get(case=team.case).user == team.worker


def test_a_case_worker_cannot_open_the_team_page(team: Team, caseworker_client: Client) -> None:
    assert caseworker_client.get(reverse("casework:team")).status_code == 403


# --- tasks ---------------------------------------------------------------------------------


def test_my_tasks_lists_overdue_first_and_can_be_completed_and_reopened(
    team: Team, caseworker_client: Client
) -> None:
    services.assign(actor=team.worker, case=team.case, user=team.worker)
    later = services.add_task(
        actor=team.worker, case=team.case, title="Later", due_on=TODAY + dt.timedelta(days=3)
    )
    late = services.add_task(
        actor=team.worker, case=team.case, title="Late", due_on=TODAY - dt.timedelta(days=2)
    )
    assert [t.pk for t in queries.my_tasks(team.worker)] == [late.pk, later.pk]
    page = caseworker_client.get(reverse("casework:tasks")).content.decode()
    assert page.index("Late") < page.index("Later")
    assert "Overdue" in page
    url = reverse("casework:task_status", kwargs={"pk": late.pk})
    assert caseworker_client.post(url, {"status": "done", "next": "tasks"}).status_code == 302
    late.refresh_from_db()
    assert late.status == TaskStatus.DONE and late.completed_by == team.worker
    caseworker_client.post(url, {"status": "open"})
    late.refresh_from_db()
    assert late.status == TaskStatus.OPEN and late.completed_at is None


def test_a_task_without_title_or_date_is_refused_by_field(
    team: Team, caseworker_client: Client
) -> None:
    response = caseworker_client.post(
        reverse("casework:add_task", kwargs={"pk": team.case.pk}), {"title": "", "due_on": "x"}
    )
    assert response.status_code == 400
    assert not Task.objects.exists()
    with pytest.raises(FieldErrors) as exc:
        services.add_task(actor=team.worker, case=team.case, title=" ", due_on=None)
    assert set(exc.value.errors) == {"title", "due_on"}


def test_task_titles_are_encrypted_at_rest(team: Team) -> None:
    task = services.add_task(actor=team.worker, case=team.case, title="Llamar a Ana", due_on=TODAY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT title FROM casework_task WHERE id = %s", [task.pk.hex])
        row = cursor.fetchone()
    if row is None:  # PostgreSQL stores the UUID natively
        with connection.cursor() as cursor:
            cursor.execute("SELECT title FROM casework_task WHERE id = %s", [str(task.pk)])
            row = cursor.fetchone()
    assert "Ana" not in row[0]


# --- notes ---------------------------------------------------------------------------------


def test_a_note_is_typed_encrypted_and_its_reading_audited(
    team: Team, caseworker_client: Client
) -> None:
    response = caseworker_client.post(
        reverse("casework:add_note", kwargs={"pk": team.case.pk}),
        {"kind": "call", "text": "Habló con su hermana en Monterrey"},
    )
    assert response.status_code == 302
    note = CaseNote.objects.get()
    assert note.kind == "call"
    raw = CaseNote.objects.values_list("text", flat=True).get()
    assert "Monterrey" not in raw
    page = caseworker_client.get(detail(team.case)).content.decode()
    assert "Monterrey" in page
    assert AuditEntry.objects.filter(
        object_type="case_note", object_id=str(note.pk), action="view"
    ).exists()


def test_a_note_of_an_unknown_kind_is_refused(team: Team) -> None:
    with pytest.raises(FieldErrors) as exc:
        services.add_note(actor=team.worker, case=team.case, kind="gossip", text="x")
    assert "kind" in exc.value.errors


# --- documents -----------------------------------------------------------------------------


def upload(
    client: Client, case: Any, name: str, data: bytes, ctype: str = "application/pdf"
) -> Any:
    return client.post(
        reverse("casework:upload", kwargs={"pk": case.pk}),
        {"kind": "notice", "file": SimpleUploadedFile(name, data, content_type=ctype)},
    )


@pytest.mark.parametrize(
    ("data", "expected"), [(PDF, "application/pdf"), (PNG, "image/png"), (JPEG, "image/jpeg")]
)
def test_a_document_is_stored_encrypted_and_downloaded_as_an_attachment(
    team: Team, caseworker_client: Client, data: bytes, expected: str
) -> None:
    # The browser's Content-Type and the name's extension are ignored: the bytes decide.
    response = upload(
        caseworker_client, team.case, "Aviso de comparecencia.txt", data, "text/plain"
    )
    assert response.status_code == 302
    row = CaseFile.objects.get()
    assert row.content_type == expected
    assert row.filename.endswith("." + files.EXTENSIONS[expected])
    stored = CaseFileContent.objects.values_list("data", flat=True).get()
    assert data not in stored.encode()
    download = caseworker_client.get(reverse("casework:download", kwargs={"pk": row.pk}))
    assert download.status_code == 200
    assert download.content == data
    assert download["Content-Type"] == expected
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert (
        AuditEntry.objects.filter(
            object_type="case_file", object_id=str(row.pk), action="view"
        ).count()
        == 1
    )


@pytest.mark.parametrize(
    "data",
    [
        b"<html><script>alert(1)</script></html>",
        b"<script>fetch('/people/')</script>",
        b"%PDF-1.4\n<script>alert(document.cookie)</script>",
        b"GIF89a....",
        b"MZ\x90\x00 an executable",
    ],
)
def test_a_pdf_name_with_other_content_is_refused(
    team: Team, caseworker_client: Client, data: bytes
) -> None:
    response = upload(caseworker_client, team.case, "notice.pdf", data)
    assert response.status_code == 400
    assert "Only PDF, JPEG and PNG files are accepted." in response.content.decode()
    assert not CaseFile.objects.exists()


def test_an_oversized_upload_is_refused_with_a_field_error(
    team: Team, caseworker_client: Client, settings: Any
) -> None:
    settings.CASEWORK_MAX_UPLOAD_BYTES = 1024
    response = upload(caseworker_client, team.case, "big.pdf", PDF + b"0" * 2048)
    assert response.status_code == 400
    body = response.content.decode()
    assert "The file is too large: at most" in body
    assert "has-error" in body
    assert not CaseFile.objects.exists()


def test_an_empty_upload_is_refused(team: Team) -> None:
    with pytest.raises(FieldErrors) as exc:
        services.upload_file(
            actor=team.worker, case=team.case, kind="notice", filename="a", data=b""
        )
    assert "file" in exc.value.errors


def test_a_tampered_file_is_not_served(team: Team) -> None:
    row = services.upload_file(
        actor=team.worker, case=team.case, kind="notice", filename="a.pdf", data=PDF
    )
    CaseFile.objects.filter(pk=row.pk).update(sha256="0" * 64)
    row.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.read_file(actor=team.worker, row=row)


@given(name=st.text(max_size=200))
def test_download_names_are_always_safe(name: str) -> None:
    safe = files.safe_filename(name, "application/pdf")
    assert safe.endswith(".pdf")
    assert "/" not in safe and "\\" not in safe and '"' not in safe and "\n" not in safe
    assert len(safe) <= 84


@given(data=st.binary(max_size=64))
def test_sniffing_accepts_only_the_three_signatures(data: bytes) -> None:
    found = files.sniff(data)
    assert found is None or any(data.startswith(magic) for magic, _t, _e in files.SIGNATURES)


# --- attackers -----------------------------------------------------------------------------


def test_another_organizations_worker_cannot_see_assign_or_download(
    team: Team, outsider_client: Client
) -> None:
    row = services.upload_file(
        actor=team.worker, case=team.case, kind="notice", filename="a.pdf", data=PDF
    )
    task = services.add_task(actor=team.worker, case=team.case, title="Secret", due_on=TODAY)
    services.assign(actor=team.worker, case=team.case, user=team.worker)
    assignment = CaseAssignment.objects.get()
    pk = {"pk": team.case.pk}
    for method, url, data in [
        ("get", reverse("casework:download", kwargs={"pk": row.pk}), {}),
        ("post", reverse("casework:assign_me", kwargs=pk), {}),
        (
            "post",
            reverse("casework:assign", kwargs=pk),
            {"user": team.outsider.pk, "role": "worker"},
        ),
        ("post", reverse("casework:add_note", kwargs=pk), {"kind": "general", "text": "x"}),
        ("post", reverse("casework:add_task", kwargs=pk), {"title": "x", "due_on": "2030-01-01"}),
        ("post", reverse("casework:task_status", kwargs={"pk": task.pk}), {"status": "done"}),
        ("post", reverse("casework:unassign", kwargs={"pk": assignment.pk}), {}),
    ]:
        response = getattr(outsider_client, method)(url, data)
        assert response.status_code == 404, url
    assert outsider_client.get(detail(team.case)).status_code == 404
    assert "Secret" not in outsider_client.get(reverse("casework:tasks")).content.decode()
    assert CaseAssignment.objects.count() == 1 and CaseNote.objects.count() == 0
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_guessed_ids_are_404_not_500(caseworker_client: Client, team: Team) -> None:
    for name in ("download", "task_status", "unassign", "assign_me", "add_note", "upload"):
        url = reverse(f"casework:{name}", kwargs={"pk": uuid.uuid4()})
        response = caseworker_client.post(url) if name != "download" else caseworker_client.get(url)
        assert response.status_code == 404, name
    for path in ("/casework/documents/../../etc/passwd", "/casework/documents/1/",
                 "/casework/documents/%2e%2e%2fsettings.py/"):  # fmt: skip
        assert caseworker_client.get(path).status_code == 404, path


def test_documents_have_no_public_url(team: Team) -> None:
    row = services.upload_file(
        actor=team.worker, case=team.case, kind="notice", filename="a.pdf", data=PDF
    )
    anonymous = Client().get(reverse("casework:download", kwargs={"pk": row.pk}))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))


def test_a_case_shared_by_referral_does_not_share_its_casework(team: Team) -> None:
    from mppdesk.casework.queries import case_panel

    panel = case_panel(team.outsider, team.case)
    assert panel == {"visible": False}


def test_a_download_name_with_accents_is_sent_in_utf8(
    team: Team, caseworker_client: Client
) -> None:
    row = services.upload_file(
        actor=team.worker, case=team.case, kind="id", filename="Pasaporte de Ñandú.png", data=PNG
    )
    response = caseworker_client.get(reverse("casework:download", kwargs={"pk": row.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert (
        "filename*=utf-8''Pasaporte%20de%20%C3%91and%C3%BA.png" in response["Content-Disposition"]
    )
