from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mppdesk.cli import cli
from mppdesk.transfers.models import GroupStatus, TransferGroup

pytestmark = pytest.mark.django_db
SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def _run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["transfers", *args])


def test_roster_plan_approve_manifest_from_the_command_line(
    personas: Any, tmp_path: Path, tomorrow: dt.date
) -> None:
    broken = _run("import-roster", str(SAMPLES / "roster_broken.csv"), "--user", "coordinator")
    assert broken.exit_code == 1
    dry = _run(
        "import-roster", str(SAMPLES / "roster_sample.csv"), "--user", "coordinator", "--dry-run"
    )
    assert dry.exit_code == 0, dry.output
    assert "would create 10 people" in dry.output
    result = _run("import-roster", str(SAMPLES / "roster_sample.csv"), "--user", "coordinator")
    assert result.exit_code == 0, result.output
    result = _run(
        "plan", "--user", "coordinator", "--facility", "el-paso-service-processing-center",
        "--port", "el-paso", "--date", tomorrow.isoformat(), "--size", "400",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    group = TransferGroup.objects.get()
    assert str(group.pk) in result.output and "excluded:" in result.output
    # Castillo (3) and Gutiérrez (1) are amenable; the others are exempt or in review.
    assert group.summary["included"] == 4
    assert _run("approve", str(group.pk), "--user", "coordinator").exit_code == 0
    group.refresh_from_db()
    assert group.status == GroupStatus.APPROVED
    out = _run("manifest", str(group.pk), "--user", "coordinator", "--out", str(tmp_path))
    assert out.exit_code == 0, out.output
    path = Path(out.output.strip())
    assert path.name.startswith(f"manifest-{tomorrow.isoformat()}-")
    assert len(path.read_text(encoding="utf-8-sig").splitlines()) == 5
    listing = _run("list", "--user", "coordinator")
    assert "approved" in listing.output
    denied = _run("approve", str(group.pk), "--user", "caseworker")
    assert denied.exit_code == 2
