"""The template catalogue: every default exists, is short where it must be, names no one;
overrides win and are validated."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from mppdesk.audit.testing import audit_mark, entries_after
from mppdesk.core.errors import FieldErrors
from mppdesk.messaging.models import Channel, TemplateKind
from mppdesk.reminders import catalog, services
from mppdesk.reminders.models import LANGUAGES, MessageTemplate
from mppdesk.reminders.segments import is_gsm7, segment_info
from mppdesk.reminders.texts import DEFAULTS

ALL = [(k, c, lang) for k in TemplateKind.values for c in Channel.values for lang in LANGUAGES]
#: Words that would mean a template asks for who the person is.
IDENTITY = ("name", "nombre", "a_number", "anumber", "alien", "birth", "dob", "phone")


@pytest.mark.parametrize(("kind", "channel", "language"), ALL)
def test_every_kind_channel_and_language_has_a_valid_default(
    kind: str, channel: str, language: str
) -> None:
    body = catalog.default_body(kind, channel, language)
    assert body.strip()
    assert catalog.validate_body(kind, channel, body) == []
    for name in catalog.placeholders_in(body):
        assert not any(word in name for word in IDENTITY)


def test_no_kind_can_use_a_placeholder_for_a_name_or_an_a_number() -> None:
    for names in catalog.PLACEHOLDERS.values():
        for name in names:
            assert not any(word in name for word in IDENTITY), name
    assert set(catalog.PLACEHOLDERS) == set(TemplateKind.values)


@pytest.mark.parametrize("language", LANGUAGES)
def test_default_sms_texts_are_gsm7_and_at_most_three_segments(language: str) -> None:
    context = catalog.sample_context(language)
    for kind in TemplateKind.values:
        body = catalog.default_body(kind, Channel.SMS, language)
        assert is_gsm7(body), (kind, [c for c in body if not is_gsm7(c)])
        rendered = catalog.fill(body, context, channel=Channel.SMS)
        info = segment_info(rendered)
        assert info.encoding == "GSM-7", (kind, rendered)
        assert info.segments <= 3, (kind, info)


def test_channels_have_their_own_texts_where_they_differ() -> None:
    sms = catalog.default_body("hearing_notice", Channel.SMS, "es")
    whatsapp = catalog.default_body("hearing_notice", Channel.WHATSAPP, "es")
    email = catalog.default_body("hearing_notice", Channel.EMAIL, "es")
    voice = catalog.default_body("hearing_notice", Channel.VOICE, "es")
    assert len(whatsapp) > len(sms) and whatsapp == email
    assert voice not in (sms, whatsapp) and "Repito" in voice
    # Unknown languages fall back to Spanish.
    assert catalog.default_body("reminder", Channel.SMS, "quc") == catalog.default_body(
        "reminder", Channel.SMS, "es"
    )


def test_ht_and_fr_defaults_are_marked_for_review_by_a_native_speaker() -> None:
    import inspect

    from mppdesk.reminders import texts

    source = inspect.getsource(texts)
    assert "reviewed by" in source and "native speaker" in source
    assert set(DEFAULTS["hearing_notice"]) == set(LANGUAGES)


def test_dates_and_times_are_written_in_the_language() -> None:
    day = dt.date(2026, 3, 9)
    assert catalog.format_date(day, "es") == "lunes 9 de marzo de 2026"
    assert catalog.format_date(day, "en") == "Monday, March 9, 2026"
    assert catalog.format_date(day, "pt") == "segunda-feira, 9 de março de 2026"
    assert catalog.format_date(day, "fr") == "lundi 9 mars 2026"
    assert catalog.format_date(day, "ht") == "lendi 9 mas 2026"
    assert catalog.format_time(dt.time(4, 5), "es") == "04:05"
    assert catalog.format_time(dt.time(16, 5), "en") == "4:05 PM"
    assert catalog.format_time(dt.time(0, 30), "en") == "12:30 AM"


@given(st.text(min_size=1, max_size=40))
def test_fill_only_substitutes_plain_names_and_never_reaches_into_objects(value: str) -> None:
    body = "A {date} B {time} C"
    out = catalog.fill(body, {"date": value, "time": "x"}, channel=Channel.WHATSAPP)
    assert out == f"A {value} B x C"
    # Attribute access in a (hand-inserted) template gives nothing, never an attribute.
    assert catalog.fill("{date.__class__}", {"date": value}) == ""


def test_validation_names_unknown_placeholders_and_malformed_braces() -> None:
    problems = catalog.validate_body("reminder", "sms", "Hola {nombre}, {date} {a_number}")
    assert len(problems) == 1
    assert "{nombre}" in problems[0] and "{a_number}" in problems[0]
    assert "{report_time}" in problems[0]  # says what may be used
    assert catalog.validate_body("reminder", "sms", "Audiencia {date") != []
    assert catalog.validate_body("reminder", "sms", "{date!r}") != []
    assert catalog.validate_body("opt_out_confirmation", "sms", "Bye {date}") != []
    assert catalog.validate_body("manual", "sms", "{text}") == []
    assert catalog.validate_body("reminder", "sms", "   ") != []
    assert catalog.validate_body("reminder", "sms", "Llaves {{así}} {date}") == []


def test_save_template_overrides_the_default_and_reset_restores_it(personas: Any) -> None:
    mark = audit_mark()
    saved = services.save_template(
        actor=personas.coordinator,
        kind="reminder",
        channel="sms",
        language="es",
        body="Recuerde: {date} a las {time}.",
    )
    assert saved.updated_by == personas.coordinator
    context = {"date": "lunes", "time": "08:00"}
    assert catalog.render("reminder", "sms", "es", context) == "Recuerde: lunes a las 08:00."
    # Other channels and languages keep their defaults.
    assert catalog.render("reminder", "sms", "en", context).startswith("Reminder:")
    services.save_template(
        actor=personas.coordinator, kind="reminder", channel="sms", language="es", body="Ya {date}"
    )
    assert MessageTemplate.objects.count() == 1
    assert services.reset_template(
        actor=personas.coordinator, kind="reminder", channel="sms", language="es"
    )
    assert not services.reset_template(
        actor=personas.coordinator, kind="reminder", channel="sms", language="es"
    )
    assert catalog.template_body("reminder", "sms", "es") == (
        catalog.default_body("reminder", "sms", "es"),
        False,
    )
    entries = list(entries_after(mark))
    assert [(e.action, e.object_type, e.object_id) for e in entries] == [
        ("create", "message_template", "reminder:sms:es"),
        ("update", "message_template", "reminder:sms:es"),
        ("delete", "message_template", "reminder:sms:es"),
    ]
    assert all(e.organization == personas.org and e.fields == ["body"] for e in entries)


def test_save_template_errors_name_the_field_and_change_nothing(personas: Any) -> None:
    with pytest.raises(FieldErrors) as caught:
        services.save_template(
            actor=personas.coordinator,
            kind="reminder",
            channel="sms",
            language="es",
            body="Hola {full_name}",
        )
    assert list(caught.value.errors) == ["body"]
    assert "{full_name}" in caught.value.errors["body"][0]
    with pytest.raises(FieldErrors) as caught:
        services.save_template(
            actor=personas.coordinator, kind="nope", channel="fax", language="de", body="x"
        )
    assert set(caught.value.errors) == {"kind", "channel", "language"}
    assert not MessageTemplate.objects.exists()


def test_only_template_managers_may_edit_templates(personas: Any) -> None:
    for user in (personas.caseworker, personas.outsider):
        with pytest.raises(PermissionDenied):
            services.save_template(
                actor=user, kind="reminder", channel="sms", language="es", body="{date}"
            )
        with pytest.raises(PermissionDenied):
            services.reset_template(actor=user, kind="reminder", channel="sms", language="es")
    assert not MessageTemplate.objects.exists()


def test_preview_and_catalogue_rows_for_the_editor(personas: Any) -> None:
    services.save_template(
        actor=personas.coordinator, kind="reminder", channel="voice", language="pt", body="{port}"
    )
    assert catalog.preview("reminder", "voice", "pt") == "El Paso"
    assert catalog.preview("reminder", "sms", "es", body="{city}") == "Ciudad Juarez"  # GSM-7
    assert catalog.preview("reminder", "whatsapp", "es", body="{city}") == "Ciudad Juárez"
    rows = catalog.catalogue()
    assert len(rows) == len(ALL)
    edited = [r for r in rows if r["is_override"]]
    assert [(r["kind"], r["channel"], r["language"], r["body"]) for r in edited] == [
        ("reminder", "voice", "pt", "{port}")
    ]
