"""The OpenAPI document and the interactive docs."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from openapi_spec_validator import validate

OPENAPI = "/api/v1/openapi.json"


@pytest.fixture
def spec(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    response = Client().get(OPENAPI)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document: dict[str, Any] = response.json()
    return document


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op) for path, item in spec["paths"].items() for method, op in item.items()
    ]


def test_openapi_document_is_valid(spec: dict[str, Any]) -> None:
    validate(spec)
    assert spec["info"]["title"] == "MPP Desk API"


def test_openapi_lists_the_registry_endpoints(spec: dict[str, Any]) -> None:
    wanted = {
        ("/api/v1/people", "get"), ("/api/v1/people", "post"),
        ("/api/v1/people/search", "post"), ("/api/v1/cases/search", "post"),
        ("/api/v1/people/{person_id}", "get"), ("/api/v1/people/{person_id}", "patch"),
        ("/api/v1/households", "get"), ("/api/v1/households", "post"),
        ("/api/v1/households/{household_id}", "get"),
        ("/api/v1/households/{household_id}", "patch"),
        ("/api/v1/households/{household_id}/members", "post"),
        ("/api/v1/cases", "get"), ("/api/v1/cases", "post"),
        ("/api/v1/cases/{case_id}", "get"), ("/api/v1/cases/{case_id}", "patch"),
        ("/api/v1/cases/{case_id}/notes", "post"),
    }  # fmt: skip
    assert wanted <= {(path, method) for path, method, _op in _operations(spec)}


def test_every_registry_operation_documents_the_error_shape(spec: dict[str, Any]) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    for path, method, op in _operations(spec):
        if path.startswith("/api/v1/imports"):
            continue  # owned by the import router
        codes = {"401", "422"} | ({"404"} if "{" in path else set())
        for code in codes:
            assert op["responses"][code]["content"]["application/json"]["schema"] == error_ref, (
                path,
                method,
                code,
            )
        assert op["security"] == [{"BearerTokenAuth": []}], (path, method)
        assert op.get("description"), f"{method} {path} has no docstring"


def test_error_schema_names_the_field(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert set(schemas["ErrorOut"]["properties"]) == {"detail", "errors"}
    assert set(schemas["FieldErrorOut"]["properties"]) == {"field", "message"}
    assert spec["components"]["securitySchemes"]["BearerTokenAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }


def test_input_schemas_forbid_unknown_fields(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in (
        "PersonCreateIn",
        "PersonUpdateIn",
        "ContactIn",
        "HouseholdCreateIn",
        "CaseCreateIn",
        "CaseUpdateIn",
        "PersonSearchIn",
        "CaseSearchIn",
    ):
        assert schemas[name]["additionalProperties"] is False, name


# Query parameters that would put personal data into URLs, and so into access logs.
PERSONAL_QUERY_PARAMETERS = {"q", "a_number", "phone", "name", "given_names", "family_names"}


def test_no_get_operation_takes_personal_data_in_the_url(spec: dict[str, Any]) -> None:
    gets = [(path, op) for path, method, op in _operations(spec) if method == "get"]
    assert gets
    for path, op in gets:
        query = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
        assert not query & PERSONAL_QUERY_PARAMETERS, (path, query & PERSONAL_QUERY_PARAMETERS)
    people_list = spec["paths"]["/api/v1/people"]["get"]
    assert {p["name"] for p in people_list["parameters"]} >= {"nationality", "has_case", "limit"}


def test_search_operations_take_the_terms_in_the_body(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for path, schema, term in (
        ("/api/v1/people/search", "PersonSearchIn", "q"),
        ("/api/v1/cases/search", "CaseSearchIn", "a_number"),
    ):
        op = spec["paths"][path]["post"]
        assert not op.get("parameters"), path
        body = op["requestBody"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{schema}"}
        assert term in schemas[schema]["required"]
        assert "access logs" in op["description"], path


def test_docs_page_is_served(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_docs_page_needs_no_cdn(db) -> None:  # type: ignore[no-untyped-def]
    html = Client().get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr.net" not in html
    assert "https://" not in html
    assert "/static/ninja/swagger-ui-bundle.js" in html


def test_docs_page_assets_are_local_static_files() -> None:
    assert finders.find("ninja/swagger-ui-bundle.js")
    assert finders.find("ninja/swagger-ui.css")


def test_unknown_api_path_answers_in_the_error_shape(db) -> None:  # type: ignore[no-untyped-def]
    response = Client().get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "errors": []}


def _schema_classes() -> list[type]:
    """Every ninja schema class of the API: the API package's and each app's router's."""
    from ninja import Schema

    import mppdesk.api.main  # noqa: F401  (imports every router)

    seen: list[type] = []
    stack = list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("mppdesk.") and cls not in seen:
            seen.append(cls)
    return seen


def test_no_two_schemas_share_a_name() -> None:
    """django-ninja names a component after its class: two classes of one name would
    silently document one shape for both."""
    by_name: dict[str, list[str]] = {}
    for cls in _schema_classes():
        by_name.setdefault(cls.__name__, []).append(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_times_of_day_are_documented_as_local_hh_mm(spec: dict[str, Any]) -> None:
    """Format "time" is RFC 3339 full-time, which needs an offset; the API's times of day
    are local to the court and have none, so they are strings with a pattern."""
    text = json.dumps(spec)
    assert '"format": "time"' not in text
    starts = spec["components"]["schemas"]["DocketOut"]["properties"]["starts_at"]
    assert starts["type"] == "string" and re.fullmatch(starts["pattern"], "08:30:00")
    assert not re.fullmatch(starts["pattern"], "08:30:00+02:00")


def test_the_import_422_documents_its_report(spec: dict[str, Any]) -> None:
    op = spec["paths"]["/api/v1/imports/people"]["post"]
    ref = op["responses"]["422"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    assert set(schema["required"]) == {"detail", "errors", "report"}
    assert schema["properties"]["errors"]["items"] == {"$ref": "#/components/schemas/FieldErrorOut"}
