from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "mppdesk.sharing"
    label = "sharing"

    def ready(self) -> None:
        from mppdesk.sharing import demo, erasure, subject_access  # noqa: F401  (registrations)
