"""``mppdesk purge`` and ``mppdesk subject-export``: retention and subject access.

The group ``privacy`` holds both commands; ``register_commands`` mounts them on the
top-level group (``mppdesk.cli``). Django is set up inside each command, so ``--help``
stays instant.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import BinaryIO

import click

from mppdesk.accounts.commands import get_user
from mppdesk.core.cli_support import UserError, progress_bar, setup_django


@click.group("privacy")
def privacy() -> None:
    """Retention purge and subject-access exports."""


@privacy.command("purge")
@click.option("--dry-run", is_flag=True, help="Count who would be erased; write nothing.")
@click.option("--yes", "-y", "assume_yes", is_flag=True, help="Do not ask for confirmation.")
def purge_command(dry_run: bool, assume_yes: bool) -> None:
    """Erase the personal data of people whose cases were all closed longer ago than
    the retention period (MPPDESK_RETENTION_DAYS, default 1825 days; 0 disables).

    De-identified statistics are kept; see docs/retention.md. Safe to interrupt: each
    person is erased in one transaction and the next run carries on.
    """
    setup_django()
    from mppdesk.core import context
    from mppdesk.privacy import services

    token = context.bind(context.RequestContext(channel="cli"))
    try:
        preview = services.purge(actor=None, dry_run=True)
        if preview.disabled:
            click.echo("Retention is disabled (MPPDESK_RETENTION_DAYS=0): nothing to purge.")
            return
        assert preview.cutoff is not None  # noqa: S101 - not disabled
        click.echo(
            f"Retention: {preview.retention_days} days after case closure "
            f"(cases closed before {preview.cutoff.isoformat()})."
        )
        click.echo(
            f"{preview.people} people on {preview.cases} cases are past retention "
            "and not yet erased."
        )
        if dry_run:
            click.echo("Dry run: nothing was written.")
            return
        if preview.people == 0:
            return
        if not assume_yes:
            click.confirm(
                f"Erase the personal data of {preview.people} people? This cannot be undone",
                abort=True,
            )
        with progress_bar("people", desc="purge") as progress:
            result = services.purge(actor=None, progress=progress)
        click.echo(f"Erased the personal data of {result.people} people on {result.cases} cases.")
    finally:
        context.reset(token)


@privacy.command("subject-export")
@click.argument("person_id")
@click.option(
    "--user", "username", required=True, help="The staff member asking (access is checked)."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "pdf"]),
    default="json",
    show_default=True,
    help="JSON (machine-readable) or PDF (to hand to the person).",
)
@click.option(
    "--language",
    type=click.Choice(["es", "en"]),
    default=None,
    help="Language of the PDF (default: the person's preferred language if available).",
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, writable=True, allow_dash=True, path_type=Path),
    help="File to write ('-' for standard output).",
)
def subject_export_command(
    person_id: str, username: str, fmt: str, language: str | None, out: Path
) -> None:
    """Write everything held about PERSON_ID (subject access) to a file.

    The person must be visible to --user, whose role must allow exports; a person of
    another organization is reported as not found. The export is audited.
    """
    setup_django()
    from django.http import Http404

    from mppdesk.core import context
    from mppdesk.privacy import access, subject_access

    token = context.bind(context.RequestContext(channel="cli"))
    try:
        actor = get_user(username)
        try:
            person = access.person_for_export(actor, person_id)
        except Http404 as exc:
            raise UserError(
                "person: not found", [f"person: no person {person_id!r} visible to {username!r}."]
            ) from exc
        export = subject_access.export_subject_data(actor=actor, person=person, fmt=fmt)
        body = subject_access.export_bytes(export, fmt, language)
    finally:
        context.reset(token)
    if str(out) == "-":
        stdout: BinaryIO = sys.stdout.buffer
        stdout.write(body)
        stdout.flush()
        return
    out.write_bytes(body)
    click.echo(f"Wrote the {fmt.upper()} export ({len(body)} bytes) to {out}.", err=True)


def register_commands(group: click.Group) -> None:
    """Mount ``purge`` and ``subject-export`` on the top-level group (``mppdesk.cli``),
    as the operators' runbook names them (not under ``privacy``)."""
    for command in privacy.commands.values():
        group.add_command(command)
