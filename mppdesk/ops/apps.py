from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Production operations: the supervisor, the periodic runner, metrics and logs."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "mppdesk.ops"
    verbose_name = _("Operations")

    def ready(self) -> None:
        from mppdesk.core.signals import lookup_answered
        from mppdesk.ops import metrics

        lookup_answered.connect(metrics.count_lookup, dispatch_uid="ops.count_lookup")
