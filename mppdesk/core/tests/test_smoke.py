import pytest

from mppdesk.people import services
from mppdesk.people.queries import search_people


@pytest.mark.django_db
def test_created_person_is_found_by_folded_name(personas):
    person = services.create_person(
        actor=personas.caseworker,
        organization=personas.org,
        data={
            "given_names": "José",
            "family_names": "Pérez López",
            "birth_date": "1990-05-17",
            "nationality": "Honduras",
        },
        contacts=[{"kind": "phone", "value": "656 123 4567", "consent": True}],
    )
    assert person.nationality == "HND"
    assert person.contact_points.get().value == "+526561234567"
    assert list(search_people(personas.caseworker, "jose perez")) == [person]
    assert list(search_people(personas.outsider, "jose perez")) == []


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
