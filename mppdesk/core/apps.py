from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "mppdesk.core"
    verbose_name = _("Core")
    label = "core"

    def ready(self) -> None:
        # Every model holding personal data must be covered by an eraser.
        from mppdesk.core import checks  # noqa: F401
