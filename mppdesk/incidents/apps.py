from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "mppdesk.incidents"
    label = "incidents"
    verbose_name = _("Incident reports")

    def ready(self) -> None:
        from mppdesk.incidents import demo, erasure, subject_access  # noqa: F401  (registers)
