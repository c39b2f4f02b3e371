"""``mppdesk transfers sample-roster``: a synthetic roster big enough for a 400-person
group, which the roster import takes whole and the planner fills for Ciudad Juárez."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from mppdesk.places.models import DetentionFacility, Port
from mppdesk.screening.models import ScreeningFacts
from mppdesk.transfers import services
from mppdesk.transfers.commands import SAMPLE_HEADER, sample_roster_rows, transfers_group
from mppdesk.transfers.roster import import_roster

SAMPLES = Path(__file__).resolve().parents[3] / "docs" / "samples"


def test_rows_have_the_sample_header_families_and_a_few_exempt() -> None:
    rows = sample_roster_rows(600, seed=7, facility="el-paso-service-processing-center")
    assert len(rows) == 600
    with (SAMPLES / "roster_sample.csv").open(encoding="utf-8") as handle:
        assert tuple(next(csv.reader(handle))) == SAMPLE_HEADER
    families = Counter(r["grupo_familiar"] for r in rows if r["grupo_familiar"])
    assert families and all(2 <= n <= 6 for n in families.values())
    assert sum(1 for r in rows if not r["grupo_familiar"]) > 100  # people alone
    unaccompanied = [r for r in rows if r["no_acompanado"] == "sí"]
    assert all(not r["grupo_familiar"] for r in unaccompanied)
    exempt = [
        r
        for r in rows
        if r["no_acompanado"] == "sí"
        or r["nacionalidad"] == "México"
        or r["alertas"]
        or {"médica", "embarazada"} & set(r["vulnerabilidades"].split(", "))
    ]
    assert 5 <= len(exempt) <= 90  # a realistic few
    assert sum(r["pregunta_miedo"] == "sí" for r in rows) > 500
    a_numbers = [r["número A"] for r in rows if r["número A"]]
    assert len(a_numbers) == len(set(a_numbers))
    keys = [(r["nombre"], r["apellidos"], r["fecha_nacimiento"]) for r in rows]
    assert len(keys) == len(set(keys))
    assert rows == sample_roster_rows(600, seed=7, facility="el-paso-service-processing-center")


@pytest.mark.django_db
def test_generated_roster_imports_and_a_400_group_for_juarez_fits(
    personas: Any, tmp_path: Path, tomorrow: dt.date
) -> None:
    out = tmp_path / "roster.csv"
    result = CliRunner().invoke(
        transfers_group, ["sample-roster", "--people", "600", "--out", str(out), "--seed", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "600 people" in result.output
    report = import_roster(out, actor=personas.coordinator, organization=personas.org)
    assert report.ok, (report.errors[:3], report.duplicates[:3])
    assert report.written and report.created_people == 600 and report.detentions == 600
    assert ScreeningFacts.objects.filter(organization=personas.org).count() == 600
    group = services.plan_group(
        actor=personas.coordinator,
        facilities=[DetentionFacility.objects.get(code="el-paso-service-processing-center")],
        port=Port.objects.get(code="el-paso"),
        date=tomorrow,
        target_size=400,
        version="2021",
    )
    summary: dict[str, Any] = group.summary
    assert group.port.mexican_city == "Ciudad Juarez"
    assert 390 <= summary["included"] <= 400, summary
    assert summary["excluded_by_rule"], summary  # the exempt are left out, by rule
    services.approve_group(actor=personas.coordinator, group=group)
