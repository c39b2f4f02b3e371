"""Back-office admin: read-only, scoped and audited (``accounts.admin_site.PersonalDataAdmin``)."""

from __future__ import annotations

from django.contrib import admin

from mppdesk.accounts.admin_site import PersonalDataAdmin
from mppdesk.core.audit_vocabulary import ObjectType
from mppdesk.people.models import ContactPoint, Household, HouseholdMember, Person, PersonLanguage


class LanguageInline(admin.TabularInline[PersonLanguage, Person]):
    model = PersonLanguage
    extra = 0


class ContactInline(admin.TabularInline[ContactPoint, Person]):
    model = ContactPoint
    extra = 0
    # The value is encrypted (no form field): shown, changed through the services.
    readonly_fields = ["value"]


@admin.register(Person)
class PersonAdmin(PersonalDataAdmin):
    audit_object_type = ObjectType.PERSON
    audit_fields = ["given_names", "family_names", "other_names", "birth_date", "notes"]
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
class HouseholdAdmin(PersonalDataAdmin):
    audit_object_type = ObjectType.HOUSEHOLD
    audit_fields = ["members"]
    list_display = ["id", "organization", "port", "created_at"]
    list_filter = ["organization", "port"]
    raw_id_fields = ["lead"]
    inlines = [MemberInline]
