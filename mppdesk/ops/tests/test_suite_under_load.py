"""``benchmarks.suite_under_load`` names the failed tests of a run from pytest's report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from benchmarks.suite_under_load import _failures

REPORT = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="mppdesk.lib.tests.test_scheduling_exact" name="test_family[whole]">
<failure message="KeyError: 'improve_whole'">...</failure></testcase>
<testcase classname="mppdesk.lib.tests.test_scheduling_exact" name="test_family[windows]"/>
<testcase classname="mppdesk.ops.tests.test_keepalive" name="test_idle">
<error message="fixture failed">...</error></testcase>
<testcase classname="mppdesk.ops.tests.test_keepalive" name="test_skipped">
<skipped message="no"/></testcase>
</testsuite></testsuites>"""


def test_failures_and_errors_are_named_as_pytest_would_select_them(tmp_path: Path) -> None:
    report = tmp_path / "run.xml"
    report.write_text(REPORT, encoding="utf-8")
    assert _failures(report) == [
        "mppdesk/lib/tests/test_scheduling_exact.py::test_family[whole]",
        "mppdesk/ops/tests/test_keepalive.py::test_idle",
    ]


def test_a_run_that_wrote_no_report_has_no_named_failures(tmp_path: Path) -> None:
    assert _failures(tmp_path / "missing.xml") == []


def test_the_harness_explains_itself() -> None:
    done = subprocess.run(  # noqa: S603 - our own module
        [sys.executable, "-m", "benchmarks.suite_under_load", "--help"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert done.returncode == 0
    assert "--runs" in done.stdout and "--burners" in done.stdout
