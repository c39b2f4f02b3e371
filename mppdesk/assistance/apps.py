from django.apps import AppConfig


class AssistanceConfig(AppConfig):
    name = "mppdesk.assistance"
    label = "assistance"
    verbose_name = "Documents, needs and services"

    def ready(self) -> None:
        from mppdesk.assistance import demo, erasure, subject_access  # noqa: F401  (registers)
