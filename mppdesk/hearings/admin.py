"""Closure days in the admin: a coordinator adds or removes the days a venue does not
sit (the US federal holidays need no entry). Writes go through the services, so they
are checked and audited like the API's."""

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext as _

from mppdesk.accounts.permissions import Action, can
from mppdesk.core.errors import FieldErrors
from mppdesk.hearings import calendar
from mppdesk.hearings import dockets as docket_services
from mppdesk.hearings.models import ClosureDay


class ClosureDayForm(ModelForm[ClosureDay]):
    class Meta:
        model = ClosureDay
        fields = ["venue", "date", "reason"]

    def clean_date(self) -> Any:
        day = self.cleaned_data.get("date")
        holiday = calendar.federal_holiday(day) if day else None
        if holiday is not None:
            raise ValidationError(calendar.holiday_text(holiday))
        return day


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin[ClosureDay]):
    form = ClosureDayForm
    list_display = ["date", "venue", "reason", "created_by", "created_at"]
    list_filter = ["venue"]
    date_hierarchy = "date"
    fields = ["venue", "date", "reason"]

    # Those who may manage dockets (the services check it again).
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.DOCKET_MANAGE)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: ClosureDay | None = None) -> bool:
        return can(request.user, Action.DOCKET_MANAGE)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.DOCKET_MANAGE)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: ClosureDay | None = None) -> bool:
        return can(request.user, Action.DOCKET_MANAGE)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: ClosureDay | None = None) -> bool:
        # A closure is added or removed, never edited (remove it and add the right one).
        return False

    def save_model(
        self, request: HttpRequest, obj: ClosureDay, form: ModelForm[Any], change: bool
    ) -> None:
        try:
            result = docket_services.add_closure_day(
                actor=request.user,  # type: ignore[arg-type]
                venue=obj.venue,
                date=obj.date,
                reason=obj.reason,
            )
        except FieldErrors as exc:
            # The form checked the fields; what is left (a race) is shown, not a 500.
            raise PermissionDenied("; ".join(m for ms in exc.errors.values() for m in ms)) from exc
        obj.pk = result.closure.pk
        if result.dockets_flagged:
            messages.warning(
                request,
                _(
                    "%(dockets)d docket(s) already on this day are now flagged, with "
                    "%(hearings)d hearing(s) ahead to reschedule."
                )
                % {"dockets": result.dockets_flagged, "hearings": result.hearings_ahead},
            )

    def delete_model(self, request: HttpRequest, obj: ClosureDay) -> None:
        docket_services.remove_closure_day(actor=request.user, closure=obj)  # type: ignore[arg-type]

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClosureDay]) -> None:
        for closure in queryset:
            docket_services.remove_closure_day(actor=request.user, closure=closure)  # type: ignore[arg-type]
