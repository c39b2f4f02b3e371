"""``mppdesk services list`` (the provider directory, for a coordinator to script) and
``mppdesk documents remind`` (expiry reminders: run it once a day, e.g. from cron).

The provider directory holds no personal data; the reminder command prints counts only.
"""

from __future__ import annotations

import json

import click

from mppdesk.core.cli_support import UserError, setup_django


@click.group("services")
def services_group() -> None:
    """Service providers per receiving city."""


@services_group.command("list")
@click.option("--city", default="", help="A receiving city (e.g. 'Ciudad Juarez').")
@click.option("--service", default=None, help="Offering this service (a need kind, e.g. health).")
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
def list_command(city: str, service: str | None, as_json: bool) -> None:
    """List active providers (name, city, services, languages, contact, in MPP Desk)."""
    setup_django()
    from mppdesk.assistance import queries
    from mppdesk.assistance.models import NeedKind, ServiceProvider

    # Checked after setup: the models cannot be imported while the CLI is being built.
    if service and service not in NeedKind.values:
        raise UserError(
            f"service: unknown service {service!r}.",
            [f"service: choose one of: {', '.join(NeedKind.values)}."],
        )

    if city and not ServiceProvider.objects.filter(city=city).exists():
        cities = ", ".join(sorted(set(ServiceProvider.objects.values_list("city", flat=True))))
        raise UserError(f"city: unknown city {city!r}.", [f"city: choose one of: {cities}."])
    rows = queries.providers(city=city, service=service or "")
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": p.pk,
                        "name": p.name,
                        "city": p.city,
                        "services": p.services,
                        "languages": p.languages,
                        "contact": p.contact,
                        "organization": p.organization.slug if p.organization else None,
                        "synthetic": p.synthetic,
                    }  # fmt: skip
                    for p in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    for p in rows:
        org = f" [MPP Desk: {p.organization.slug}]" if p.organization else ""
        click.echo(
            f"{p.id}\t{p.city}\t{p.name}{org}\t{','.join(p.services)}\t{','.join(p.languages)}\t{p.contact}"
        )
    click.echo(f"{len(rows)} provider(s).", err=True)


@click.group("documents")
def documents_group() -> None:
    """People's documents."""


@documents_group.command("remind")
def remind_command() -> None:
    """Queue expiry reminders (person's language) for documents expiring within 30 days."""
    setup_django()
    from mppdesk.assistance.services import send_expiry_reminders
    from mppdesk.core import context

    token = context.bind(context.RequestContext(channel="cli"))
    try:
        count = send_expiry_reminders()
    finally:
        context.reset(token)
    click.echo(f"{count} reminder(s) queued.")


def register_commands(group: click.Group) -> None:
    """Mount ``services`` and ``documents`` on the top-level group (``mppdesk.cli``)."""
    group.add_command(services_group)
    group.add_command(documents_group)
