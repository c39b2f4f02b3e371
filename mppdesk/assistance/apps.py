from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "mppdesk.assistance"
    label = "assistance"
    verbose_name = _("Documents, needs and services")

    def ready(self) -> None:
        from mppdesk.assistance import demo, erasure, subject_access  # noqa: F401  (registers)
