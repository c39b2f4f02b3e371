from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest

from mppdesk.accounts.admin_site import OrgManagedAdmin, managed_org_ids, may_manage
from mppdesk.accounts.models import ApiToken, Membership, Organization, User

#: What only a Django superuser may change about a user: handing these out would lift an
#: organization's administrator above the permission matrix.
SUPERUSER_ONLY_FIELDS = ("is_superuser", "groups", "user_permissions")


class MembershipInline(admin.TabularInline[Membership, User]):
    """Memberships of the organizations the administrator manages, and no others."""

    model = Membership
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        qs = super().get_queryset(request)
        managed = managed_org_ids(request)
        return qs if managed is None else qs.filter(organization_id__in=managed)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage(request)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        managed = managed_org_ids(request)
        if db_field.name == "organization" and managed is not None:
            kwargs["queryset"] = Organization.objects.filter(pk__in=managed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(User)
class UserAdmin(OrgManagedAdmin, BaseUserAdmin):
    inlines = [MembershipInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        """A non-superuser administrator manages the users who belong only to
        organizations they administer (or to none yet), never a superuser: a user with a
        role elsewhere could otherwise be taken over to reach that other organization."""
        qs = BaseUserAdmin.get_queryset(self, request)
        managed = managed_org_ids(request)
        if managed is None:
            return qs
        elsewhere = Membership.objects.filter(user=OuterRef("pk")).exclude(
            organization_id__in=managed
        )
        return qs.exclude(is_superuser=True).exclude(Exists(elsewhere))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [f for f in SUPERUSER_ONLY_FIELDS if f not in fields]
        return fields


@admin.register(Organization)
class OrganizationAdmin(OrgManagedAdmin):
    organization_lookup = "id"
    list_display = ["name", "kind", "slug", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "slug"]


@admin.register(ApiToken)
class ApiTokenAdmin(OrgManagedAdmin):
    list_display = [
        "name",
        "user",
        "organization",
        "key_prefix",
        "created_at",
        "expires_at",
        "revoked_at",
    ]
    readonly_fields = ["key_prefix", "key_hash", "created_at", "last_used_at"]
    list_filter = ["organization"]
