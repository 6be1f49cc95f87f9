"""The OpenAPI schema is complete: generated without any drf-spectacular warning or error,
valid against the OpenAPI 3 JSON schema, and every operation documents its real answers.

The generation runs `manage.py spectacular` in a subprocess, exactly as CI would, so the
generator's process-wide state (warning cache, enum-name cache) cannot leak between tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ERROR_REF = {"$ref": "#/components/schemas/Error"}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("schema") / "schema.json"
    proc = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--format", "openapi-json", "--file", str(out),
         "--fail-on-warn", "--validate"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    schema = json.loads(out.read_text()) if out.exists() else None
    return proc, schema


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def test_generation_has_no_warnings_and_the_schema_is_valid(generated):
    proc, schema = generated
    # --fail-on-warn exits non-zero on any warning or error, --validate on an invalid schema.
    assert proc.returncode == 0, proc.stderr
    assert "Warning" not in proc.stderr and "Error" not in proc.stderr, proc.stderr
    assert schema is not None and schema["openapi"].startswith("3.")


def test_every_operation_documents_success_and_the_error_envelope(generated):
    _, schema = generated
    problems = []
    for name, operation in _operations(schema):
        responses = operation["responses"]
        success = [code for code in responses if code.startswith("2")]
        if not success:
            problems.append(f"{name}: no 2xx response")
        for code in success:
            if code == "204":
                continue
            content = responses[code].get("content")
            if not content:
                problems.append(f"{name}: {code} without body schema")
                continue
            for media_type, body in content.items():
                body_schema = body["schema"]
                if body_schema.get("type") == "object" and not (
                    "properties" in body_schema or "additionalProperties" in body_schema
                ):
                    problems.append(f"{name}: {code} {media_type} is an untyped object")
        for code, response in responses.items():
            if code[0] in "45" and response["content"]["application/json"]["schema"] != ERROR_REF:
                problems.append(f"{name}: {code} does not use the common error envelope")
        security = operation.get("security", [])
        if security and {} not in security and "401" not in responses:  # {} = anonymous allowed
            problems.append(f"{name}: authenticated operation without 401")
    assert not problems, "\n".join(problems)


def test_error_envelope_matches_the_exception_handler(generated):
    _, schema = generated
    components = schema["components"]["schemas"]
    assert components["Error"]["properties"]["error"] == {"$ref": "#/components/schemas/ErrorBody"}
    assert set(components["ErrorBody"]["properties"]) == {"code", "message", "fields"}
    assert set(components["ErrorBody"]["required"]) == {"code", "message", "fields"}


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/api/v1/appeals/{id}/poster.pdf", "application/pdf"),
        ("/api/v1/appeals/{appeal_id}/tips/export.pdf", "application/pdf"),
        ("/api/v1/appeals/{appeal_id}/tips/attachments/{attachment_id}/", "image/jpeg"),
        ("/api/v1/appeals/{appeal_id}/tips/attachments/{attachment_id}/", "video/mp4"),
    ],
)
def test_downloads_are_documented_as_binary(generated, path, media_type):
    _, schema = generated
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]
    assert content[media_type]["schema"] == {"type": "string", "format": "binary"}
    assert "application/json" not in content


def test_both_authentication_schemes_are_described(generated):
    _, schema = generated
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    assert schema["paths"]["/api/v1/public/appeals/"]["get"]["security"] == [{}]
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/appeals/"]["get"]["security"]


def test_served_schema_is_the_checked_one(generated, api_client):
    _, schema = generated
    response = api_client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    served = json.loads(response.content)
    assert set(served["components"]["schemas"]) == set(schema["components"]["schemas"])
    assert set(served["paths"]) == set(schema["paths"])
