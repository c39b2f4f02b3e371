"""``mppdesk keys ...``: encryption keys from the command line.

The lead registers this group on the top-level ``mppdesk`` group in ``mppdesk/cli.py``
(``cli.add_command(keys_group)``). Django is set up through ``mppdesk.cli`` when run from
the console script; under tests it is already set up.
"""

from __future__ import annotations

import sys

import click


def _setup() -> None:
    cli = sys.modules.get("mppdesk.cli")
    if cli is not None and hasattr(cli, "setup_django"):
        cli.setup_django()


@click.group("keys")
def keys_group() -> None:
    """Field-encryption keys: generate a new one, re-encrypt under the current one."""


@keys_group.command("generate")
def generate() -> None:
    """Print a new random 256-bit key (base64) to add to MPPDESK_FIELD_KEYS.

    Put it first with a new version number ("3:<new>,2:<old>,..."), restart every
    process, then run `mppdesk keys rotate`; remove the old key only after that.
    """
    from mppdesk.lib.crypto import generate_key

    click.echo(generate_key())


@keys_group.command("rotate")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=500,
    show_default=True,
    help="Values re-encrypted per transaction.",
)
def rotate(batch_size: int) -> None:
    """Re-encrypt every value not under the current key. Safe to interrupt and re-run."""
    _setup()
    from mppdesk.core.keys import rotate_keys
    from mppdesk.lib.crypto import keyring

    def progress(column: str, done: int) -> None:
        click.echo(f"{column}: {done} re-encrypted", err=True)

    result = rotate_keys(batch_size=batch_size, progress=progress)
    click.echo(
        f"{result.total} values re-encrypted; every value is now under key version "
        f"{keyring().current}."
    )
