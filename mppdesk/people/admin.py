"""Back-office admin. Querysets are scoped like every other read: staff see only the
records of organizations they belong to (superusers see all)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from mppdesk.people.models import ContactPoint, Household, HouseholdMember, Person, PersonLanguage


class ScopedAdmin(admin.ModelAdmin[Any]):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.visible_to(request.user)  # type: ignore[attr-defined]


class LanguageInline(admin.TabularInline[PersonLanguage, Person]):
    model = PersonLanguage
    extra = 0


class ContactInline(admin.TabularInline[ContactPoint, Person]):
    model = ContactPoint
    extra = 0
    # The value is encrypted (no form field): shown, changed through the services.
    readonly_fields = ["value"]


@admin.register(Person)
class PersonAdmin(ScopedAdmin):
    list_display = ["given_names", "family_names", "nationality", "organization", "created_at"]
    list_filter = ["organization", "nationality", "sex"]
    # Names are encrypted: the admin cannot search or sort them (use the people list).
    inlines = [LanguageInline, ContactInline]
    readonly_fields = [
        "given_names",
        "family_names",
        "other_names",
        "birth_date",
        "notes",
        "created_by",
    ]


class MemberInline(admin.TabularInline[HouseholdMember, Household]):
    model = HouseholdMember
    extra = 0
    raw_id_fields = ["person"]


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    list_display = ["id", "organization", "port", "created_at"]
    list_filter = ["organization", "port"]
    raw_id_fields = ["lead"]
    inlines = [MemberInline]
