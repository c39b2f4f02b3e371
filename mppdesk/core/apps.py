from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "mppdesk.core"
    label = "core"

    def ready(self) -> None:
        # Every model holding personal data must be covered by an eraser.
        from mppdesk.core import checks  # noqa: F401
