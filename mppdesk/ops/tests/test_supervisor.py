"""The production supervisor: a crashed child is restarted on its own with backoff, the
others keep running; SIGTERM is forwarded, waited for, then SIGKILL. Real (tiny)
child processes; the backoff arithmetic with an injected clock."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from mppdesk.ops.supervisor import RestartingSupervisor
from mppdesk.testing.processes import ready_child, signal_when

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]


def _counting_crasher(log: Path) -> list[str]:
    """A child that notes the time of each start in ``log``, then dies at once with status 3."""
    # CLOCK_MONOTONIC is one clock for every process on Linux, and never steps.
    code = (
        f"import time; open({str(log)!r}, 'a').write(f'{{time.monotonic()}}\\n'); "
        "raise SystemExit(3)"
    )
    return [sys.executable, "-c", code]


def _starts(log: Path) -> list[float]:
    return [float(line) for line in log.read_text().split()] if log.exists() else []


def test_a_crashing_child_is_restarted_with_growing_delays_and_the_others_keep_running(
    tmp_path,
):
    log = tmp_path / "starts"
    messages: list[str] = []
    supervisor = RestartingSupervisor(
        [("web", SLEEPER), ("dispatch-1", _counting_crasher(log))],
        grace=30,
        poll_interval=0.02,
        backoff_base=0.1,
        backoff_cap=0.4,
        stable_after=30,
        echo=messages.append,
    )
    web_pid: list[int] = []

    def remember_web() -> None:
        while "web" not in supervisor.processes:
            time.sleep(0.01)
        web_pid.append(supervisor.processes["web"].pid)

    threading.Thread(target=remember_web, daemon=True).start()
    thread = signal_when(supervisor, lambda: len(_starts(log)) >= 5)
    assert supervisor.run() == 0
    thread.join()
    assert thread.ready, "fewer than five starts in 60 s"
    starts = _starts(log)
    delays = [
        float(m.split("restart in ")[1].split(" s")[0]) for m in messages if "restart in" in m
    ]
    assert delays[:4] == [0.1, 0.2, 0.4, 0.4]
    # Each restart waited its delay: the gap between two starts is at least the delay
    # announced between them (plus the child's start-up), however slow the machine is.
    gaps = [later - earlier for earlier, later in zip(starts, starts[1:], strict=False)]
    assert len(delays) >= len(gaps)  # every restart announced its delay
    assert all(gap >= delay for gap, delay in zip(gaps, delays, strict=False)), (gaps, delays)
    assert all("status 3" in m for m in messages if "restart in" in m)
    # The web server was never touched: one process, the first, stopped by the SIGTERM.
    assert supervisor.processes["web"].pid == web_pid[0]
    assert supervisor.processes["web"].returncode == -signal.SIGTERM
    assert supervisor.state["web"].restarts == 0
    assert supervisor.state["dispatch-1"].restarts >= 4


def test_sigterm_is_forwarded_and_children_finish_gracefully(tmp_path):
    done = tmp_path / "done"
    ready = tmp_path / "ready"
    graceful = ready_child(
        ready,
        on_sigterm=(
            "time.sleep(0.3)  # finishing the message in hand\n"
            f"open({str(done)!r}, 'w').write('finished')\n"
            "sys.exit(0)"
        ),
    )
    supervisor = RestartingSupervisor(
        [("worker-1", graceful), ("web", SLEEPER)], grace=30, poll_interval=0.02, echo=print
    )
    thread = signal_when(supervisor, ready.exists)
    started = time.monotonic()
    assert supervisor.run() == 0
    thread.join()
    assert thread.ready
    assert done.read_text() == "finished"
    assert supervisor.processes["worker-1"].returncode == 0
    # Stopped when the children had finished, not at the end of the 30 s grace (nor of the
    # sleeper's 60 s).
    assert time.monotonic() - started < 30
    assert signal.getsignal(signal.SIGTERM) is not supervisor._on_signal  # restored


def test_a_child_ignoring_sigterm_is_killed_after_the_grace_period(tmp_path):
    ready = tmp_path / "ready"
    messages: list[str] = []
    supervisor = RestartingSupervisor(
        [("web", ready_child(ready, on_sigterm="ignore"))],
        grace=0.5,
        poll_interval=0.02,
        echo=messages.append,
    )
    thread = signal_when(supervisor, ready.exists)
    assert supervisor.run() == 0
    thread.join()
    assert thread.ready
    assert supervisor.processes["web"].returncode == -signal.SIGKILL
    assert any("did not stop in time" in m for m in messages)


class _FakeProcess:
    def __init__(self, code: int | None) -> None:
        self.code = code
        self.pid = 2**22 + 12345  # no such process group: signalling it is a no-op

    def poll(self) -> int | None:
        return self.code


@pytest.mark.parametrize(
    ("crashes", "expected"), [(1, 1.0), (2, 2.0), (3, 4.0), (6, 32.0), (7, 60.0), (50, 60.0)]
)
def test_backoff_doubles_up_to_the_cap(crashes, expected):
    supervisor = RestartingSupervisor([("web", SLEEPER)], backoff_base=1, backoff_cap=60)
    assert supervisor.backoff(crashes) == expected


def test_a_child_that_ran_long_enough_starts_again_from_the_shortest_delay(monkeypatch):
    now = [1000.0]
    spawned: list[str] = []
    supervisor = RestartingSupervisor(
        [("dispatch-1", SLEEPER)],
        backoff_base=1,
        backoff_cap=60,
        stable_after=60,
        clock=lambda: now[0],
        echo=lambda m: None,
    )

    def spawn(name: str) -> None:
        spawned.append(name)
        supervisor.processes[name] = _FakeProcess(None)  # type: ignore[assignment]
        supervisor.state[name].started_at = now[0]
        supervisor.state[name].restart_at = None

    monkeypatch.setattr(supervisor, "_spawn", spawn)
    supervisor.start()
    state = supervisor.state["dispatch-1"]
    for expected_delay in (1, 2, 4):  # quick crashes: the delay doubles
        now[0] += 5
        supervisor.processes["dispatch-1"] = _FakeProcess(1)  # type: ignore[assignment]
        supervisor._check_children()
        assert state.restart_at == now[0] + expected_delay
        now[0] = state.restart_at - 0.01
        supervisor._check_children()
        assert len(spawned) == 1 + state.restarts  # not yet
        now[0] += 0.01
        supervisor._check_children()
    assert state.restarts == 3
    # Up for two minutes, then a crash: back to the first delay.
    now[0] += 120
    supervisor.processes["dispatch-1"] = _FakeProcess(1)  # type: ignore[assignment]
    supervisor._check_children()
    assert state.crashes == 1 and state.restart_at == now[0] + 1
