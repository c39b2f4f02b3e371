from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mppdesk.screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from mppdesk.screening import erasure, subject_access  # noqa: F401  (registrations)
