from django.contrib import admin
from django.http import HttpRequest

from mppdesk.places.models import DetentionFacility, Port, Shelter, ShelterNight, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    list_display = ["name", "city", "state", "kind"]
    search_fields = ["name", "city"]


@admin.register(Port)
class PortAdmin(admin.ModelAdmin[Port]):
    list_display = ["name", "mexican_city", "mexican_state", "timezone", "venue"]
    search_fields = ["name", "mexican_city"]


@admin.register(DetentionFacility)
class DetentionFacilityAdmin(admin.ModelAdmin[DetentionFacility]):
    list_display = ["name", "city", "state", "reported_capacity", "active"]
    search_fields = ["name", "city"]
    list_filter = ["state", "active"]


@admin.register(Shelter)
class ShelterAdmin(admin.ModelAdmin[Shelter]):
    list_display = ["name", "city", "capacity", "capacity_note", "as_of", "active"]
    search_fields = ["name", "city"]
    list_filter = ["city", "active"]


@admin.register(ShelterNight)
class ShelterNightAdmin(admin.ModelAdmin[ShelterNight]):
    """Read-only: places are taken and given back by the transfer services only."""

    list_display = ["shelter", "date", "occupied", "capacity"]
    list_filter = ["shelter__city"]
    date_hierarchy = "date"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ShelterNight | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ShelterNight | None = None) -> bool:
        return False
