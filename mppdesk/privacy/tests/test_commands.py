from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from django.utils import timezone

from mppdesk.audit.models import AuditEntry
from mppdesk.people.models import Person
from mppdesk.privacy.commands import privacy
from mppdesk.privacy.models import Erasure
from mppdesk.privacy.tests.conftest import close_case, make_family

pytestmark = pytest.mark.django_db


@pytest.fixture
def expired(personas, settings):  # type: ignore[no-untyped-def]
    settings.MPPDESK_RETENTION_DAYS = 30
    family = make_family(personas.org)
    close_case(family.case, timezone.localdate() - dt.timedelta(days=400))
    return family


def run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(privacy, list(args), input=input, catch_exceptions=False)


def test_purge_dry_run_counts_and_writes_nothing(expired):
    result = run("purge", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "2 people on 1 cases are past retention" in result.output
    assert "Dry run: nothing was written." in result.output
    assert not Erasure.objects.exists()


def test_purge_asks_before_erasing(expired):
    result = run("purge", input="n\n")
    assert result.exit_code == 1
    assert not Erasure.objects.exists()
    result = run("purge", input="y\n")
    assert result.exit_code == 0, result.output
    assert "Erased the personal data of 2 people on 1 cases." in result.output
    assert Erasure.objects.count() == 2


def test_purge_yes_skips_the_question(expired):
    result = run("purge", "--yes")
    assert result.exit_code == 0, result.output
    assert Person.objects.get(pk=expired.lead.pk).given_names == "—"
    assert AuditEntry.objects.filter(action="delete", channel="cli").count() >= 2


def test_purge_disabled(expired, settings):
    settings.MPPDESK_RETENTION_DAYS = 0
    result = run("purge", "--yes")
    assert result.exit_code == 0
    assert "Retention is disabled" in result.output
    assert not Erasure.objects.exists()


def test_subject_export_json_to_file(personas, family, tmp_path):
    out = tmp_path / "export.json"
    result = run(
        "subject-export", str(family.lead.pk), "--user", "caseworker", "--format", "json",
        "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    body = json.loads(out.read_text(encoding="utf-8"))
    assert body["person"]["given_names"] == "María José"
    entry = AuditEntry.objects.get(action="export")
    assert (entry.actor, entry.channel) == (personas.caseworker, "cli")


def test_subject_export_pdf(family, tmp_path):
    out = tmp_path / "export.pdf"
    result = run(
        "subject-export", str(family.lead.pk), "--user", "caseworker", "--format", "pdf",
        "--language", "en", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")


def test_subject_export_of_another_organization_is_not_found(family, tmp_path):
    out = tmp_path / "export.json"
    result = CliRunner().invoke(
        privacy,
        ["subject-export", str(family.lead.pk), "--user", "outsider", "--out", str(out)],
    )
    assert result.exit_code == 2
    assert "no person" in result.output
    assert not out.exists()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_subject_export_json_to_stdout(family):
    result = CliRunner().invoke(
        privacy, ["subject-export", str(family.lead.pk), "--user", "caseworker", "--out", "-"]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout_bytes)["person"]["given_names"] == "María José"
