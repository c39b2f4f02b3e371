from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "mppdesk.cases"
    verbose_name = _("Cases")
    label = "cases"

    def ready(self) -> None:
        from mppdesk.cases import erasure, receivers, subject_access  # noqa: F401  (registrations)
