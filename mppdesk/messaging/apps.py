from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mppdesk.messaging"
    verbose_name = _("Messaging")

    def ready(self) -> None:
        # Provider settings get system checks.
        from mppdesk.messaging import checks, erasure, subject_access  # noqa: F401
