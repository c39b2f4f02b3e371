"""``benchmarks.common.kill_while_holding``: the fault runs kill a worker *while it holds
work*. Checking and then killing raced the worker (a CI run killed a dispatcher that had
just sent its batch, so nothing was orphaned and the run's check failed); the worker is
now frozen while it is counted."""

from __future__ import annotations

import subprocess
import sys
import time
from functools import partial
from pathlib import Path

import pytest

from benchmarks.common import kill_while_holding

# Flips one byte between "1" (holding) and "0" as fast as it can: a check followed by a
# kill finds it in another state than the one it checked about half of the time.
FLIPPER = """
import os, sys
fd = os.open(sys.argv[1], os.O_WRONLY)
while True:
    os.pwrite(fd, b"1", 0)
    os.pwrite(fd, b"0", 0)
"""


def _read(state: Path) -> int:
    return int(state.read_bytes())


def _start(tmp_path: Path, script: str) -> tuple[subprocess.Popen[bytes], Path]:
    state = tmp_path / "state"
    state.write_bytes(b"0")
    proc = subprocess.Popen([sys.executable, "-c", script, str(state)])
    time.sleep(0.2)  # running its loop
    return proc, state


def test_the_process_dies_in_the_state_it_was_counted_in(tmp_path: Path) -> None:
    for _ in range(30):
        proc, state = _start(tmp_path, FLIPPER)
        try:
            held = kill_while_holding(proc.pid, partial(_read, state), timeout_s=30)
            assert proc.wait(timeout=10) == -9
        finally:
            proc.kill()
            proc.wait()
        assert held == 1
        assert state.read_bytes() == b"1"  # it did not move on between count and kill


def test_a_process_that_holds_nothing_is_left_running(tmp_path: Path) -> None:
    proc, state = _start(tmp_path, "import time\nwhile True: time.sleep(0.01)")
    try:
        assert kill_while_holding(proc.pid, partial(_read, state), timeout_s=0.3) == 0
        assert proc.poll() is None
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        assert fields[0] != "T"  # not left stopped
    finally:
        proc.kill()
        proc.wait()


def test_a_failing_count_lets_the_process_go_on(tmp_path: Path) -> None:
    proc, _state = _start(tmp_path, "import time\nwhile True: time.sleep(0.01)")

    def broken() -> int:
        raise RuntimeError("database gone")

    try:
        with pytest.raises(RuntimeError, match="database gone"):
            kill_while_holding(proc.pid, broken)
        time.sleep(0.05)
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        assert fields[0] != "T"
        assert proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
