from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlacesConfig(AppConfig):
    name = "mppdesk.places"
    verbose_name = _("Places")
    label = "places"
