from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "mppdesk.privacy"
    label = "privacy"
