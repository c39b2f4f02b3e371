"""Reference places: hearing venues and ports of entry with their paired Mexican city.

Seeded from ``reference/`` (copied from the project's shared reference folder, with
sources); editable in the admin by coordinators.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    try:
        ZoneInfo(value)
    except (KeyError, ValueError) as exc:
        raise ValidationError(_("Unknown IANA time zone %(tz)s."), params={"tz": value}) from exc


#: Assumed people processed per hour at a port for hearings: no published figure exists.
DEFAULT_HOURLY_CAPACITY = 60


class Venue(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2)
    kind = models.CharField(_("kind"), max_length=200, blank=True)
    capacity_note = models.CharField(_("capacity note"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # The court's own (US) zone: hearing times are set in it (``seed.VENUE_TIMEZONES``).
    timezone = models.CharField(
        _("time zone"),
        max_length=64,
        validators=[validate_timezone],
        help_text=_("IANA time zone of the court, e.g. America/Denver."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("hearing venue")
        verbose_name_plural = _("hearing venues")

    def __str__(self) -> str:
        return self.name


class Port(models.Model):
    """A US port of entry and the Mexican city people are returned to through it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("port of entry"), max_length=100, unique=True)
    us_state = models.CharField(_("US state"), max_length=2)
    mexican_city = models.CharField(_("Mexican city"), max_length=100)
    mexican_state = models.CharField(_("Mexican state"), max_length=100)
    timezone = models.CharField(_("time zone"), max_length=64, validators=[validate_timezone])
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.SET_NULL, related_name="ports"
    )
    venue_note = models.CharField(_("hearing venue as published"), max_length=300, blank=True)
    returns_began = models.CharField(_("returns began"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    # Assumption (no published figure): how many people the port processes per hour for
    # hearings; the scheduler staggers reporting times within it.
    hourly_capacity = models.PositiveIntegerField(
        _("people processed per hour"),
        default=DEFAULT_HOURLY_CAPACITY,
        help_text=_("For MPP reporting; an estimate to adjust locally."),
    )
    # Where people present themselves on the hearing day, as a proper name (shown as is
    # on notices in every language); empty shows the generic ``report_place_display``.
    report_place = models.CharField(
        _("reporting place"),
        max_length=200,
        blank=True,
        help_text=_(
            "Where people present themselves on the hearing day. Empty: the port's pedestrian entrance."
        ),
    )
    report_place_source = models.CharField(_("reporting place source"), max_length=300, blank=True)
    # Minutes between the reporting time and the hearing; empty means the program
    # default (``MPPDESK_REPORT_LEAD_MINUTES``).
    report_lead_minutes = models.PositiveIntegerField(
        _("reporting lead (minutes)"), null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("port of entry")
        verbose_name_plural = _("ports of entry")

    def __str__(self) -> str:
        return f"{self.mexican_city} ({self.name})"

    @property
    def report_place_display(self) -> str:
        """The reporting place in the active language (a generic text when none is set)."""
        return self.report_place or generic_report_place(self.name)


def generic_report_place(port_name: str) -> str:
    return _("%(port)s port of entry, pedestrian entrance") % {"port": port_name}


class DetentionFacility(models.Model):
    """A US detention facility people are transferred from (``detention_facilities.csv``)."""

    code = models.SlugField(_("code"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2)
    # Empty where the reference has no figure ("unverified" facilities).
    reported_capacity = models.PositiveIntegerField(_("reported capacity"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("detention facility")
        verbose_name_plural = _("detention facilities")

    def __str__(self) -> str:
        return self.name


class Shelter(models.Model):
    """A shelter in a receiving Mexican city (``city`` equals a ``Port.mexican_city``).

    ``capacity`` is the number of people it takes per night. The reference gives ranges
    and remarks ("700-750 (target 900)"); the seed keeps the low end of the first figure,
    the cautious reading, and the published text in ``capacity_note``.
    """

    code = models.SlugField(_("code"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("receiving city"), max_length=100, db_index=True)
    capacity = models.PositiveIntegerField(_("capacity (people per night)"))
    capacity_note = models.CharField(_("capacity as published"), max_length=300, blank=True)
    as_of = models.CharField(_("as of"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["city", "-capacity", "name"]
        constraints = [
            models.UniqueConstraint(fields=["city", "name"], name="shelter_unique_name_in_city")
        ]
        verbose_name = _("shelter")
        verbose_name_plural = _("shelters")

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class ShelterNight(models.Model):
    """Places taken in one shelter on one night.

    ``occupied <= capacity`` is a CHECK constraint and places are taken with one
    conditional UPDATE (``places.services.reserve_shelter``), as dockets are booked, so two
    coordinators approving groups at once can never overbook a shelter. ``capacity`` is
    copied from the shelter when the row is made and follows later edits of the shelter.
    """

    shelter = models.ForeignKey(Shelter, on_delete=models.CASCADE, related_name="nights")
    date = models.DateField(_("night of"))
    capacity = models.PositiveIntegerField(_("capacity"))
    occupied = models.PositiveIntegerField(_("occupied"), default=0)

    class Meta:
        ordering = ["shelter", "date"]
        constraints = [
            models.UniqueConstraint(fields=["shelter", "date"], name="shelter_night_unique"),
            models.CheckConstraint(
                condition=models.Q(occupied__lte=models.F("capacity")),
                name="shelter_night_not_overbooked",
            ),
        ]
        verbose_name = _("shelter night")
        verbose_name_plural = _("shelter nights")

    def __str__(self) -> str:
        return f"{self.shelter_id} {self.date} {self.occupied}/{self.capacity}"

    @property
    def free(self) -> int:
        return max(self.capacity - self.occupied, 0)
