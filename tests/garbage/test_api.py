"""Garbage into every write of the API: never a 500, never a row written for a refused request,
an Italian message, and a value that no field could take is refused.

The operations are the ones the API documents (its OpenAPI schema): every POST, PATCH and PUT.
Each is sent as the authorization matrix sends it (`tests/security/patterns.py` `API_BODIES`,
by the first role the matrix lets write), then once for each garbage value of each field of its
request schema, the other fields keeping their baseline; then a body that is not JSON and bodies
holding a NUL character. Every request runs in a savepoint that is rolled back.
"""

import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client

from config.api import api
from tests.i18n.english import find_english
from tests.security.patterns import Pattern, all_patterns, api_body, url_for
from tests.security.test_authorization_matrix import WriteWatch, expected_rows, world  # noqa: F401

HUGE = 10**20  # 21 digits as a JSON number
LONG = "Testo lunghissimo " * 600  # 10,800 characters
ORDER = ("op", "adm", "par", "fun", "coa", "ev", "app", "evc", "coa2", "par2", "app2")
# Roles that the matrix lets write (a refusal of the role itself tells nothing of the input).
WRITES = {"200", "201", "409", "422"}
# The PATCH of a vacancy shares its address with its GET: its baseline is a small change.
PATCH_BODIES = {"api:v1:update_vacancy": {"title": "Cuoco capopartita"}}
SCHEMA = api.get_openapi_schema()
COMPONENTS = SCHEMA["components"]["schemas"]


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        schema = COMPONENTS[schema["$ref"].rsplit("/", 1)[1]]
    options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
    if options:
        return _resolve(options[0])
    return schema


def operations() -> list[tuple[str, str, dict]]:
    """(URL name, method, request schema) of every write the API documents."""
    found = []
    for ops in SCHEMA["paths"].values():
        for method, op in ops.items():
            if method not in ("post", "patch", "put"):
                continue
            name = op["operationId"]
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
            found.append((name, method, _resolve(body["schema"]) if body else {}))
    return found


def _key(operation_id: str) -> str:
    keys = {p.key for p in all_patterns() if p.api}
    matches = [k for k in keys if operation_id.endswith("_" + k.removeprefix("api:v1:"))]
    assert len(matches) >= 1, operation_id
    return max(matches, key=len)


def garbage(schema: dict) -> list[tuple[str, Any, bool]]:
    """(label, value, always invalid) for one field of a request schema."""
    kind, values = schema.get("type"), []
    if "enum" in schema:
        return [("codice sconosciuto", "codice-x", True), ("numero di 20 cifre", HUGE, True)]
    if kind == "string":
        values.append(("carattere NUL", "a\x00b", True))
        values.append(("testo lunghissimo", LONG, "maxLength" in schema))
        values.append(("tipo sbagliato (lista)", ["x"], True))
        if schema.get("format") == "date":
            values += [("data impossibile", "2026-02-31", True), ("anno 0", "0000-01-01", True)]
        elif schema.get("format") == "time":
            values.append(("ora impossibile", "25:61", True))
        elif schema.get("format") == "date-time":
            values.append(("ora impossibile", "2026-02-31T25:61", True))
        return values
    if kind in ("integer", "number"):
        return [
            ("non un numero", "dodici", True),
            ("numero di 21 cifre", HUGE, True),
            ("negativo", -1, False),
            ("tipo sbagliato (lista)", [1], True),
        ]
    if kind == "boolean":
        return [("non un sì o no", "forse", True), ("tipo sbagliato (lista)", [True], True)]
    if kind == "array":
        return [
            ("non una lista", "x", True),
            ("lista di numeri di 21 cifre", [HUGE], True),
            ("lista con NUL", ["a\x00b"], True),
        ]
    if kind == "object":
        return [("non un oggetto", "x", True)]
    # Decimals are a string or a number.
    return [("carattere NUL", "a\x00b", True), ("numero di 21 cifre", HUGE, True)]


def _send(client, method: str, url: str, body: bytes, token: str):
    watch = WriteWatch()
    with transaction.atomic(), connection.execute_wrapper(watch):
        response = getattr(client, method)(
            url,
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
        transaction.set_rollback(True)
    return response, watch.tables


def _check(label: str, response, writes: list[str], always_invalid: bool) -> list[str]:
    code = response.status_code
    if code >= 500:
        return [f"{label}: errore {code}"]
    if code >= 400 and writes:
        return [f"{label}: risposta {code}, ha scritto in {sorted(set(writes))}"]
    if always_invalid and code < 400:
        return [f"{label}: risposta {code}, valore accettato"]
    if code >= 400:
        body = response.json()
        messages = [body["message"]]
        for errors in (body.get("fields") or {}).values():
            messages += errors
        english = find_english([str(m) for m in messages])
        if english:
            return [f"{label}: testo inglese {[str(e) for e in english[:3]]}"]
    return []


OPERATIONS = operations()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("operation_id", "method", "schema"), OPERATIONS, ids=[o[0] for o in OPERATIONS]
)
def test_garbage(operation_id, method, schema, world):  # noqa: F811
    key = _key(operation_id)
    pattern = next(p for p in all_patterns() if p.key == key)
    row = "GET" if method == "patch" else "POST"
    rows = expected_rows(key).get(row, {})
    # A role the matrix lets write, else one that reaches the object's lookup (404 after the
    # schema: the garbage is still read).
    writers = [r for r in ORDER if rows.get(r) in WRITES] or [
        r for r in ORDER if rows.get(r) == "404"
    ]
    role = writers[0]
    client, token = Client(raise_request_exception=False), world.tokens[role]
    url = url_for(world, role, Pattern(key, pattern.route, True))
    base = PATCH_BODIES.get(key) or api_body(world, role, pattern)
    problems = []
    response, _writes = _send(client, method, url, json.dumps(base).encode(), token)
    if response.status_code >= 500:
        problems.append(f"corpo valido: errore {response.status_code}")
    for name, field in schema.get("properties", {}).items():
        for label, value, always_invalid in garbage(_resolve(field)):
            body = json.dumps({**base, name: value}).encode()
            response, writes = _send(client, method, url, body, token)
            problems += _check(f"{name} ({label})", response, writes, always_invalid)
    raw = json.dumps(base).encode()
    for label, body in (
        ("corpo non JSON", b"{esito: assunta"),
        ("NUL nel JSON", raw[:-1] + b', "x": "a\x00b"}' if raw != b"{}" else b'{"x": "a\x00b"}'),
        ("NUL scritto \\u0000", raw[:-1] + b', "x\\u0000": 1}' if raw != b"{}" else b'{"x": 1}'),
        ("corpo lista", b"[1, 2]"),
    ):
        response, writes = _send(client, method, url, body, token)
        strict = bool(schema.get("properties")) and label != "NUL scritto \\u0000"
        problems += _check(label, response, writes, always_invalid=strict)
    assert not problems, f"{key} ({method.upper()}) come {role}:\n" + "\n".join(problems)
