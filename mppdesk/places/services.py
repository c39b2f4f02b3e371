"""Writes to venues and ports: coordinators (``docket.manage``) keep them right.

Places are program data (no organization owns them); audit entries are filed under the
actor's organization where they hold ``docket.manage``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can, orgs_where
from mppdesk.audit import services as audit
from mppdesk.core.audit_vocabulary import AuditAction, ObjectType
from mppdesk.core.clocks import utc_today
from mppdesk.core.errors import FieldErrors
from mppdesk.lib import safetext
from mppdesk.places.models import (
    DetentionFacility,
    Port,
    Shelter,
    ShelterNight,
    Venue,
    validate_timezone,
)

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
    actor: User | None,
    org: Organization | None,
    kind: str,
    pk: Any,
    fields: list[str],
    action: AuditAction = AuditAction.UPDATE,
) -> None:
    audit.record(
        actor=actor,
        organization=org,
        action=action,
        object_type=kind,
        object_id=pk,
        fields=fields,
    )


def _changed(place: Model, clean: dict[str, Any]) -> list[str]:
    """The names in ``clean`` whose value differs from the row's."""
    return [name for name, value in clean.items() if getattr(place, name) != value]


def _save_changes(
    actor: User | None, org: Organization | None, kind: str, place: Model, clean: dict[str, Any]
) -> None:
    """Write the fields of ``clean`` that differ (locked row) and audit their names;
    nothing (not even an audit entry) when none differs."""
    changed = _changed(place, clean)
    if changed:
        for name in changed:
            setattr(place, name, clean[name])
        place.save(update_fields=changed)
        _record(actor, org, kind, place.pk, changed)


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
        _record(actor, org, ObjectType.VENUE, venue.pk, ["timezone"])
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
    _save_changes(actor, org, ObjectType.PORT, port, clean)
    return port


# --- detention facilities and shelters (transfers) ------------------------------------------
#
# Coordinators with ``transfer.manage`` keep facilities and shelters right. Shelter
# capacity is counted per night in ``ShelterNight`` rows: ``reserve_shelter`` takes places
# with one conditional UPDATE per shelter (``occupied + n <= capacity``), backed by a CHECK
# constraint, exactly like ``hearings.dockets.book`` for dockets.

FACILITY_FIELDS = ("name", "city", "state", "reported_capacity", "source", "active")
SHELTER_FIELDS = ("name", "city", "capacity", "capacity_note", "as_of", "source", "active")
MAX_SHELTER_CAPACITY = 100_000
MAX_NIGHTS = 366


class ShelterFull(FieldErrors):  # noqa: N818 - named like hearings.DocketFull
    """A shelter has fewer free places than asked on some night (nothing was taken)."""

    def __init__(self, shelter: Shelter, needed: int, field: str = "shelter") -> None:
        self.shelter_id = shelter.pk
        self.needed = needed
        super().__init__(
            {
                field: [
                    _("Shelter %(shelter)s has no room for %(needed)d more people on every night.")
                    % {"shelter": shelter.name, "needed": needed}
                ]
            }
        )


def _require_transfer(actor: User | None) -> Organization | None:
    if actor is None:
        return None
    if not can(actor, Action.TRANSFER_MANAGE):
        raise PermissionDenied
    from mppdesk.accounts.models import Organization

    return (
        Organization.objects.filter(pk__in=orgs_where(actor, Action.TRANSFER_MANAGE))
        .order_by("pk")
        .first()
    )


def receiving_cities() -> list[str]:
    """The Mexican cities paired with a port of entry (where people are returned)."""
    return sorted(set(Port.objects.values_list("mexican_city", flat=True)))


def _clean_text(
    changes: dict[str, Any], name: str, limit: int, errors: dict[str, list[str]], required: bool
) -> str:
    text = " ".join(str(changes.get(name) or "").split())
    if safetext.find_in(text):
        errors.setdefault(name, []).append(safetext.message())
    if required and not text:
        errors.setdefault(name, []).append(_("This field is required."))
    if len(text) > limit:
        errors.setdefault(name, []).append(_("At most %(count)s characters.") % {"count": limit})
    return text


@contextmanager
def _name_taken(field: str, message: str) -> Iterator[None]:
    """A unique name taken by a concurrent request between the check and the write is
    the same field error, not a server error."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        raise FieldErrors({field: [message]}) from exc


def _free_code(model: type[Model], base: str) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first code no row of ``model`` has."""
    code, n = base, 1
    while model._default_manager.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


def _clean_place(
    kind: str, changes: dict[str, Any], *, creating: bool
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    allowed = FACILITY_FIELDS if kind == "facility" else SHELTER_FIELDS
    errors: dict[str, list[str]] = {}
    for name in sorted(set(changes) - set(allowed)):
        errors.setdefault(name, []).append(_("This field cannot be changed."))
    clean: dict[str, Any] = {}
    limits = {
        "name": 200, "city": 100, "state": 2, "source": 300, "capacity_note": 300, "as_of": 20,
    }  # fmt: skip
    required = {"name", "city"} | ({"state"} if kind == "facility" else set())
    for name, limit in limits.items():
        if name in allowed and (name in changes or (creating and name in required)):
            clean[name] = _clean_text(changes, name, limit, errors, required=name in required)
    if kind == "facility" and "state" in clean:
        clean["state"] = clean["state"].upper()
    if kind == "shelter" and "city" in clean and clean["city"]:
        cities = receiving_cities()
        if clean["city"] not in cities:
            errors.setdefault("city", []).append(
                _("Not a receiving city; use one of: %(cities)s.") % {"cities": ", ".join(cities)}
            )
    number = "reported_capacity" if kind == "facility" else "capacity"
    if number in changes or (creating and kind == "shelter"):
        value = changes.get(number)
        if kind == "facility" and value is None:
            clean[number] = None
        elif (
            not isinstance(value, int)
            or isinstance(value, bool)
            or not 0 <= value <= MAX_SHELTER_CAPACITY
        ):
            errors.setdefault(number, []).append(
                _("A whole number between 0 and %(max)s.") % {"max": MAX_SHELTER_CAPACITY}
            )
        else:
            clean[number] = value
    if "active" in changes:
        if not isinstance(changes["active"], bool):
            errors.setdefault("active", []).append(_("Yes or no."))
        else:
            clean["active"] = changes["active"]
    return clean, errors


@transaction.atomic
def create_facility(*, actor: User | None, **values: Any) -> DetentionFacility:
    """A detention facility not in the reference list."""
    org = _require_transfer(actor)
    clean, errors = _clean_place("facility", values, creating=True)
    if not errors and DetentionFacility.objects.filter(name=clean["name"]).exists():
        errors["name"] = [_("A facility with this name exists.")]
    if errors:
        raise FieldErrors(errors)
    from django.utils.text import slugify

    code = _free_code(DetentionFacility, slugify(clean["name"])[:70] or "facility")
    with _name_taken("name", _("A facility with this name exists.")):
        facility = DetentionFacility.objects.create(code=code, **clean)
    _record(
        actor,
        org,
        ObjectType.DETENTION_FACILITY,
        facility.pk,
        sorted(clean),
        action=AuditAction.CREATE,
    )
    return facility


@transaction.atomic
def update_facility(
    *, actor: User | None, facility: DetentionFacility, **changes: Any
) -> DetentionFacility:
    org = _require_transfer(actor)
    clean, errors = _clean_place("facility", changes, creating=False)
    if (
        not errors
        and "name" in clean
        and DetentionFacility.objects.filter(name=clean["name"]).exclude(pk=facility.pk).exists()
    ):
        errors["name"] = [_("A facility with this name exists.")]
    if errors:
        raise FieldErrors(errors)
    facility = DetentionFacility.objects.select_for_update().get(pk=facility.pk)
    with _name_taken("name", _("A facility with this name exists.")):
        _save_changes(actor, org, ObjectType.DETENTION_FACILITY, facility, clean)
    return facility


@transaction.atomic
def create_shelter(*, actor: User | None, **values: Any) -> Shelter:
    """A shelter in a receiving city (``city`` must be a port's Mexican city)."""
    org = _require_transfer(actor)
    clean, errors = _clean_place("shelter", values, creating=True)
    if not errors and Shelter.objects.filter(city=clean["city"], name=clean["name"]).exists():
        errors["name"] = [_("A shelter with this name exists in this city.")]
    if errors:
        raise FieldErrors(errors)
    from mppdesk.places.seed import shelter_code

    code = _free_code(Shelter, shelter_code(clean["city"], clean["name"])[:110] or "shelter")
    with _name_taken("name", _("A shelter with this name exists in this city.")):
        shelter = Shelter.objects.create(code=code, **clean)
    _record(actor, org, ObjectType.SHELTER, shelter.pk, sorted(clean), action=AuditAction.CREATE)
    return shelter


@transaction.atomic
def update_shelter(*, actor: User | None, shelter: Shelter, **changes: Any) -> Shelter:
    """Change a shelter. A new capacity applies to every night from today on; it may not
    fall below the places already taken on any of them (``FieldErrors`` on
    ``capacity``). A shelter with people placed keeps its city."""
    org = _require_transfer(actor)
    clean, errors = _clean_place("shelter", changes, creating=False)
    if errors:
        raise FieldErrors(errors)
    shelter = Shelter.objects.select_for_update().get(pk=shelter.pk)
    city, name = clean.get("city", shelter.city), clean.get("name", shelter.name)
    if Shelter.objects.filter(city=city, name=name).exclude(pk=shelter.pk).exists():
        raise FieldErrors({"name": [_("A shelter with this name exists in this city.")]})
    changed = _changed(shelter, clean)
    today = utc_today()
    if "city" in changed and ShelterNight.objects.filter(shelter=shelter, occupied__gt=0).exists():
        raise FieldErrors({"city": [_("People are placed in this shelter; its city is fixed.")]})
    if "capacity" in changed:
        capacity = clean["capacity"]
        nights = ShelterNight.objects.select_for_update().filter(shelter=shelter, date__gte=today)
        worst = nights.filter(occupied__gt=capacity).order_by("-occupied").first()
        if worst is not None:
            raise FieldErrors(
                {
                    "capacity": [
                        _("%(occupied)d people are already placed on %(date)s.")
                        % {"occupied": worst.occupied, "date": worst.date.isoformat()}
                    ]
                }
            )
        nights.update(capacity=capacity)
    with _name_taken("name", _("A shelter with this name exists in this city.")):
        _save_changes(actor, org, ObjectType.SHELTER, shelter, clean)
    return shelter


def stay_dates(start: dt.date, nights: int) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range(nights)]


def _ensure_nights(shelters: list[Shelter], start: dt.date, nights: int) -> None:
    """Create the missing ``ShelterNight`` rows (concurrent creators are harmless:
    ``ignore_conflicts`` leaves the row another transaction inserted)."""
    dates = stay_dates(start, nights)
    existing = set(
        ShelterNight.objects.filter(
            shelter__in=shelters, date__gte=dates[0], date__lte=dates[-1]
        ).values_list("shelter_id", "date")
    )
    missing = [
        ShelterNight(shelter=s, date=d, capacity=s.capacity, occupied=0)
        for s in shelters
        for d in dates
        if (s.pk, d) not in existing
    ]
    if missing:
        ShelterNight.objects.bulk_create(missing, ignore_conflicts=True)


def free_places(shelters: list[Shelter], start: dt.date, nights: int) -> dict[int, int]:
    """Free places per shelter over a stay: the least free of its nights (a night without
    a row is the shelter's whole capacity)."""
    dates = stay_dates(start, nights)
    free = {s.pk: s.capacity if s.active else 0 for s in shelters}
    for shelter_id, capacity, occupied in ShelterNight.objects.filter(
        shelter__in=shelters, date__gte=dates[0], date__lte=dates[-1]
    ).values_list("shelter_id", "capacity", "occupied"):
        free[shelter_id] = min(free[shelter_id], max(capacity - occupied, 0))
    return free


def reserve_shelter(shelter: Shelter, n: int, *, start: dt.date, nights: int) -> None:
    """Take ``n`` places in ``shelter`` for each of ``nights`` nights from ``start``, or
    raise ``ShelterFull`` (the caller's transaction must then roll back: call it inside
    one). The nights are locked in (shelter, date) order, then one conditional UPDATE
    takes the places: PostgreSQL re-checks ``occupied + n <= capacity`` on the row
    version it updates, so concurrent reservations never overbook; the CHECK constraint
    is the last guard."""
    if n < 1 or not 1 <= nights <= MAX_NIGHTS:
        raise ValueError("reserve at least one place for 1..366 nights")
    if not shelter.active:
        raise ShelterFull(shelter, n)
    with transaction.atomic():
        _ensure_nights([shelter], start, nights)
        dates = stay_dates(start, nights)
        rows = ShelterNight.objects.filter(shelter=shelter, date__gte=dates[0], date__lte=dates[-1])
        list(rows.select_for_update().order_by("date").values_list("pk", flat=True))
        updated = rows.filter(occupied__lte=F("capacity") - n).update(occupied=F("occupied") + n)
        if updated != nights:
            raise ShelterFull(shelter, n)


def release_shelter(shelter: Shelter, n: int, *, start: dt.date, nights: int) -> None:
    """Give back places taken by ``reserve_shelter`` (never below zero)."""
    if n < 1:
        raise ValueError("release at least one place")
    dates = stay_dates(start, nights)
    rows = ShelterNight.objects.filter(shelter=shelter, date__gte=dates[0], date__lte=dates[-1])
    rows.update(occupied=Greatest(F("occupied") - n, Value(0)))
