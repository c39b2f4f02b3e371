"""``mppdesk backup``, ``mppdesk restore``, ``mppdesk keys export`` / ``keys import``.

Passphrases are never command-line arguments (``ps`` would show them): a key file
(``--key-file``), ``MPPDESK_BACKUP_PASSPHRASE``, ``--passphrase-file`` or the terminal.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from mppdesk.backup.archive import ArchiveError, Secret, read_key_file
from mppdesk.core.cli_support import setup_django
from mppdesk.core.commands import keys_group

PASSPHRASE_ENV = "MPPDESK_BACKUP_PASSPHRASE"  # noqa: S105 - a variable name


def _passphrase(passphrase_file: Path | None, *, confirm: bool, env: str = PASSPHRASE_ENV) -> str:
    if passphrase_file is not None:
        return passphrase_file.read_text(encoding="utf-8").rstrip("\r\n")
    if os.environ.get(env):
        return os.environ[env]
    if sys.stdin.isatty():
        return str(click.prompt("Passphrase", hide_input=True, confirmation_prompt=confirm))
    raise click.UsageError(
        f"no passphrase: give --key-file, --passphrase-file, or set {env}", ctx=None
    )


def _secret(key_file: Path | None, passphrase_file: Path | None, *, confirm: bool) -> Secret:
    try:
        if key_file is not None:
            return Secret(key=read_key_file(key_file))
        return Secret(passphrase=_passphrase(passphrase_file, confirm=confirm))
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc


_key_file = click.option(
    "--key-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file holding a 32-byte base64 key (`mppdesk keys generate > FILE`).",
)
_passphrase_file = click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=f"Read the passphrase from this file (or set {PASSPHRASE_ENV}).",
)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MiB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KiB"


@click.command("backup", short_help="Write an encrypted backup of the database.")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@_key_file
@_passphrase_file
def backup_command(out: Path, key_file: Path | None, passphrase_file: Path | None) -> None:
    """Write an encrypted archive of the database to OUT (a new file, mode 0600).

    PostgreSQL: pg_dump custom format; SQLite: the online backup API (the application
    may keep running). AES-256-GCM with a key file or a passphrase. The archive never
    holds the field keys: back them up apart with `mppdesk keys export`.
    """
    secret = _secret(key_file, passphrase_file, confirm=True)
    setup_django()
    from mppdesk.backup.engines import backup

    try:
        result = backup(out, secret)
    except (ArchiveError, FileExistsError) as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(result.tables.values())
    click.echo(
        f"Backed up {len(result.tables)} tables ({rows} rows, {result.engine}) to {out}: "
        f"{_size(result.archive_bytes)} in {result.seconds:.1f} s."
    )


@click.command("restore", short_help="Restore an encrypted backup into an empty database.")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@_key_file
@_passphrase_file
def restore_command(archive: Path, key_file: Path | None, passphrase_file: Path | None) -> None:
    """Restore ARCHIVE into the database DATABASE_URL names, which must be empty.

    All or nothing. Then checks that this installation's field keys read the data
    (import them first with `mppdesk keys import`) and verifies the audit chain; exit
    status 1 if either fails.
    """
    secret = _secret(key_file, passphrase_file, confirm=False)
    setup_django()
    from mppdesk.backup.checks import check_restored
    from mppdesk.backup.engines import RestoreRefused, restore

    try:
        result = restore(archive, secret)
    except RestoreRefused as exc:
        raise click.ClickException(f"refused: {exc}") from exc
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(result.tables.values())
    click.echo(
        f"Restored {len(result.tables)} tables ({rows} rows) into the {result.engine} "
        f"database in {result.seconds:.1f} s."
    )
    check = check_restored()
    ok = check.audit_ok and check.readable is not False
    if check.readable is False:
        click.echo(
            "The restored data does not decrypt with this installation's field keys: "
            "import the keys of the backed-up installation (`mppdesk keys import FILE`).",
            err=True,
        )
    click.echo(f"Audit chain: {check.audit_message}", err=not check.audit_ok)
    if not ok:
        sys.exit(1)


@click.command("export")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the passphrase from this file (or set MPPDESK_KEYS_PASSPHRASE).",
)
def keys_export(out: Path, passphrase_file: Path | None) -> None:
    """Write the field keys, index keys and SECRET_KEY to OUT, protected by a passphrase.

    Keep it apart from the database backups: an archive and its keys together are the
    data in clear."""
    try:
        passphrase = _passphrase(passphrase_file, confirm=True, env="MPPDESK_KEYS_PASSPHRASE")
        Secret(passphrase=passphrase)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    setup_django()
    from mppdesk.backup.keyfile import export_keys

    try:
        export_keys(out, passphrase)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote the keys to {out} (mode 0600). Store it apart from the backups.")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--passphrase-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read the passphrase from this file (or set MPPDESK_KEYS_PASSPHRASE).",
)
@click.option(
    "--var-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write keys.json and secret_key (default: MPPDESK_VAR_DIR or ./var).",
)
@click.option(
    "--print-env",
    is_flag=True,
    help="Print MPPDESK_FIELD_KEYS=, MPPDESK_INDEX_KEY=, SECRET_KEY= lines instead (for "
    "a production secret store); writes nothing.",
)
@click.option("--force", is_flag=True, help="Replace other keys (kept as *.replaced).")
def keys_import(
    file: Path, passphrase_file: Path | None, var_dir: Path | None, print_env: bool, force: bool
) -> None:
    """Install the keys of an exported FILE, before restoring that installation's backup.

    Works without a database and without loading the settings (which would generate new
    local keys)."""
    from mppdesk.backup.keyfile import install_keys, read_keys

    try:
        passphrase = _passphrase(passphrase_file, confirm=False, env="MPPDESK_KEYS_PASSPHRASE")
        keys = read_keys(file, passphrase)
        if print_env:
            click.echo(f"MPPDESK_FIELD_KEYS={keys['field_keys']}")
            click.echo(f"MPPDESK_INDEX_KEY={keys['index_key']}")
            click.echo(f"SECRET_KEY={keys['secret_key']}")
            return
        target = var_dir or Path(os.environ.get("MPPDESK_VAR_DIR") or "var")
        written = install_keys(keys, target.resolve(), force=force)
    except ArchiveError as exc:
        raise click.ClickException(str(exc)) from exc
    if written:
        click.echo("Wrote " + ", ".join(str(p) for p in written) + " (mode 0600).")
    else:
        click.echo(f"The keys in {target} are these already; nothing to do.")


def register_commands(group: click.Group) -> None:
    """Mount ``backup`` and ``restore`` on the top-level group (``mppdesk.cli``), and
    ``export`` and ``import`` under ``keys``: the keys are backed up apart."""
    group.add_command(backup_command)
    group.add_command(restore_command)
    keys_group.add_command(keys_export)
    keys_group.add_command(keys_import)
