from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "mppdesk.hearings"
    label = "hearings"

    def ready(self) -> None:
        from mppdesk.hearings import demo, erasure, subject_access  # noqa: F401  (registrations)
