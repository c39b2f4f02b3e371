from django.contrib import admin

from mppdesk.assistance.models import ServiceProvider


@admin.register(ServiceProvider)
class ServiceProviderAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "organization", "is_active", "synthetic")
    list_filter = ("city", "is_active")
    search_fields = ("name", "city")
