from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "mppdesk.stats"
    label = "stats"
