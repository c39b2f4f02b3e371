"""``mppdesk services list`` and ``mppdesk documents remind``."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from click.testing import CliRunner
from django.utils import timezone

from mppdesk.assistance import services
from mppdesk.assistance.tests.conftest import Family
from mppdesk.cli import cli

pytestmark = pytest.mark.django_db


def test_services_list_filters_by_city_and_service(db: Any) -> None:
    result = CliRunner().invoke(
        cli, ["services", "list", "--city", "Tijuana", "--service", "school", "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and all(r["city"] == "Tijuana" and "school" in r["services"] for r in rows)
    table = CliRunner().invoke(cli, ["services", "list"])
    assert table.exit_code == 0 and "Matamoros" in table.stdout


def test_services_list_names_a_bad_city(db: Any) -> None:
    result = CliRunner().invoke(cli, ["services", "list", "--city", "Atlantis"])
    assert result.exit_code == 2
    assert "city:" in result.output


def test_documents_remind_queues_once(family: Family, personas: Any) -> None:
    services.add_document(
        actor=personas.outsider, person=family.father, kind="tvrh", status="issued",
        expires_on=timezone.localdate() + dt.timedelta(days=5),
    )  # fmt: skip
    first = CliRunner().invoke(cli, ["documents", "remind"])
    assert first.exit_code == 0 and "1 reminder(s) queued." in first.output
    again = CliRunner().invoke(cli, ["documents", "remind"])
    assert "0 reminder(s) queued." in again.output
