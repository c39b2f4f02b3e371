"""The cached URL shapes (mppdesk/lib/urls.py) against Django's own reverse: every named
route of the project, random values, the values and converters it must leave to Django,
and the ``{% url %}`` tag that every template now uses."""

from __future__ import annotations

import gc
import uuid
import weakref
from collections import Counter

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import (
    NoReverseMatch,
    URLPattern,
    URLResolver,
    clear_script_prefix,
    get_resolver,
    path,
    re_path,
    register_converter,
    resolve,
    set_script_prefix,
)
from django.urls import reverse as django_reverse
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from mppdesk.lib import urls
from mppdesk.lib.urls import reverse


class HexIntConverter:
    """A converter that writes an int in hexadecimal: its values' text is not ``str()``."""

    regex = "[0-9a-f]+"

    def to_python(self, value: str) -> int:
        return int(value, 16)

    def to_url(self, value: int) -> str:
        return format(value, "x")


class EvenIntConverter:
    """Accepts only even numbers: the samples may pass where a value does not."""

    regex = "[0-9]*[02468]"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class WordConverter:
    """Writes an int as 4 bytes in hexadecimal: a large value makes ``to_url`` raise
    ``OverflowError``, not the ``ValueError`` Django turns into a refusal."""

    regex = "[0-9a-f]{8}"

    def to_python(self, value: str) -> int:
        return int(value, 16)

    def to_url(self, value: int) -> str:
        return value.to_bytes(4, "big").hex()


register_converter(WordConverter, "test-word")
register_converter(HexIntConverter, "test-hexint")
register_converter(EvenIntConverter, "test-evenint")


def _view(request, **kwargs):  # type: ignore[no-untyped-def]
    raise AssertionError("never called")


# ROOT_URLCONF for the tests that need routes of their own.
urlpatterns = [
    path("hex/<test-hexint:n>/", _view, name="hex"),
    path("even/<test-evenint:n>/", _view, name="even"),
    re_path(r"^even-re/(?P<n>[0-9]*[02468])/$", _view, name="even-re"),
    path("pair/<uuid:a>/and/<uuid:b>/", _view, name="pair"),
    path("mixed/<int:n>/<uuid:u>/", _view, name="mixed"),
    path("twice/<int:n>/", _view, name="twice"),
    path("twice/<uuid:u>/", _view, name="twice"),
    path("slug/<slug:s>/", _view, name="slug"),
    path("text/<str:t>/", _view, name="text"),
    path("plain/", _view, name="plain"),
    # Django picks among routes of one name by the values, not only by their kinds.
    path("list/page/<int:page>/", _view, name="list"),
    path("list/", _view, {"page": 1}, name="list"),
    path("item/<int:pk>/", _view, name="item"),
    re_path(r"^i/(?P<pk>[0-9]{1,4})/$", _view, name="item"),
    path("big/<int:pk>/", _view, name="shadow"),
    re_path(r"^big/(?P<pk>[0-9]{16,})/$", _view, name="shadowed"),  # "shadow" answers first
    path("extra/<int:n>/", _view, {"extra": 1}, name="extra"),
    path("word/<test-word:n>/", _view, name="word"),
]


def _named_routes(resolver: URLResolver, prefix: str = "", converters=None):  # type: ignore[no-untyped-def]
    """(view name, {argument: converter}, whether it adds arguments of its own) for every
    named route under ``resolver``."""
    converters = dict(converters or {})
    for entry in resolver.url_patterns:
        found = {**converters, **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            space = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _named_routes(entry, space, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", found, bool(entry.default_args)


def _value(converter: object, number: int) -> object:
    name = type(converter).__name__
    if name == "UUIDConverter":
        return uuid.UUID(int=number % (1 << 128))
    if name == "IntConverter":
        return number
    return None  # a string converter: not a kind the shapes take


PROJECT_ROUTES = sorted(_named_routes(get_resolver()), key=lambda route: route[0])


def _same_as_django(name: str, **call: object) -> None:
    try:
        expected = django_reverse(name, **call)  # type: ignore[arg-type]
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            reverse(name, **call)  # type: ignore[arg-type]
        return
    assert reverse(name, **call) == expected, (name, call)  # type: ignore[arg-type]


def test_the_project_has_routes_with_uuid_and_int_arguments_to_check() -> None:
    kinds = {type(c).__name__ for _name, found, _ in PROJECT_ROUTES for c in found.values()}
    assert {"UUIDConverter", "IntConverter"} <= kinds
    assert len(PROJECT_ROUTES) > 100


@settings(max_examples=60, deadline=None)
@given(numbers=st.lists(st.integers(min_value=0, max_value=(1 << 128) - 1), min_size=3))
@pytest.mark.parametrize("language", ["es", "en"])
def test_every_project_route_reverses_as_django_does(language: str, numbers: list[int]) -> None:
    with translation.override(language):
        for name, found, _defaults in PROJECT_ROUTES:
            values = {arg: _value(conv, numbers[i % len(numbers)]) for i, (arg, conv) in enumerate(found.items())}  # fmt: skip
            if None in values.values():
                continue
            _same_as_django(name, kwargs=values)
            _same_as_django(name, args=list(values.values()))


def test_every_project_route_with_uuid_or_int_arguments_gets_a_shape() -> None:
    """The project's routes use Django's converters: none with a name of its own and no
    arguments of its own should fall back to Django (which would be correct, only slow)."""
    carried = Counter(name for name, _found, _defaults in PROJECT_ROUTES)
    checked = 0
    for name, found, defaults in PROJECT_ROUTES:
        if carried[name] > 1 or defaults:
            continue  # Django picks among these routes by the values: left to it
        values = {arg: _value(conv, 10 + i) for i, (arg, conv) in enumerate(found.items())}
        if None in values.values():
            continue
        try:
            link = django_reverse(name, kwargs=values)
        except NoReverseMatch:
            continue  # a name shared by routes of other arguments
        if resolve(link).view_name != name:
            continue  # another route answers this path first (the API's GET and POST)
        reverse(name, kwargs=values)
        shapes = [
            shape
            for key, shape in urls._shapes.items()
            if key[4] == name and key[5] == (tuple(values) or None)
        ]
        assert shapes and urls._BY_DJANGO not in shapes, name
        checked += 1
    assert checked > 100


def test_a_shape_is_kept_and_used_for_the_next_values(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    first, second = uuid.uuid4(), uuid.uuid4()
    assert reverse("people:detail", kwargs={"pk": first}) == f"/people/{first}/"

    def not_again(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise AssertionError("Django's reverse called again for a known shape")

    monkeypatch.setattr(urls, "django_reverse", not_again)
    assert reverse("people:detail", kwargs={"pk": second}) == f"/people/{second}/"


@pytest.mark.parametrize(
    "value",
    ["not-a-uuid", -1, True, 3.0, "12", str(uuid.UUID(int=5))],
    ids=["text", "negative", "bool", "float", "digits as text", "uuid as text"],
)
def test_values_of_other_kinds_go_to_django_with_its_result_or_its_error(value: object) -> None:
    _same_as_django("people:detail", kwargs={"pk": value})


def test_a_value_the_pattern_refuses_raises_djangos_error() -> None:
    with pytest.raises(NoReverseMatch):
        reverse("people:detail", kwargs={"pk": 12})  # an int where the route takes a UUID
    with pytest.raises(NoReverseMatch):
        reverse("people:detail", kwargs={"nope": uuid.uuid4()})
    with pytest.raises(NoReverseMatch):
        reverse("no-such-view")
    with pytest.raises(NoReverseMatch):
        reverse("people:detail")  # the argument is missing


@override_settings(ROOT_URLCONF=__name__)
def test_a_converter_that_writes_values_its_own_way_is_left_to_django() -> None:
    assert reverse("hex", kwargs={"n": 255}) == "/hex/ff/"
    assert reverse("hex", args=[4096]) == "/hex/1000/"


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("name", ["even", "even-re"])
def test_a_route_that_refuses_some_values_refuses_them_here_too(name: str) -> None:
    """The samples (even numbers) pass this route: the shape must not be used for 5."""
    assert reverse(name, kwargs={"n": 4}) == f"/{name}/4/"
    with pytest.raises(NoReverseMatch):
        reverse(name, kwargs={"n": 5})
    assert reverse(name, kwargs={"n": 10}) == f"/{name}/10/"


@override_settings(ROOT_URLCONF=__name__)
@settings(max_examples=50, deadline=None)
@given(a=st.uuids(), b=st.uuids(), n=st.integers(min_value=0, max_value=10**30))
def test_several_arguments_go_in_their_own_places(a: uuid.UUID, b: uuid.UUID, n: int) -> None:
    assert reverse("pair", kwargs={"a": a, "b": b}) == f"/pair/{a}/and/{b}/"
    assert reverse("pair", kwargs={"b": b, "a": a}) == f"/pair/{a}/and/{b}/"
    assert reverse("pair", args=[b, a]) == f"/pair/{b}/and/{a}/"
    assert reverse("mixed", kwargs={"u": a, "n": n}) == f"/mixed/{n}/{a}/"
    assert reverse("mixed", args=[n, a]) == django_reverse("mixed", args=[n, a])


@override_settings(ROOT_URLCONF=__name__)
def test_a_name_with_two_patterns_picks_the_one_django_picks_for_each_kind() -> None:
    u = uuid.uuid4()
    assert reverse("twice", kwargs={"n": 7}) == "/twice/7/"
    assert reverse("twice", kwargs={"u": u}) == f"/twice/{u}/"
    assert reverse("slug", kwargs={"s": "a-b"}) == "/slug/a-b/"
    assert reverse("plain") == "/plain/"


def test_another_url_configuration_or_script_prefix_gets_its_own_shapes() -> None:
    u = uuid.uuid4()
    assert reverse("people:detail", kwargs={"pk": u}) == f"/people/{u}/"
    with override_settings(ROOT_URLCONF=__name__):
        with pytest.raises(NoReverseMatch):
            reverse("people:detail", kwargs={"pk": u})
        assert reverse("plain") == "/plain/"
    set_script_prefix("/desk/")
    try:
        assert reverse("people:detail", kwargs={"pk": u}) == f"/desk/people/{u}/"
        assert reverse("people:detail", kwargs={"pk": u}) == django_reverse(
            "people:detail", kwargs={"pk": u}
        )
    finally:
        clear_script_prefix()
    assert reverse("people:detail", kwargs={"pk": u}) == f"/people/{u}/"


def test_every_template_gets_this_url_tag() -> None:
    template = Template("{% url 'people:detail' pk=pk %}")
    assert isinstance(template.nodelist[0], urls.URLNode)


def test_the_tag_renders_as_djangos_does() -> None:
    u = uuid.uuid4()
    rendered = Template(
        "<a href=\"{% url 'people:detail' pk=pk %}\">{% url 'people:detail' pk %}</a>"
        "{% url 'people:detail' pk=pk as link %}[{{ link }}]"
        "{% url 'no-such-view' as missing %}[{{ missing }}]"
        "{% url name pk=pk %}"
    ).render(Context({"pk": u, "name": "people:detail"}))
    link = f"/people/{u}/"
    assert rendered == f'<a href="{link}">{link}</a>[{link}][]{link}'


def test_the_tag_raises_for_a_missing_view_and_escapes_what_django_escapes() -> None:
    with pytest.raises(NoReverseMatch):
        Template("{% url 'no-such-view' %}").render(Context({}))
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")
    with override_settings(ROOT_URLCONF=__name__):
        # "&" is left as it is in a path, so only the template's escaping changes it.
        assert django_reverse("text", kwargs={"t": "a&b"}) == "/text/a&b/"
        escaped = Template("{% url 'text' t=t %}").render(Context({"t": "a&b"}))
        raw = Template("{% autoescape off %}{% url 'text' t=t %}{% endautoescape %}").render(
            Context({"t": "a&b"})
        )
    assert escaped == "/text/a&amp;b/"
    assert raw == "/text/a&b/"


def test_a_script_prefix_that_changes_with_every_request_cannot_fill_the_memory(
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(urls, "MAX_SHAPES", 50)
    u = uuid.uuid4()
    try:
        for n in range(400):
            set_script_prefix(f"/p{n}/")
            assert reverse("people:detail", kwargs={"pk": u}) == f"/p{n}/people/{u}/"
            assert len(urls._shapes) <= 50
    finally:
        clear_script_prefix()
    assert reverse("people:detail", kwargs={"pk": u}) == f"/people/{u}/"


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize("value", [1, 2, 5, 99, 9999, 10_000, 7_318_000_000_000_000, 10**20])
def test_routes_that_django_picks_by_value_are_left_to_django(value: int) -> None:
    """A route with a default for the argument, a narrower route of the same name, and a
    name whose links resolve to another route: the samples would pick one route for all."""
    for name in ("list", "item", "shadowed", "extra"):
        _same_as_django(
            name, kwargs={"page" if name == "list" else "n" if name == "extra" else "pk": value}
        )
        _same_as_django(name, args=[value])
    assert reverse("list", kwargs={"page": 1}) == "/list/"
    assert reverse("item", args=[5]) == "/i/5/"
    with pytest.raises(NoReverseMatch):
        reverse("shadowed", args=[5])


@override_settings(ROOT_URLCONF=__name__)
def test_a_converter_that_raises_on_the_samples_does_not_break_other_values() -> None:
    assert reverse("word", args=[5]) == "/word/00000005/"
    assert reverse("word", kwargs={"n": 255}) == "/word/000000ff/"
    with pytest.raises(OverflowError):
        reverse("word", args=[1 << 40])  # as Django itself raises
    assert Template("{% url 'word' 5 as u %}[{{ u }}]").render(Context({})) == "[/word/00000005/]"


def test_arguments_given_as_a_generator_are_read_once() -> None:
    u = uuid.uuid4()
    assert reverse("people:detail", args=(v for v in [u])) == f"/people/{u}/"
    with override_settings(ROOT_URLCONF=__name__):
        assert reverse("hex", args=(v for v in [255])) == "/hex/ff/"  # left to Django


def test_shapes_do_not_keep_an_old_url_configuration_alive() -> None:
    with override_settings(ROOT_URLCONF=__name__):
        resolver = weakref.ref(get_resolver())
        assert reverse("plain") == "/plain/"
        assert reverse("pair", args=[uuid.uuid4(), uuid.uuid4()])
    gc.collect()
    assert resolver() is None
