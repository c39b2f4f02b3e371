"""django-tasks' database backend under a translated name in the admin."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = _("Background tasks")  # type: ignore[assignment]  # lazy, read in the admin
