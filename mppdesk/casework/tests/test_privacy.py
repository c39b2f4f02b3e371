"""Subject access and erasure of casework."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mppdesk.casework import services
from mppdesk.casework.models import CaseFile, CaseFileContent, CaseNote, Task
from mppdesk.casework.tests.conftest import PDF, Team
from mppdesk.privacy import services as privacy
from mppdesk.privacy.subject_access import build_subject_export, render_subject_pdf

pytestmark = pytest.mark.django_db


def fill(team: Team) -> None:
    services.assign(
        actor=team.supervisor, case=team.case, user=team.supervisor, role="attorney",
        g28_on_file=True,
    )  # fmt: skip
    services.add_task(
        actor=team.worker, case=team.case, title="Pedir acta", due_on=timezone.localdate()
    )
    services.add_note(
        actor=team.worker, case=team.case, kind="legal", text="Teme volver a Honduras"
    )
    services.upload_file(
        actor=team.worker, case=team.case, kind="notice", filename="NTA.pdf", data=PDF
    )


def test_the_export_holds_the_casework_of_the_persons_cases(team: Team) -> None:
    fill(team)
    export = build_subject_export(team.case.lead)
    work = export["casework"]
    assert work["assignments"][0]["role"] == "attorney" and work["assignments"][0]["g28_on_file"]
    assert work["tasks"][0]["title"] == "Pedir acta"
    assert work["notes"][0]["text"] == "Teme volver a Honduras"
    assert work["documents"][0]["filename"] == "NTA.pdf"
    assert "data" not in work["documents"][0]
    assert render_subject_pdf(export).startswith(b"%PDF")
    # Another case's lead gets none of it.
    assert build_subject_export(team.other_case.lead)["casework"]["notes"] == []


def test_erasure_deletes_notes_and_files_and_blanks_task_titles(team: Team) -> None:
    fill(team)
    privacy.erase_person(actor=team.supervisor, person=team.case.lead, reason="request")
    assert not CaseNote.objects.exists()
    assert not CaseFile.objects.exists() and not CaseFileContent.objects.exists()
    assert [t.title for t in Task.objects.all()] == [""]


def test_the_access_log_shows_who_read_the_notes_and_documents(team: Team) -> None:
    fill(team)
    row = CaseFile.objects.get()
    services.read_file(actor=team.colleague, row=row)
    services.audit_notes_read(
        actor=team.colleague, case=team.case, notes=list(CaseNote.objects.all())
    )
    log = build_subject_export(team.case.lead)["access_log"]
    reads = {(e["object_type"], e["action"]) for e in log}
    assert {("case_file", "view"), ("case_note", "view"), ("task", "create")} <= reads
