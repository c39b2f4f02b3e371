from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from mppdesk.accounts.permissions import Action, can
from mppdesk.audit.models import AuditEntry
from mppdesk.audit.queries import entries_for


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

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEntry]:
        if not can(request.user, Action.AUDIT_READ):  # type: ignore[arg-type]
            return AuditEntry.objects.none()
        return entries_for(request.user)  # type: ignore[arg-type]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.AUDIT_READ)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return can(request.user, Action.AUDIT_READ)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
