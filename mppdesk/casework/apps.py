from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CaseworkConfig(AppConfig):
    name = "mppdesk.casework"
    label = "casework"
    verbose_name = _("Caseload, tasks, notes and case documents")

    def ready(self) -> None:
        from mppdesk.casework import demo, erasure, signals, subject_access  # noqa: F401  (registers)
