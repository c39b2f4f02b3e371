from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "mppdesk.incidents"
    label = "incidents"
    verbose_name = "Incident reports"

    def ready(self) -> None:
        from mppdesk.incidents import demo, erasure, subject_access  # noqa: F401  (registers)
