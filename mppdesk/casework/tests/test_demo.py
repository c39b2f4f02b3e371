"""The demo case workers have caseloads, tasks, a note and a document; each demo role's
home shows its work."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from mppdesk.accounts.models import User
from mppdesk.accounts.testing import verified_login
from mppdesk.casework.demo import add_demo_casework
from mppdesk.casework.models import CaseAssignment, CaseFile, CaseNote, Task
from mppdesk.people import demo

pytestmark = pytest.mark.django_db


def test_demo_casework_and_homes(db: Any) -> None:
    demo.load_demo(people=80, households=30, seed=7)
    worker = User.objects.get(username="caseworker.legal")
    assert CaseAssignment.objects.filter(user=worker, role="worker").count() >= 4
    assert Task.objects.filter(assignee=worker, status="open").count() >= 3
    assert CaseNote.objects.filter(author=worker).exists()
    assert CaseFile.objects.filter(uploaded_by=worker, content_type="application/pdf").exists()
    assert add_demo_casework() == 0
    expected = {
        "caseworker.legal": 'id="home-caseload"',
        "caseworker.shelter": 'id="home-tasks"',
        "supervisor.legal": 'id="home-unassigned"',
        "coordinator": 'id="home-dockets"',
        "analyst": 'id="home-stats"',
        "auditor": 'id="home-audit"',
        "admin": 'id="home-team"',
    }
    for username, marker in expected.items():
        client = verified_login(Client(), User.objects.get(username=username))
        response = client.get("/")
        assert response.status_code == 200, username
        assert marker in response.content.decode(), username
    body = verified_login(Client(), worker).get("/").content.decode()
    assert "Devolver la llamada" in body
