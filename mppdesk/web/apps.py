from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mppdesk.web"
    label = "web"
