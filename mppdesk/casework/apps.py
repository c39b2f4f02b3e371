from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "mppdesk.casework"
    label = "casework"
    verbose_name = "Caseload, tasks, notes and case documents"

    def ready(self) -> None:
        from mppdesk.casework import demo, erasure, signals, subject_access  # noqa: F401  (registers)
