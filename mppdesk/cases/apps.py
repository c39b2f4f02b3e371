from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "mppdesk.cases"
    label = "cases"

    def ready(self) -> None:
        from mppdesk.cases import erasure, receivers, subject_access  # noqa: F401  (registrations)
