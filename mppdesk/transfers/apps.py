from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mppdesk.transfers"
    verbose_name = _("Transfers")

    def ready(self) -> None:
        from mppdesk.transfers import demo, erasure, subject_access  # noqa: F401  (registrations)
