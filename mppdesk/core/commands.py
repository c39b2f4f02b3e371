"""``mppdesk keys ...``: encryption keys from the command line.

``register_commands`` mounts this group on the top-level ``mppdesk`` group
(``mppdesk.cli``); ``mppdesk.backup`` adds ``keys export`` and ``keys import`` to it.
Django is set up inside each command, so ``--help`` stays instant.
"""

from __future__ import annotations

import sys

import click

from mppdesk.core.cli_support import setup_django


@click.group("keys")
def keys_group() -> None:
    """Encryption and blind-index keys: generate, rotate, retire."""


@keys_group.command("generate")
@click.option(
    "--index",
    "for_index",
    is_flag=True,
    help="Print an entry for MPPDESK_INDEX_KEY: the next index key version and the key.",
)
def generate(for_index: bool) -> None:
    """Print a new random 256-bit key (base64) to add to MPPDESK_FIELD_KEYS.

    Put it first with a new version number ("3:<new>,2:<old>,..."), restart every
    process, then run `mppdesk keys rotate`; remove the old key only after that.

    With --index, print "<version>:<key>" for the blind-index ring: put it first in
    MPPDESK_INDEX_KEY, followed by the keys already there (a single bare key is version
    1: "2:<new>,1:<old>"), restart every process, then run `mppdesk keys rotate-index`.
    """
    from mppdesk.lib.crypto import generate_key

    if not for_index:
        click.echo(generate_key())
        return
    setup_django()
    from mppdesk.lib.crypto import keyring

    version = max(keyring().index_keys) + 1
    click.echo(f"{version}:{generate_key()}")
    click.echo(
        f'Put it first in MPPDESK_INDEX_KEY: "{version}:<new>,'
        + ",".join(f"{v}:<key {v}>" for v in keyring().index_versions)
        + '"; restart every process, then run `mppdesk keys rotate-index`.',
        err=True,
    )


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
    setup_django()
    from mppdesk.core.keys import rotate_keys
    from mppdesk.lib.crypto import keyring

    def progress(column: str, done: int) -> None:
        click.echo(f"{column}: {done} re-encrypted", err=True)

    result = rotate_keys(batch_size=batch_size, progress=progress)
    click.echo(
        f"{result.total} values re-encrypted; every value is now under key version "
        f"{keyring().current}."
    )


@keys_group.command("rotate-index")
@click.option(
    "--batch-size",
    type=click.IntRange(1, 10_000),
    default=500,
    show_default=True,
    help="Rows (name tokens: people) recomputed per transaction.",
)
def rotate_index_command(batch_size: int) -> None:
    """Recompute every blind index and name token under the current index key version.

    Run it after putting a new version first in MPPDESK_INDEX_KEY (old one kept) and
    restarting every process. Searches keep finding everyone meanwhile; safe to
    interrupt and re-run. Exits with status 1 if rows are left.
    """
    setup_django()
    from mppdesk.core.keys import pending_index_work, rotate_index
    from mppdesk.lib.crypto import keyring

    version = keyring().index_current
    pending = pending_index_work()
    with click.progressbar(
        length=sum(pending.values()),
        label=f"Recomputing blind indexes under index key version {version}",
        file=sys.stderr,
    ) as bar:
        result = rotate_index(batch_size=batch_size, progress=lambda _label, n: bar.update(n))
    for label, count in result.recomputed.items():
        if count:
            click.echo(f"{label}: {count} recomputed")
    click.echo(f"{result.total} recomputed; index key version {version} is current.")
    if result.complete:
        click.echo("Every blind index is under the current version: older versions can be retired.")
        return
    for label, count in result.left.items():
        if count:
            click.echo(f"{label}: {count} left under an older version", err=True)
    for label, pks in result.conflicts.items():
        # Primary keys only: random ids (or numbers), never personal data.
        click.echo(
            f"{label}: the new index of these rows equals another row's (the same value "
            f"twice): {', '.join(str(pk) for pk in pks)}",
            err=True,
        )
    click.echo(
        "Run it again (rows locked meanwhile are taken then); merge duplicates first.", err=True
    )
    sys.exit(1)


@keys_group.command("retire-index")
@click.argument("version", type=click.IntRange(1))
def retire_index(version: int) -> None:
    """Check that no blind index uses index key VERSION, so it can leave the ring.

    Refuses (status 1) while any row still uses it, or if it is the current version.
    Then remove it from MPPDESK_INDEX_KEY (or var/keys.json) and restart every process.
    """
    setup_django()
    from mppdesk.core.keys import index_version_usage
    from mppdesk.lib.crypto import keyring

    ring = keyring()
    if version == ring.index_current:
        raise click.ClickException(
            f"Index key version {version} is the current one: put a new version first "
            "and run `mppdesk keys rotate-index` before retiring it."
        )
    usage = index_version_usage(version)
    if any(usage.values()):
        for label, count in usage.items():
            if count:
                click.echo(f"{label}: {count} under version {version}", err=True)
        raise click.ClickException(
            f"Index key version {version} is still in use: run `mppdesk keys rotate-index`."
        )
    where = "is in the ring" if version in ring.index_keys else "is not in the ring any more"
    click.echo(
        f"No blind index uses index key version {version} (it {where}): remove it from "
        "MPPDESK_INDEX_KEY (or var/keys.json) and restart every process."
    )


def register_commands(group: click.Group) -> None:
    """Mount ``keys`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(keys_group)
