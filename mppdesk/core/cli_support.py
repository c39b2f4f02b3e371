"""What every command of the ``mppdesk`` command line needs, wherever it lives.

The commands of an app (``<app>/commands.py``) and the command line itself
(``mppdesk.cli``) both use these: Django set up lazily, the terminal's language, input
mistakes shown as ``field: message`` with exit status 2, and a progress bar on stderr.
They live below the domain apps so that an app's commands never import the command
line that mounts them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import IO, Any

import click

USER_ERROR_EXIT = 2


def cli_language(environ: Mapping[str, str]) -> str:
    """Spanish when the terminal's locale is Spanish, else English.

    The first of ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` that is set
    decides, in gettext's order of precedence (``es_MX.UTF-8``, ``es``, ``es:en``).
    """
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            return "es" if value.lower().startswith("es") else "en"
    return "en"


def setup_django() -> None:
    """Configure Django once (a no-op when already set up: tests, nested calls) and
    activate the terminal's language for the messages the services raise."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mppdesk.settings")
    from django.apps import apps

    if not apps.ready:
        import django

        django.setup()
    # No request and no LocaleMiddleware here: without this, messages would be in
    # whatever language happens to be active (LANGUAGE_CODE, Spanish).
    from django.utils import translation

    translation.activate(cli_language(os.environ))


class UserError(click.ClickException):
    """A mistake in the input: shown without a traceback, exit status 2."""

    exit_code = USER_ERROR_EXIT

    def __init__(self, message: str, lines: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.lines = list(lines)

    def show(self, file: IO[Any] | None = None) -> None:
        if self.lines:
            for line in self.lines:
                click.echo(line, err=True)
        else:
            click.echo(f"Error: {self.format_message()}", err=True)


@contextmanager
def progress_bar(unit: str, *, desc: str = "") -> Iterator[Callable[[int, int], None]]:
    """A ``progress(done, total)`` callback drawing a tqdm bar on stderr (only on a terminal)."""
    from tqdm import tqdm

    bar: Any = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(
                total=total, unit=unit, desc=desc, disable=None, leave=False, file=sys.stderr
            )
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
