"""Writes to venues and ports: coordinators (``docket.manage``) keep them right.

Places are program data (no organization owns them); audit entries are filed under the
actor's organization where they hold ``docket.manage``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.people.validation import FieldErrors
from mppdesk.places.models import Port, Venue, validate_timezone

if TYPE_CHECKING:
    from mppdesk.accounts.models import Organization, User

PORT_FIELDS = ("hourly_capacity", "report_place", "report_place_source", "report_lead_minutes")


def _require(actor: User | None) -> Organization | None:
    if actor is None:
        return None
    if not can(actor, Action.DOCKET_MANAGE):
        raise PermissionDenied
    from mppdesk.accounts.models import Organization

    return (
        Organization.objects.filter(pk__in=orgs_where(actor, Action.DOCKET_MANAGE))
        .order_by("pk")
        .first()
    )


def _record(
    actor: User | None, org: Organization | None, kind: str, pk: Any, fields: list[str]
) -> None:
    audit.record(
        actor=actor,
        organization=org,
        action="update",
        object_type=kind,
        object_id=pk,
        fields=fields,
    )


@transaction.atomic
def update_venue(*, actor: User | None, venue: Venue, timezone: str) -> Venue:
    """Set the court's IANA time zone. Hearings already scheduled keep their times."""
    org = _require(actor)
    zone = (timezone or "").strip()
    try:
        validate_timezone(zone)
    except ValidationError as exc:
        raise FieldErrors({"timezone": [_("Unknown IANA time zone.")]}) from exc
    venue = Venue.objects.select_for_update().get(pk=venue.pk)
    if venue.timezone != zone:
        venue.timezone = zone
        venue.save(update_fields=["timezone"])
        _record(actor, org, "venue", venue.pk, ["timezone"])
    return venue


@transaction.atomic
def update_port(*, actor: User | None, port: Port, **changes: Any) -> Port:
    """Change ``hourly_capacity``, ``report_place``, ``report_place_source`` or
    ``report_lead_minutes`` (None: the program default). Hearings already scheduled keep
    what their notices said."""
    org = _require(actor)
    errors: dict[str, list[str]] = {}
    for name in sorted(set(changes) - set(PORT_FIELDS)):
        errors.setdefault(name, []).append(_("This field cannot be changed."))
    clean: dict[str, Any] = {}
    if "hourly_capacity" in changes:
        value = changes["hourly_capacity"]
        if not isinstance(value, int) or value < 1:
            errors.setdefault("hourly_capacity", []).append(_("At least one person per hour."))
        clean["hourly_capacity"] = value
    for name, limit in (("report_place", 200), ("report_place_source", 300)):
        if name in changes:
            text = " ".join(str(changes[name] or "").split())
            if len(text) > limit:
                errors.setdefault(name, []).append(
                    _("At most %(count)s characters.") % {"count": limit}
                )
            clean[name] = text
    if "report_lead_minutes" in changes:
        value = changes["report_lead_minutes"]
        if value is not None and (not isinstance(value, int) or not 0 <= value <= 1440):
            errors.setdefault("report_lead_minutes", []).append(
                _("Between 0 and 1440 minutes, or empty for the default.")
            )
        clean["report_lead_minutes"] = value
    if errors:
        raise FieldErrors(errors)
    port = Port.objects.select_for_update().get(pk=port.pk)
    changed = [name for name, value in clean.items() if getattr(port, name) != value]
    if changed:
        for name in changed:
            setattr(port, name, clean[name])
        port.save(update_fields=changed)
        _record(actor, org, "port", port.pk, changed)
    return port
