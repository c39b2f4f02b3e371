from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "mppdesk.hearings"
    verbose_name = _("Hearings")
    label = "hearings"

    def ready(self) -> None:
        from mppdesk.hearings import demo, erasure, subject_access  # noqa: F401  (registrations)
