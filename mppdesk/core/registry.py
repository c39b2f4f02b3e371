"""Registries for work that cuts across the apps: erasure, subject access, demo data.

Every app registers its own part from ``AppConfig.ready()`` (the way pretix apps register
their data shredders), so that the privacy app, which runs an erasure or builds a
subject-access export, does not have to know every app, and a new app cannot be
forgotten:

- an **eraser** removes one app's personal data about one person. It names the models it
  covers (``"app_label.ModelName"``); the system check ``core.E001`` (``core.checks``)
  fails for any model with an encrypted field or a foreign key to the person model that
  no eraser covers. Erasers run in ``order`` inside one transaction (``privacy.services``
  opens it): the people eraser (contact points, names) and the cases eraser (A-numbers)
  run last, so the others can still read what they need to find the person's rows.
- a **subject-access section** is one top-level key of the subject-access export
  (``privacy.subject_access``): a function from the person to JSON-ready data. It names
  the models it accounts for; the system check ``core.E003`` fails for any model with
  personal data that no section names, as ``core.E001`` does for erasers.
- a **demo loader** adds one app's part of the synthetic demo (``core.demo.run_demo_loaders``,
  started by ``people.demo.load_demo``): a function of a ``DemoContext`` (the demo
  organizations, logins, ports, a seeded random generator, today). Loaders run in
  ``order`` inside the demo's one transaction; a later loader builds on what the earlier
  ones wrote (people and cases first, hearings on their cases, caseloads last).

No models here and no imports of domain apps: the callables receive the objects.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from django.core.exceptions import ImproperlyConfigured

#: The model whose rows are the subjects of erasure and subject access.
PERSON_MODEL = "people.Person"


@dataclass
class ErasureContext:
    """What every eraser is given (built by ``privacy.services.erase_person``).

    ``person`` is the ``people.Person`` row, locked for the transaction; ``actor`` the
    user who erases (``None`` for the retention purge); ``erased_among(ids)`` says
    which of these person ids are erased by now (this person included), for data
    shared by several people, such as a family's case.
    """

    person: Any
    actor: Any
    reason: str
    erased_among: Callable[[Iterable[Any]], set[Any]]

    @property
    def user(self) -> Any:
        """The actor to store on rows (``None`` for the system)."""
        actor = self.actor
        return actor if actor is not None and actor.is_authenticated else None


@dataclass(frozen=True)
class Eraser:
    """One app's part of an erasure.

    ``erase(context)`` gets the privacy app's ``ErasureContext`` (the person, the actor,
    the reason) and removes or overwrites every personal value of ``models`` about the
    person. It must not open its own outer transaction or commit: everything happens
    in the caller's one transaction, so an erasure is all or nothing.
    """

    name: str
    models: tuple[str, ...]
    erase: Callable[[Any], None]
    order: int = 500
    description: str = ""


@dataclass(frozen=True)
class SubjectSection:
    """One top-level key of the subject-access export: ``build(person)`` -> JSON data.

    ``models`` names the models whose rows about the person the section accounts for; the
    system check ``core.E003`` fails for any model holding personal data that no section
    names, so a new table cannot be left out of what a person is given. ``describe(data)``
    turns the section's data into a heading and lines for the readable PDF (sections
    without it are laid out by the privacy app itself).
    """

    name: str
    build: Callable[[Any], Any]
    order: int = 500
    models: tuple[str, ...] = ()
    describe: Callable[[Any], tuple[str, list[str]]] | None = None


@dataclass
class DemoContext:
    """What every demo loader is given (built by ``people.demo.load_demo``).

    ``organizations`` maps the demo organization keys (``legal``, ``shelter``,
    ``coordinator``, ``monitor``) to their rows, ``users`` the demo usernames to theirs;
    ``ports`` are the ports of entry with their venues; ``rng`` is seeded from ``seed``
    so a seed gives the same demo; ``today`` is the day the demo is loaded for.
    ``people``, ``households`` and ``detained`` are the sizes asked for, ``progress``
    the caller's progress callback. ``shared`` carries what one loader leaves for a later
    one (by a key the two agree on), ``results`` what each loader returned, by name.
    """

    organizations: dict[str, Any]
    users: dict[str, Any]
    ports: list[Any]
    rng: random.Random
    today: dt.date
    seed: int
    people: int = 0
    households: int = 0
    detained: int = 0
    progress: Callable[[int, int], None] | None = None
    shared: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)

    def user(self, username: str) -> Any:
        """The demo login ``username`` (``None`` if the demo has no such login)."""
        return self.users.get(username)


@dataclass(frozen=True)
class DemoLoader:
    """One app's part of the demo: ``load(context)`` writes it through the app's services
    and returns a summary (kept in ``context.results[name]``). It runs inside the demo's
    one transaction and must not commit."""

    name: str
    load: Callable[[DemoContext], Any]
    order: int = 500
    description: str = ""


class _Named(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def order(self) -> int: ...


T = TypeVar("T", bound=_Named)


class Registry(Generic[T]):
    """Items by unique name, listed in ``order`` (then name)."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}

    def register(self, item: T) -> T:
        existing = self._items.get(item.name)
        if existing is not None and existing != item:
            raise ImproperlyConfigured(f"two {self.kind}s are named {item.name!r}")
        self._items[item.name] = item
        return item

    def unregister(self, name: str) -> T:
        return self._items.pop(name)

    def get(self, name: str) -> T:
        return self._items[name]

    def items(self) -> list[T]:
        return sorted(self._items.values(), key=lambda item: (item.order, item.name))

    def __iter__(self) -> Iterator[T]:
        return iter(self.items())

    def __len__(self) -> int:
        return len(self._items)

    @contextmanager
    def replaced(self, *items: T, without: tuple[str, ...] = ()) -> Iterator[None]:
        """For tests: the registry with ``items`` added (or replacing those of the same
        name) and ``without`` left out, restored afterwards."""
        saved = dict(self._items)
        try:
            for name in without:
                self._items.pop(name, None)
            for item in items:
                self._items[item.name] = item
            yield
        finally:
            self._items = saved


erasers: Registry[Eraser] = Registry("eraser")
subject_sections: Registry[SubjectSection] = Registry("subject-access section")
demo_loaders: Registry[DemoLoader] = Registry("demo loader")


def register_eraser(
    name: str, *, models: tuple[str, ...], order: int = 500, description: str = ""
) -> Callable[[Callable[[Any], None]], Callable[[Any], None]]:
    """Decorator: register ``erase(context)`` as the eraser ``name`` covering ``models``."""

    def decorator(func: Callable[[Any], None]) -> Callable[[Any], None]:
        erasers.register(
            Eraser(
                name=name,
                models=tuple(models),
                erase=func,
                order=order,
                description=description or (func.__doc__ or "").strip().split("\n")[0],
            )
        )
        return func

    return decorator


def register_subject_section(
    name: str,
    *,
    order: int = 500,
    models: tuple[str, ...] = (),
    describe: Callable[[Any], tuple[str, list[str]]] | None = None,
) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """Decorator: register ``build(person)`` as the subject-access section ``name``,
    accounting for ``models`` (see ``SubjectSection``)."""

    def decorator(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
        subject_sections.register(
            SubjectSection(name=name, build=func, order=order, models=models, describe=describe)
        )
        return func

    return decorator


def register_demo_loader(
    name: str, *, order: int = 500, description: str = ""
) -> Callable[[Callable[[DemoContext], Any]], Callable[[DemoContext], Any]]:
    """Decorator: register ``load(context)`` as the demo loader ``name`` (see
    ``DemoLoader``); loaders run by ``order``, then name."""

    def decorator(func: Callable[[DemoContext], Any]) -> Callable[[DemoContext], Any]:
        demo_loaders.register(
            DemoLoader(
                name=name,
                load=func,
                order=order,
                description=description or (func.__doc__ or "").strip().split("\n")[0],
            )
        )
        return func

    return decorator
