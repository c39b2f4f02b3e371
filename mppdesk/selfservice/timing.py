"""Padding a response to a fixed minimum duration (``MPPDESK_SELFSERVICE_MIN_RESPONSE_MS``).

``clock`` and ``sleep`` are module attributes so that tests replace them instead of
waiting.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings

clock = time.monotonic
sleep = time.sleep


@contextmanager
def padded() -> Iterator[None]:
    """Run the block, then wait until at least the minimum duration has passed."""
    started = clock()
    try:
        yield
    finally:
        remaining = settings.MPPDESK_SELFSERVICE_MIN_RESPONSE_MS / 1000 - (clock() - started)
        if remaining > 0:
            sleep(remaining)
