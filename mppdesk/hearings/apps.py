from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "mppdesk.hearings"
    label = "hearings"
