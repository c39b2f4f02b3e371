from __future__ import annotations

import json
import re
import warnings

import pytest

from mppdesk.audit.models import AuditEntry
from mppdesk.privacy import subject_access
from mppdesk.privacy.subject_access import build_subject_export, export_subject_data

pytestmark = pytest.mark.django_db


def test_export_holds_the_persons_own_data(family):
    export = build_subject_export(family.lead)

    assert list(export) == subject_access.TOP_LEVEL_KEYS
    assert export["format"] == "mppdesk.subject_access/2"
    person = export["person"]
    assert (person["given_names"], person["family_names"]) == ("María José", "Gonçalves Pérez")
    assert person["other_names"] == ["Majo Perès"]
    assert person["birth_date"] == "1987-03-14"
    assert person["vulnerabilities"] == ["pregnant"]
    assert "Tegucigalpa" in person["notes"]
    assert {c["value"] for c in export["contact_points"]} == {"+526561234567", "majo@example.org"}
    assert {c["kind"]: c["consent"] for c in export["contact_points"]} == {
        "phone": True,
        "email": False,
    }
    assert [lang["code"] for lang in export["languages"]] == ["spa", "eng"]
    (case,) = export["cases"]
    assert case["a_number"] == "A012-345-678"
    assert case["role"] == "lead"
    assert any("Audiencia reprogramada" in e["summary"] for e in case["events"])
    assert export["household"]["relationship"] == "lead"


def test_export_keys_are_stable(family):
    export = build_subject_export(family.lead)
    assert set(export["person"]) == {
        "id", "given_names", "family_names", "other_names", "birth_date", "birth_year", "sex",
        "nationality", "vulnerabilities", "notes", "created_at", "updated_at",
    }  # fmt: skip
    assert set(export["contact_points"][0]) == {
        "kind", "value", "consent", "consent_recorded_at", "opted_out", "opted_out_at",
        "created_at",
    }  # fmt: skip
    assert set(export["cases"][0]) == {
        "id", "a_number", "role", "venue", "port", "program_version", "status", "opened_on",
        "closed_on", "events",
    }  # fmt: skip
    assert set(export["cases"][0]["events"][0]) == {"at", "kind", "summary", "detail"}
    assert set(export["household"]) == {"id", "relationship", "port", "other_members"}
    assert set(export["access_log"][0]) == {
        "at", "organization", "role", "action", "object_type", "fields", "channel",
    }  # fmt: skip
    json.dumps(export)  # plain JSON, no dates or UUIDs left as objects


def test_other_members_appear_only_by_relationship(family):
    text = json.dumps(build_subject_export(family.lead), ensure_ascii=False)
    assert "Joãozinho" not in text
    assert "2019-08-01" not in text
    assert str(family.child.pk) not in text
    export = build_subject_export(family.lead)
    assert export["household"]["other_members"] == [{"relationship": "child"}]
    # The child's own export does not hold the mother's record either.
    child_text = json.dumps(build_subject_export(family.child), ensure_ascii=False)
    assert "1987-03-14" not in child_text and "majo@example.org" not in child_text


def test_access_log_names_organization_and_role_not_usernames(personas, family):
    export = build_subject_export(family.lead)
    log = export["access_log"]
    assert {e["object_type"] for e in log} >= {"person", "case", "household"}
    assert {e["organization"] for e in log} == {"Asistencia Legal Frontera"}
    assert {e["role"] for e in log} == {"caseworker"}
    assert 'caseworker"' not in json.dumps([e for e in log if "username" in e])
    assert all("actor" not in e for e in log)


def test_reading_the_export_is_audited(personas, family):
    export_subject_data(actor=personas.caseworker, person=family.lead, fmt="json")
    entry = AuditEntry.objects.filter(action="export").get()
    assert (entry.object_type, entry.object_id) == ("person", str(family.lead.pk))
    assert entry.actor == personas.caseworker
    assert "subject_access_json" in entry.fields


def test_pdf_is_a_pdf_rendered_without_missing_glyphs(family):
    export = build_subject_export(family.lead)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for language in ("es", "en"):
            body = subject_access.render_subject_pdf(export, language)
            assert body.startswith(b"%PDF-")
            assert body.rstrip().endswith(b"%%EOF")
            assert b"DejaVu" in body  # the Unicode font is embedded


def test_pdf_language_follows_the_preferred_language(family):
    export = build_subject_export(family.lead)
    assert subject_access.pdf_language(export) == "es"
    export["languages"] = [{"code": "hat", "preferred": True, "needs_interpreter": True}]
    assert subject_access.pdf_language(export, fallback="en") == "en"


def test_pdf_labels_are_translated():
    from django.utils import translation

    with translation.override("es"):
        labels = subject_access._labels()
    assert labels["title"] == "Datos personales que tenemos sobre usted"


def test_erased_person_export_holds_nothing_personal(family):
    from mppdesk.privacy import services

    services.erase_person(actor=None, person=family.lead, reason="request")
    text = json.dumps(build_subject_export(family.lead), ensure_ascii=False)
    # Random ids, hashes and the times of the erasure may hold digit runs like "656" by
    # chance: look at everything else.
    text = re.sub(
        r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{32,}"
        r"|\d{4}-\d{2}-\d{2}T[\d:.]+(?:[+-]\d{2}:\d{2}|Z)?",
        "",
        text,
    )
    for value in ("María", "Gonçalves", "1987", "majo@", "656", "Tegucigalpa", "Audiencia"):
        assert value not in text
    assert subject_access.render_subject_pdf(build_subject_export(family.lead)).startswith(b"%PDF")


def test_export_is_assembled_from_the_sections_the_apps_register(family):
    from mppdesk.core import registry

    assert [s.name for s in registry.subject_sections] == subject_access.TOP_LEVEL_KEYS[3:]
    extra = registry.SubjectSection(name="shelter_stays", build=lambda p: [str(p.pk)], order=55)
    with registry.subject_sections.replaced(extra, without=("household",)):
        export = build_subject_export(family.lead)
    assert "household" not in export
    assert export["shelter_stays"] == [str(family.lead.pk)]
    assert list(export).index("shelter_stays") == list(export).index("cases") + 1
