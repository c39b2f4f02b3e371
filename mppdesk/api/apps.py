from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "mppdesk.api"
    label = "api"
