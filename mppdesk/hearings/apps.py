from django.apps import AppConfig


class HearingsConfig(AppConfig):
    name = "mppdesk.hearings"
    label = "hearings"

    def ready(self) -> None:
        from mppdesk.hearings import erasure  # noqa: F401  (registers the eraser)
