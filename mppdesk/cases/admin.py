from django.contrib import admin

from mppdesk.accounts.admin_site import PersonalDataAdmin
from mppdesk.cases.models import Case, CaseEvent, CaseMember
from mppdesk.core.audit_vocabulary import ObjectType


class CaseMemberInline(admin.TabularInline[CaseMember, Case]):
    model = CaseMember
    extra = 0
    raw_id_fields = ["person"]


class CaseEventInline(admin.TabularInline[CaseEvent, Case]):
    model = CaseEvent
    extra = 0
    readonly_fields = ["kind", "occurred_at", "summary", "actor", "data"]


@admin.register(Case)
class CaseAdmin(PersonalDataAdmin):
    audit_object_type = ObjectType.CASE
    audit_fields = ["a_number", "members", "events"]
    list_display = ["a_number", "organization", "venue", "program_version", "status", "opened_on"]
    list_filter = ["organization", "status", "program_version", "venue"]
    # The A-number is encrypted: no admin search on it (use the case search, which uses
    # the blind index).
    readonly_fields = ["a_number"]
    raw_id_fields = ["lead"]
    inlines = [CaseMemberInline, CaseEventInline]
