from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "mppdesk.privacy"
    verbose_name = _("Privacy")
    label = "privacy"

    def ready(self) -> None:
        from mppdesk.privacy import subject_access  # noqa: F401  (the access-log section)
