"""Padding a response to a fixed minimum duration (``conf.min_response_seconds``).

``clock`` and ``sleep`` are module attributes so that tests replace them instead of
waiting.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from mppdesk.selfservice import conf

clock = time.monotonic
sleep = time.sleep


@contextmanager
def padded() -> Iterator[None]:
    """Run the block, then wait until at least the minimum duration has passed."""
    started = clock()
    try:
        yield
    finally:
        remaining = conf.min_response_seconds() - (clock() - started)
        if remaining > 0:
            sleep(remaining)
