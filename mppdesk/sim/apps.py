from django.apps import AppConfig


class SimConfig(AppConfig):
    name = "mppdesk.sim"
    label = "sim"
