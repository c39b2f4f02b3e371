from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from mppdesk.accounts.models import ApiToken, Membership, Organization, User
from mppdesk.core.admin_site import OrgManagedAdmin


class MembershipInline(admin.TabularInline[Membership, User]):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(OrgManagedAdmin, BaseUserAdmin):
    organization_lookup = "memberships__organization_id"
    inlines = [MembershipInline]


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
