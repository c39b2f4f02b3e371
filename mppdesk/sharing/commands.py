"""``mppdesk referrals``: list referrals and accept, reject or revoke one, as a named user.

Access is checked as on the web: the user must be on the referral's side (else "not
found") and their role must allow the action. The output holds ids, organizations and
statuses, never names: terminal output ends up in logs and scrollback.
Django is set up inside each command, so ``--help`` stays instant.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import click

from mppdesk.accounts.commands import get_user
from mppdesk.core.cli_support import UserError, setup_django

if TYPE_CHECKING:
    from mppdesk.accounts.models import User
    from mppdesk.sharing.models import Referral


@click.group("referrals")
def referrals() -> None:
    """Referrals of people between organizations."""


@contextmanager
def _as_user(username: str) -> Iterator[User]:
    setup_django()
    from mppdesk.core import context

    token = context.bind(context.RequestContext(channel="cli"))
    try:
        yield get_user(username)
    finally:
        context.reset(token)


def _fail(field: str, message: str) -> click.ClickException:
    return UserError(f"{field}: {message}", [f"{field}: {message}"])


@referrals.command("list")
@click.option("--user", "username", required=True, help="The staff member asking.")
@click.option("--direction", type=click.Choice(["incoming", "outgoing"]), default=None)
@click.option(
    "--status", type=click.Choice(["pending", "accepted", "rejected", "revoked"]), default=None
)
def list_command(username: str, direction: str | None, status: str | None) -> None:
    """Referrals made or received by the user's organizations (newest first)."""
    with _as_user(username) as user:
        from mppdesk.sharing import queries

        if direction == "incoming":
            rows = queries.incoming_for(user)
        elif direction == "outgoing":
            rows = queries.outgoing_for(user)
        else:
            rows = queries.referrals_for(user)
        if status:
            rows = rows.filter(status=status)
        for referral in rows.order_by("-created_at", "id"):
            click.echo(
                "\t".join(
                    [
                        str(referral.pk),
                        referral.status,
                        referral.organization.slug,
                        referral.to_organization.slug,
                        referral.purpose,
                        f"person={referral.person_id}",
                        referral.created_at.isoformat(timespec="seconds"),
                    ]
                )
            )


def _act(
    referral_id: str, username: str, verb: str, action: Callable[[User, Referral], None]
) -> None:
    with _as_user(username) as user:
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from mppdesk.core.errors import FieldErrors
        from mppdesk.sharing import queries

        try:
            referral = queries.get_referral(user, referral_id)
            action(user, referral)
        except Http404 as exc:
            raise _fail(
                "referral", f"no referral {referral_id!r} visible to {username!r}."
            ) from exc
        except PermissionDenied as exc:
            raise _fail("referral", f"{username!r} may not {verb} this referral.") from exc
        except FieldErrors as exc:
            field, messages = next(iter(exc.errors.items()))
            raise _fail(field, " ".join(messages)) from exc
        done = {"accept": "accepted", "reject": "rejected", "revoke": "revoked"}[verb]
        click.echo(f"Referral {referral.pk}: {done}.")


@referrals.command("accept")
@click.argument("referral_id")
@click.option("--user", "username", required=True, help="A user of the receiving organization.")
@click.option("--note", default="", help="Optional decision note.")
def accept_command(referral_id: str, username: str, note: str) -> None:
    """Accept a pending referral received."""
    from mppdesk.sharing import services

    def accept(user: User, referral: Referral) -> None:
        services.accept_referral(actor=user, referral=referral, note=note)

    _act(referral_id, username, "accept", accept)


@referrals.command("reject")
@click.argument("referral_id")
@click.option("--user", "username", required=True, help="A user of the receiving organization.")
@click.option("--note", default="", help="Optional decision note.")
def reject_command(referral_id: str, username: str, note: str) -> None:
    """Reject a pending referral received."""
    from mppdesk.sharing import services

    def reject(user: User, referral: Referral) -> None:
        services.reject_referral(actor=user, referral=referral, note=note)

    _act(referral_id, username, "reject", reject)


@referrals.command("revoke")
@click.argument("referral_id")
@click.option("--user", "username", required=True, help="A user of the referring organization.")
def revoke_command(referral_id: str, username: str) -> None:
    """Revoke a pending or accepted referral made by the user's organization."""
    from mppdesk.sharing import services

    def revoke(user: User, referral: Referral) -> None:
        services.revoke_referral(actor=user, referral=referral)

    _act(referral_id, username, "revoke", revoke)


def register_commands(group: click.Group) -> None:
    """Mount ``referrals`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(referrals)
