from django.contrib import admin

from mppdesk.places.models import Port, Venue


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin[Venue]):
    list_display = ["name", "city", "state", "kind"]
    search_fields = ["name", "city"]


@admin.register(Port)
class PortAdmin(admin.ModelAdmin[Port]):
    list_display = ["name", "mexican_city", "mexican_state", "timezone", "venue"]
    search_fields = ["name", "mexican_city"]
