from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mppdesk.core"
    label = "core"
