from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "mppdesk.reminders"
    verbose_name = _("Reminders and message templates")

    def ready(self) -> None:
        # Reminder planning listens to hearing changes (hearings.signals).
        from mppdesk.reminders import receivers  # noqa: F401
