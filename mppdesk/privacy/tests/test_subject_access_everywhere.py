"""A person's subject-access export holds their data from every app, and nobody else's.

Uses the erasure test's world (``test_erasure_everywhere.world``): Zoraida and her son
Xiomar have data in every app that can hold any; Rosendo, of the same organization,
shares one phone number with Zoraida.
"""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.utils import translation

from mppdesk.core import registry
from mppdesk.core.checks import subject_access_coverage_errors
from mppdesk.hearings.pdf.tests.pdftext import text as pdf_text
from mppdesk.privacy import subject_access
from mppdesk.privacy.subject_access import build_subject_export
from mppdesk.privacy.tests.test_erasure_everywhere import ROSTER_ID, World

pytestmark = pytest.mark.django_db

HER_OWN = [
    "Hola Zoraida",  # a message sent to her
    "Zoraida: recordatorio",  # a planned reminder
    "Zoraida expresó",  # her screening decision note
    "Zoraida relató",  # her fear interview
    f"{ROSTER_ID}-Zoraida",  # her detention record
    "Zoraida aceptó",  # the consent note of her referral
    "Zoraida necesita",
    "Cupo para Zoraida",
    "soy Zoraida",  # a text from her own number
    "Zoraida: respuesta guardada",  # the stored reply to it
    "Zoraida enferma",  # a hearing of her case
    "Albergue de Zoraida",  # a notice of it
    "Zoraida: moción",  # its in absentia follow-up
    "CURP-Zoraida",  # her document
    "Zoraida tiene asma",  # her need
    "Zoraida irá el martes",  # her referral to a service
]

# Her son's own data (his screening, his messages, his detention, his referral) and
# Rosendo's, who shares her phone number, are theirs.
NOT_HERS = [
    "Xiomar expresó",
    "Xiomar relató",
    "Hola Xiomar",
    f"{ROSTER_ID}-Xiomar",
    "Xiomar aceptó",
    "CURP-Xiomar",
    "Xiomar tiene asma",
    "Rosendo",
    "Villalpando",
    "CITA Rosendo",
]


def export_text(world: World) -> str:
    return json.dumps(build_subject_export(world.lead), ensure_ascii=False)


def test_export_holds_her_data_from_every_app(world):
    text = export_text(world)
    missing = [value for value in HER_OWN if value not in text]
    assert missing == []


def test_export_holds_nobody_elses_data(world):
    text = export_text(world)
    assert [value for value in NOT_HERS if value in text] == []


def test_every_section_of_a_person_with_data_everywhere_is_filled(world):
    export = build_subject_export(world.lead)
    assert list(export) == subject_access.TOP_LEVEL_KEYS
    assert export["hearings"] and export["hearings"][0]["notices"]
    assert export["screening"]["facts"]["flags"] == ["criminal_history"]
    assert export["screening"]["decisions"] and export["screening"]["interviews"]
    assert export["transfers"]["detentions"] and export["transfers"]["movements"]
    assert export["transfers"]["groups"][0]["included"] is True
    assert export["messages"]["sent"][0]["timeline"]
    assert [m["body"] for m in export["messages"]["received"]] == [
        "CITA 087654321 21/07/1986",
        "AYUDA por favor, soy Zoraida",
    ]
    assert export["referrals"][0]["purpose"] == "medical"


def test_the_pdf_shows_every_registered_section(world):
    export = build_subject_export(world.lead)
    with translation.override("en"):
        text = pdf_text(subject_access.render_subject_pdf(export, "en"))
    for heading in (
        "Hearings",
        "Screening",
        "Detention and transfers",
        "Messages",
        "Shared with other organizations",
    ):
        assert heading in text
    assert "Hola Zoraida" in text
    assert "Zoraida relató" in text


def test_every_model_with_personal_data_is_accounted_for_by_a_section():
    assert subject_access_coverage_errors(apps.get_models(), registry.subject_sections) == []


@pytest.mark.parametrize("left_out", ["hearings", "screening", "transfers", "messages"])
def test_the_check_catches_an_app_whose_section_is_missing(left_out):
    sections = [s for s in registry.subject_sections if s.name != left_out]
    errors = subject_access_coverage_errors(apps.get_models(), sections)
    assert errors and {e.id for e in errors} == {"core.E003"}
    assert all(left_out.rstrip("s")[:6] in str(e.obj._meta.app_label) for e in errors)


def test_the_check_catches_a_section_naming_a_model_that_does_not_exist():
    bogus = registry.SubjectSection(name="bogus", build=lambda p: None, models=("hearings.Hering",))
    errors = subject_access_coverage_errors([], [*registry.subject_sections, bogus])
    assert [e.id for e in errors] == ["core.E004"]
