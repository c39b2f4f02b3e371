"""The ``mppdesk`` command line (console script ``mppdesk.cli:main``; also
``python -m mppdesk``).

``app`` holds the top-level group, the commands of the command line itself (``run``,
``serve``, ``worker``, ``demo``, ``import people``) and the mounting of every app's
commands (``<app>/commands.py``, each with a ``register_commands(group)``). What those
commands share (``UserError``, ``setup_django``, the terminal's language, the progress
bar) is in ``mppdesk.core.cli_support``, below the apps, so no app imports this package.
"""

from mppdesk.cli.app import cli, main

__all__ = ["cli", "main"]
