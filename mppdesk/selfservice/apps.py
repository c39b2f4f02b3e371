from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfServiceConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mppdesk.selfservice"
    verbose_name = _("Self-service")

    def ready(self) -> None:
        from mppdesk.selfservice import erasure  # noqa: F401  (registers the eraser)
