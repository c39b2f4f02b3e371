"""A few synthetic service providers per receiving city (the Mexican cities of the ports
of entry, ``places``). Names and contacts are invented and marked ``synthetic``: replace
them with the real directory of each city before relying on them."""

from __future__ import annotations

from typing import Any

#: (name pattern, services, languages, contact pattern)
TEMPLATES = [
    ("Clínica Comunitaria {city} (sintética)", ["health", "maternal", "mental_health"],
     ["es", "en"], "clinica@example.org"),
    ("Escuela Primaria Puertas Abiertas {city} (sintética)", ["school"], ["es"],
     "escuela@example.org"),
    ("Centro de Apoyo Legal y Documentos {city} (sintético)", ["legal_mx", "work",
     "victim_assistance", "family_tracing"], ["es", "en", "fr", "ht"], "legal@example.org"),
    ("Comedor y Transporte Solidario {city} (sintético)", ["food", "transport", "shelter"],
     ["es", "pt"], "comedor@example.org"),
]  # fmt: skip


def seed_providers(apps: Any, schema_editor: Any = None) -> int:
    Port = apps.get_model("places", "Port")
    ServiceProvider = apps.get_model("assistance", "ServiceProvider")
    created = 0
    for city in sorted(set(Port.objects.values_list("mexican_city", flat=True))):
        for name, services, languages, contact in TEMPLATES:
            _, made = ServiceProvider.objects.get_or_create(
                city=city,
                name=name.format(city=city),
                defaults={
                    "services": services, "languages": languages, "contact": contact,
                    "synthetic": True,
                },
            )  # fmt: skip
            created += int(made)
    return created
