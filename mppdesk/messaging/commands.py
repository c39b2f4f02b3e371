"""``mppdesk dispatch``: the outbox dispatcher (``mppdesk run`` starts one beside the
worker). Several can run side by side, on one machine or many."""

from __future__ import annotations

import os
import signal
import socket
import threading
from typing import Any

import click

from mppdesk.core.cli_support import setup_django


@click.command("dispatch", short_help="Send the messages of the outbox.")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option("--threads", type=click.IntRange(1, 64), default=None, help="Sending threads.")
@click.option("--batch", type=click.IntRange(1, 5000), default=None, help="Messages per claim.")
@click.option(
    "--interval", default=1.0, show_default=True, type=click.FloatRange(0.05), help="Idle poll."
)
def dispatch_command(once: bool, threads: int | None, batch: int | None, interval: float) -> None:
    """Claim due messages, send them through their providers, record the outcome.

    SIGTERM or Ctrl-C finishes the batch in hand, then exits."""
    setup_django()
    from mppdesk.core import context
    from mppdesk.messaging.dispatch import drain, run_dispatcher

    context.bind(context.RequestContext(channel="worker"))
    worker_id = f"{socket.gethostname()[:32]}-{os.getpid()}"
    if once:
        click.echo(f"{drain(worker_id)} messages dispatched.")
        return
    stop = threading.Event()

    def _stop(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    # click.echo flushes: a supervisor or a benchmark reading the output knows it is up.
    click.echo(f"Dispatcher {worker_id} started.")
    total = run_dispatcher(
        worker_id, stop=stop, batch=batch, threads=threads, poll_seconds=interval
    )
    click.echo(f"Dispatcher stopped after {total} messages.")


def register_commands(group: click.Group) -> None:
    """Mount ``dispatch`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(dispatch_command)
