"""The supervisors of ``mppdesk run``: the local one, and the production one that
restarts every child on its own, with backoff.

``Supervisor`` (the local layout) stops everything when one child dies, which is what
a developer wants to see. In production a crashed dispatcher must not take the web
server down: the child that exited is started again after ``backoff_base * 2**n``
seconds (at most ``backoff_cap``), ``n`` counting its crashes since it last ran for
``stable_after`` seconds. SIGTERM or SIGINT stops the supervisor: each child's process
group gets SIGTERM (gunicorn finishes its requests, workers their task, dispatchers
their batch and leases), and what is still alive after ``grace`` seconds gets SIGKILL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import FrameType

import click


class Supervisor:
    """Run child processes until a signal or until one of them exits.

    Each child gets its own process group, so a Ctrl-C in the terminal reaches only
    the supervisor, which then sends every child one SIGTERM: a worker that received
    both the terminal's SIGINT and a SIGTERM would abandon the task it is running.
    Children still alive after ``grace`` seconds (or after a second Ctrl-C) are killed.
    """

    def __init__(
        self,
        commands: Sequence[tuple[str, Sequence[str]]],
        *,
        env: dict[str, str] | None = None,
        grace: float = 15.0,
        poll_interval: float = 0.2,
        echo: Callable[[str], None] | None = None,
    ) -> None:
        self.commands = [(name, list(argv)) for name, argv in commands]
        self.env = env
        self.grace = grace
        self.poll_interval = poll_interval
        self.echo = echo or (lambda message: click.echo(message, err=True))
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.stop_signal: int | None = None
        self._stopping = False
        self._force = False

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self._stopping:
            self._force = True
        self.stop_signal = signum

    def start(self) -> None:
        for name, argv in self.commands:
            self.processes[name] = subprocess.Popen(argv, env=self.env, process_group=0)  # noqa: S603

    @staticmethod
    def _signal_group(process: subprocess.Popen[bytes], signum: int) -> bool:
        """Signal the child's whole process group (gunicorn's workers too); False if empty."""
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return False
        except PermissionError:  # a group member we cannot signal; it is still there
            return True
        return True

    def stop(self) -> None:
        """SIGTERM every child's group, wait up to ``grace`` seconds, then SIGKILL it."""
        self._stopping = True
        for process in self.processes.values():
            self._signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while (
            any(p.poll() is None for p in self.processes.values())
            and time.monotonic() < deadline
            and not self._force
        ):
            time.sleep(min(self.poll_interval, 0.05))
        for name, process in self.processes.items():
            if process.poll() is None:
                self.echo(f"{name} did not stop in time; killing it.")
            # Also reaches what a dead leader left behind (orphaned gunicorn workers).
            self._signal_group(process, signal.SIGKILL)
            process.wait()

    def run(self) -> int:
        """Start the children and block; return 0 after a signal, non-zero if a child died."""
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in handled}
        try:
            self.start()
            while self.stop_signal is None:
                for name, process in self.processes.items():
                    code = process.poll()
                    if code is not None:
                        self.echo(f"{name} exited with status {code}; stopping the others.")
                        self.stop()
                        # A child killed by a signal reports -N; say 128+N as shells do.
                        return code if code > 0 else (128 - code if code < 0 else 1)
                time.sleep(self.poll_interval)
            self.echo(f"Received {signal.Signals(self.stop_signal).name}; stopping...")
            self.stop()
            self.echo("Stopped.")
            return 0
        finally:
            if not self._stopping:
                self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


@dataclass
class ChildState:
    crashes: int = 0  # consecutive short-lived runs
    started_at: float = 0.0
    restart_at: float | None = None  # when a dead child is due to start again
    restarts: int = 0


class RestartingSupervisor(Supervisor):
    def __init__(
        self,
        commands: Sequence[tuple[str, Sequence[str]]],
        *,
        env: dict[str, str] | None = None,
        grace: float = 30.0,
        poll_interval: float = 0.2,
        backoff_base: float = 1.0,
        backoff_cap: float = 60.0,
        stable_after: float = 60.0,
        echo: Callable[[str], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(commands, env=env, grace=grace, poll_interval=poll_interval, echo=echo)
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.stable_after = stable_after
        self.clock = clock
        self.state = {name: ChildState() for name, _argv in self.commands}
        self.argv = dict(self.commands)

    def backoff(self, crashes: int) -> float:
        """Seconds before the restart that follows the ``crashes``-th quick exit (1, 2...)."""
        return float(min(self.backoff_cap, self.backoff_base * 2 ** max(0, crashes - 1)))

    def _spawn(self, name: str) -> None:
        self.processes[name] = subprocess.Popen(  # noqa: S603
            self.argv[name], env=self.env, process_group=0
        )
        state = self.state[name]
        state.started_at = self.clock()
        state.restart_at = None

    def start(self) -> None:
        for name in self.argv:
            self._spawn(name)

    def _check_children(self) -> None:
        now = self.clock()
        for name, process in list(self.processes.items()):
            state = self.state[name]
            if state.restart_at is not None:
                if now >= state.restart_at:
                    state.restarts += 1
                    self.echo(f"{name}: restarting (restart {state.restarts}).")
                    self._spawn(name)
                continue
            code = process.poll()
            if code is None:
                continue
            # Reap what the dead leader left behind (gunicorn's workers) before restarting.
            self._signal_group(process, signal.SIGKILL)
            ran = now - state.started_at
            state.crashes = 1 if ran >= self.stable_after else state.crashes + 1
            delay = self.backoff(state.crashes)
            state.restart_at = now + delay
            self.echo(
                f"{name} exited with status {code} after {ran:.1f} s; restart in {delay:g} s."
            )

    def run(self) -> int:
        """Start the children and keep them running until SIGTERM or SIGINT; return 0."""
        handled = (signal.SIGINT, signal.SIGTERM)
        previous = {sig: signal.signal(sig, self._on_signal) for sig in handled}
        try:
            self.start()
            while self.stop_signal is None:
                self._check_children()
                time.sleep(self.poll_interval)
            self.echo(f"Received {signal.Signals(self.stop_signal).name}; stopping...")
            self.stop()
            self.echo("Stopped.")
            return 0
        finally:
            if not self._stopping:
                self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
