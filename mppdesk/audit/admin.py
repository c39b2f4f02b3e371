from django.contrib import admin
from django.http import HttpRequest

from mppdesk.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin[AuditEntry]):
    list_display = [
        "seq",
        "at",
        "actor",
        "organization",
        "action",
        "object_type",
        "object_id",
        "channel",
    ]
    list_filter = ["action", "object_type", "channel", "organization"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
