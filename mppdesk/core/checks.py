"""System check: every model that holds personal data is covered by an eraser.

A model holds personal data here when it has an encrypted field (``core.fields``) or a
foreign key to the person model (``registry.PERSON_MODEL``). Each must be named by some
registered eraser (``core.registry``), so a new app or a new model cannot leave a
person's data behind after an erasure without ``manage.py check`` (and so every test
run, server start and migration) saying so.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core import checks
from django.db import models

from mppdesk.core import registry


def holds_personal_data(model: type[models.Model]) -> bool:
    from mppdesk.core.fields import EncryptedMixin

    for field in model._meta.concrete_fields:
        if isinstance(field, EncryptedMixin):
            return True
        remote = field.remote_field.model if field.remote_field is not None else None
        if remote is not None and not isinstance(remote, str):
            if remote._meta.label == registry.PERSON_MODEL:
                return True
    return False


def uncovered_models(
    candidates: Iterable[type[models.Model]], erasers: Iterable[registry.Eraser]
) -> list[type[models.Model]]:
    covered = {label.lower() for eraser in erasers for label in eraser.models}
    return [
        model
        for model in candidates
        if not model._meta.abstract
        and holds_personal_data(model)
        and model._meta.label_lower not in covered
    ]


def erasure_coverage_errors(
    candidates: Iterable[type[models.Model]], erasers: Iterable[registry.Eraser]
) -> list[checks.CheckMessage]:
    erasers = list(erasers)
    errors: list[checks.CheckMessage] = [
        checks.Error(
            f"{model._meta.label} holds personal data (an encrypted field or a link to a "
            "person) but no registered eraser covers it.",
            hint="Register an eraser for it in its app's erasure.py (core.registry."
            "register_eraser) and name the model in its models=(...).",
            obj=model,
            id="core.E001",
        )
        for model in uncovered_models(candidates, erasers)
    ]
    known = {model._meta.label_lower for model in apps.get_models()}
    for eraser in erasers:
        for label in eraser.models:
            if label.lower() not in known:
                errors.append(
                    checks.Error(
                        f"Eraser {eraser.name!r} names {label!r}, which is not a model.",
                        id="core.E002",
                    )
                )
    return errors


@checks.register(checks.Tags.models)
def check_erasure_coverage(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    candidates = (
        apps.get_models()
        if app_configs is None
        else [m for config in app_configs for m in config.get_models()]
    )
    return erasure_coverage_errors(candidates, registry.erasers)


def subject_access_coverage_errors(
    candidates: Iterable[type[models.Model]], sections: Iterable[registry.SubjectSection]
) -> list[checks.CheckMessage]:
    sections = list(sections)
    covered = {label.lower() for section in sections for label in section.models}
    errors: list[checks.CheckMessage] = [
        checks.Error(
            f"{model._meta.label} holds personal data (an encrypted field or a link to a "
            "person) but no subject-access section accounts for it.",
            hint="Register a section for it in its app's subject_access.py (core.registry."
            "register_subject_section) and name the model in its models=(...).",
            obj=model,
            id="core.E003",
        )
        for model in candidates
        if not model._meta.abstract
        and holds_personal_data(model)
        and model._meta.label_lower not in covered
    ]
    known = {model._meta.label_lower for model in apps.get_models()}
    for section in sections:
        for label in section.models:
            if label.lower() not in known:
                errors.append(
                    checks.Error(
                        f"Subject-access section {section.name!r} names {label!r}, "
                        "which is not a model.",
                        id="core.E004",
                    )
                )
    return errors


@checks.register(checks.Tags.models)
def check_subject_access_coverage(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    candidates = (
        apps.get_models()
        if app_configs is None
        else [m for config in app_configs for m in config.get_models()]
    )
    return subject_access_coverage_errors(candidates, registry.subject_sections)
