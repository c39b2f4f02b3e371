from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "mppdesk.sharing"
    label = "sharing"
