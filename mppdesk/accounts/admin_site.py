"""The Django admin under the permission matrix.

Only administrators (``org.manage``) and Django superusers open the admin site at all.
Inside it the same rules hold as everywhere else (``accounts.permissions``):

- people, households and cases are listed through ``visible_to`` — no superuser bypass —
  and are read-only: changes go through the services, which validate and audit them;
  opening one records a view in the audit log, like the web page;
- the audit log needs ``audit.read`` and is scoped like the auditor page;
- users, organizations and tokens need ``org.manage``; a non-superuser sees those of the
  organizations they administer.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from mppdesk.accounts.permissions import Action, can, orgs_where


def managed_org_ids(request: HttpRequest) -> list[int] | None:
    """The organizations the admin user manages; ``None`` means all (a superuser)."""
    if request.user.is_superuser:
        return None
    return orgs_where(request.user, Action.ORG_MANAGE)  # type: ignore[arg-type]


def may_manage(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser or can(request.user, Action.ORG_MANAGE))  # type: ignore[arg-type]


class MppDeskAdminSite(admin.AdminSite):
    site_header = "MPP Desk"
    site_title = "MPP Desk"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(
            user.is_active and user.is_staff and (user.is_superuser or can(user, Action.ORG_MANAGE))
        )


class PersonalDataAdmin(admin.ModelAdmin[Any]):
    """Read-only, scoped and audited admin for records holding personal data."""

    audit_object_type = ""
    audit_fields: list[str] = []

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.PERSON_READ)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can(request.user, Action.PERSON_READ)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        response = super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, object_id)
        if obj is not None and response.status_code == 200:
            from mppdesk.audit.services import record_view

            record_view(
                actor=request.user,  # type: ignore[arg-type]
                obj=obj,
                object_type=self.audit_object_type,
                fields=self.audit_fields,
            )
        return response


class OrgManagedAdmin(admin.ModelAdmin[Any]):
    """Users, organizations and tokens: ``org.manage``, scoped to the managed organizations."""

    #: The lookup from this model to the organization it belongs to.
    organization_lookup = "organization_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        managed = managed_org_ids(request)
        if managed is None:
            return qs
        return qs.filter(**{f"{self.organization_lookup}__in": managed}).distinct()

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_manage(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_manage(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_manage(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_superuser)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        from mppdesk.accounts.models import Organization

        managed = managed_org_ids(request)
        if db_field.related_model is Organization and managed is not None:
            kwargs["queryset"] = Organization.objects.filter(pk__in=managed)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
