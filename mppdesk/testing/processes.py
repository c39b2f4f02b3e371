"""Child processes for the supervisor tests that say when they are ready.

A test that signals a child a fixed time after starting it races the child's start-up:
on a loaded machine a Python child can take longer than that to install its SIGTERM
handler, and then dies of the default action instead of doing what the test checks.
These children write a file once their handler is in place; the test waits for it.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Long enough for any start-up on a loaded machine; a test waiting this long has failed.
READY_TIMEOUT = 60.0


def ready_child(ready: Path, *, on_sigterm: str = "", then: str = "time.sleep(60)") -> list[str]:
    """A Python child that installs ``on_sigterm`` (``"ignore"``, the body of a handler,
    or nothing for the default action), writes ``ready``, then runs ``then``."""
    if on_sigterm == "ignore":
        handler = "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
    elif on_sigterm:
        body = "".join(f"    {line}\n" for line in on_sigterm.splitlines())
        handler = f"def on_term(*_):\n{body}signal.signal(signal.SIGTERM, on_term)\n"
    else:
        handler = ""
    code = f"import signal, sys, time\n{handler}open({str(ready)!r}, 'w').close()\n{then}\n"
    return [sys.executable, "-c", code]


def wait_until(condition: Callable[[], bool], timeout: float = READY_TIMEOUT) -> bool:
    """Poll ``condition`` until it holds (True) or ``timeout`` seconds pass (False)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


class Signaller(threading.Thread):
    """Send ``signum`` to this process (where the supervisor under test runs) once every
    child of ``supervisor`` is started and ``condition`` holds, ``delay`` seconds later.

    Once the children are up the signal is sent in any case, even when the wait times out
    or ``condition`` raises, so that ``supervisor.run()`` does not block for ever;
    ``ready`` then says whether the children were ready, for the test to assert.
    """

    def __init__(
        self,
        supervisor: Any,
        condition: Callable[[], bool] = lambda: True,
        *,
        signum: int = signal.SIGTERM,
        delay: float = 0.0,
    ) -> None:
        super().__init__(daemon=True)
        self.supervisor = supervisor
        self.condition = condition
        self.signum = signum
        self.delay = delay
        self.ready = False

    def _children_up(self) -> bool:
        # The supervisor installs its signal handlers before it starts any child.
        return len(self.supervisor.processes) == len(self.supervisor.commands)

    def run(self) -> None:
        try:
            self.ready = wait_until(lambda: self._children_up() and self.condition())
            time.sleep(self.delay)
        finally:
            # Never signal pytest itself: not before the handlers are in, nor after.
            if self._children_up() and not self.supervisor._stopping:
                os.kill(os.getpid(), self.signum)


def signal_when(
    supervisor: Any, condition: Callable[[], bool] = lambda: True, **kwargs: Any
) -> Signaller:
    """Start a :class:`Signaller` (keyword arguments: ``signum``, ``delay``)."""
    signaller = Signaller(supervisor, condition, **kwargs)
    signaller.start()
    return signaller
