from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimConfig(AppConfig):
    name = "mppdesk.sim"
    verbose_name = _("Program simulator")
    label = "sim"
