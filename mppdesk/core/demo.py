"""Runs the demo loaders the apps registered (``core.registry.demo_loaders``).

``people.demo.load_demo`` is the entry point (``mppdesk demo``, ``make run``): it checks
that the demo may load, creates the demo organizations and logins, builds the
``DemoContext`` and calls ``run_demo_loaders`` inside one transaction. Each app adds its
own part from its ``demo.py``, registered in its ``AppConfig.ready()``, so no app has to
know the others' demo data.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mppdesk.core.registry import DemoContext, demo_loaders


def run_demo_loaders(context: DemoContext, *, without: Iterable[str] = ()) -> dict[str, Any]:
    """Run every registered demo loader in order (except those named in ``without``);
    returns ``context.results``, each loader's summary by name."""
    skipped = set(without)
    for loader in demo_loaders:
        if loader.name in skipped:
            continue
        context.results[loader.name] = loader.load(context)
    return context.results
