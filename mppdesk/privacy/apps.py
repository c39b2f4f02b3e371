from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "mppdesk.privacy"
    label = "privacy"

    def ready(self) -> None:
        from mppdesk.privacy import subject_access  # noqa: F401  (the access-log section)
