from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "mppdesk.sharing"
    verbose_name = _("Sharing")
    label = "sharing"

    def ready(self) -> None:
        from mppdesk.sharing import demo, erasure, subject_access  # noqa: F401  (registrations)
