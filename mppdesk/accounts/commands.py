"""``mppdesk org``, ``mppdesk user`` and ``mppdesk token``, and the look-ups of a user or
an organization named on the command line that the other apps' commands share.

Django is set up inside each command, so ``--help`` stays instant; the models are
imported there too.
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import click

from mppdesk.core.cli_support import UserError, setup_django

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

ROLES_HELP = "caseworker, supervisor, attorney, coordinator, analyst, auditor or admin"
KINDS_HELP = "coordinator, legal_services, shelter, court, receiving_authority or monitor"


def get_org(slug: str) -> Organization:
    """The organization with the short name ``slug``, or a ``UserError`` (exit status 2)."""
    from mppdesk.accounts.models import Organization

    org = Organization.objects.filter(slug=slug).first()
    if org is None:
        raise UserError(
            f"org: no organization with the short name {slug!r}.",
            [f"org: no organization {slug!r}."],
        )
    return org


def get_user(username: str) -> User:
    """The user called ``username``, or a ``UserError`` (exit status 2)."""
    from mppdesk.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise UserError(f"user: no user {username!r}.", [f"user: no user {username!r}."])
    return user


@click.group()
def org() -> None:
    """Manage organizations."""


@org.command("create")
@click.argument("name")
@click.option("--kind", required=True, help=f"One of: {KINDS_HELP}.")
@click.option("--slug", default="", help="Short name (default: derived from NAME).")
def org_create(name: str, kind: str, slug: str) -> None:
    """Create an organization called NAME."""
    setup_django()
    from mppdesk.accounts import services

    organization = services.create_organization(actor=None, name=name, kind=kind, slug=slug)
    click.echo(f"Created organization {organization.name} (short name: {organization.slug}).")


@click.group()
def user() -> None:
    """Manage staff accounts."""


def _read_password(password_stdin: bool) -> str:
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if sys.stdin.isatty():
        return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
    raise UserError(
        "password: no terminal",
        ["password: no terminal to ask on; pipe it in with --password-stdin."],
    )


@user.command("create")
@click.argument("username")
@click.option("--org", "org_slug", required=True, help="Short name of the user's organization.")
@click.option("--role", required=True, help=f"One of: {ROLES_HELP}.")
@click.option("--email", default="", help="E-mail address.")
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@click.option("--superuser", is_flag=True, help="Also give access to /admin with every permission.")
def user_create(
    username: str, org_slug: str, role: str, email: str, password_stdin: bool, superuser: bool
) -> None:
    """Create a staff account USERNAME in an organization.

    The password is asked twice on a terminal, or read from stdin with
    --password-stdin; it is never taken as an argument (that would show in `ps`).
    """
    setup_django()
    from mppdesk.accounts import services

    organization = get_org(org_slug)
    password = _read_password(password_stdin)
    account = services.create_user(
        actor=None,
        username=username,
        password=password,
        organization=organization,
        role=role,
        email=email,
        is_staff=superuser,
        is_superuser=superuser,
    )
    click.echo(f"Created user {account.username} ({role} at {organization.slug}).")


@click.group()
def token() -> None:
    """Manage API tokens."""


@token.command("create")
@click.option("--user", "username", required=True, help="The user the token acts as.")
@click.option(
    "--org", "org_slug", help="Organization the token is scoped to (default: the user's first)."
)
@click.option(
    "--name", default="CLI token", show_default=True, help="A label to recognize the token by."
)
@click.option(
    "--days",
    default=90,
    show_default=True,
    type=click.IntRange(1, 3650),
    help="Days until it expires.",
)
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    type=click.Choice(["read", "write", "import"]),
    help="What the token may do; repeat the option. Default: all.",
)
def token_create(
    username: str, org_slug: str | None, name: str, days: int, scopes: tuple[str, ...]
) -> None:
    """Create an API token and print its secret once (on stdout; the rest goes to stderr)."""
    setup_django()
    from django.utils import timezone

    from mppdesk.accounts import services

    account = get_user(username)
    organization = get_org(org_slug) if org_slug else None
    api_token, secret = services.create_api_token(
        actor=None,
        user=account,
        name=name,
        organization=organization,
        expires_at=timezone.now() + dt.timedelta(days=days),
        scopes=list(scopes) or None,
    )
    expires = (
        api_token.expires_at.isoformat(timespec="minutes") if api_token.expires_at else "never"
    )
    click.echo(
        f"Token {api_token.key_prefix} for {account.username} at {api_token.organization.slug}, "
        f"scopes {', '.join(api_token.scopes)}, expires {expires}. Store the secret now; it cannot be shown again:",
        err=True,
    )
    click.echo(secret)
    click.echo(f"Revoke it with: mppdesk token revoke {api_token.key_prefix}", err=True)


@token.command("revoke")
@click.argument("prefix")
def token_revoke(prefix: str) -> None:
    """Revoke the API token whose secret starts with PREFIX (as printed at creation)."""
    setup_django()
    from mppdesk.accounts import services
    from mppdesk.accounts.models import ApiToken

    matches = list(
        ApiToken.objects.select_related("organization").filter(key_prefix=prefix.strip())
    )
    if not matches:
        raise UserError("prefix: no token", [f"prefix: no token starts with {prefix!r}."])
    if len(matches) > 1:
        raise UserError(
            "prefix: ambiguous", [f"prefix: {len(matches)} tokens start with {prefix!r}."]
        )
    api_token = matches[0]
    already = api_token.revoked_at is not None
    services.revoke_api_token(actor=None, token=api_token)
    click.echo(f"Token {api_token.key_prefix} {'was already' if already else 'is now'} revoked.")


def register_commands(group: click.Group) -> None:
    """Mount ``org``, ``user`` and ``token`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(org)
    group.add_command(user)
    group.add_command(token)
