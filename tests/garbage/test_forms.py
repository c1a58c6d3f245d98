"""Garbage into every form: never a 500, never a row written for a refused request, and a value
that no sensible form would take is refused with an Italian message.

The forms are the ones the application itself renders: every page of the authorization world
(tests/security/world.py) that a role may open is read, and each POST form on it is kept, with
the role that saw it. For each POST pattern of the matrix, its form is first sent as a careful
user would fill it (`Form.baseline`), then once for each garbage value of each field, the other
fields keeping their baseline. Every request runs in a savepoint that is rolled back.

A garbage value is one of: text far beyond the field's length, a NUL byte, a 20-digit number
or an unknown code in a choice, a number that is not one or outside the field's min and max,
an impossible date, text where a file goes. What must hold:
- the answer is not a server error;
- a refused request (the form back with errors, 400, 403, 409, 422) writes nothing;
- the form back with errors says so, in Italian (tests/i18n/english.py finds no English);
- a value that is invalid whatever the form (`ALWAYS_INVALID`) is never accepted.
"""

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, resolve

from tests.garbage.forms import Field, Form, post_forms
from tests.i18n.english import find_english, visible_text
from tests.security.patterns import all_patterns, url_for
from tests.security.test_authorization_matrix import WriteWatch, expected_rows, world  # noqa: F401
from tests.security.world import ROLES

ALLOWED = {"200", "302"}
# Answers that turn the request down whatever the page says (a 200 says it with ERROR_MARKS).
REFUSED = {400, 403, 404, 409, 422}
# How a page says the input was refused: the form renderer's error (templates/forms/) or an alert.
# The admin (superusers only) marks its errors in its own way.
ERROR_MARKS = ("invalid-feedback", "alert-danger", "alert-warning", 'class="errorlist', "errornote")
# Forms that save the valid part of what they get (a draft's autosave): the garbage goes alone,
# so that a request that saves nothing of it writes nothing.
PARTIAL = {"calls:autosave"}
HUGE = "9" * 20
LONG = "Testo lunghissimo " * 600  # 10,800 characters
# Pages reached only by the login machinery or outside the application's own forms.
NOT_FORMS = {"set_language", "account_logout", "admin:logout"}
# Roles tried first: the staff see most forms, the applicant and partner their own.
ORDER = ("op", "adm", "coa", "ev", "app", "par", "fun", "evc", "coa2", "par2", "app2", "anon")

PATTERNS = [p for p in all_patterns() if not p.api]


def _key(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _may(key: str, role: str, method: str) -> bool:
    return expected_rows(key).get(method, {}).get(role) in ALLOWED


def post_patterns() -> list[str]:
    keys = []
    for pattern in PATTERNS:
        if pattern.key in NOT_FORMS:
            continue
        if any(_may(pattern.key, role, "POST") for role in ROLES):
            keys.append(pattern.key)
    return sorted(set(keys))


def _client(world, role: str) -> Client:  # noqa: F811
    client = Client(raise_request_exception=False)
    if role != "anon":
        client.force_login(world.users[role])
    return client


@pytest.fixture(scope="module")
def forms(world):  # noqa: F811
    """{pattern key: (role, Form)}: the first form that posts to each pattern."""
    found: dict[str, tuple[str, Form]] = {}
    clients = {role: _client(world, role) for role in ORDER}
    for pattern in PATTERNS:
        for role in ORDER:
            if not _may(pattern.key, role, "GET"):
                continue
            url = url_for(world, role, pattern)
            with transaction.atomic():
                response = clients[role].get(url)
                transaction.set_rollback(True)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            for form in post_forms(response.content.decode(), url):
                key = _key(form.action)
                if key and key not in found and _may(key, role, "POST"):
                    found[key] = (role, form)
    return found


def garbage(field: Field) -> list[tuple[str, str, bool]]:
    """(label, value, always invalid) for one field."""
    if field.kind == "file":
        return [("testo al posto del file", "non è un file", False)]
    values: list[tuple[str, str, bool]] = []
    if field.is_choice:
        if field.kind == "checkbox" and len(field.choices) <= 1:
            return []  # a single box is a yes or no: any value reads as yes
        values += [("numero di 20 cifre", HUGE, True), ("codice sconosciuto", "codice-x", True)]
        return values
    if field.name == "csrfmiddlewaretoken":
        return []  # the test client does not check it
    if field.kind == "hidden":
        return [("numero di 20 cifre", HUGE, False), ("testo lunghissimo", LONG, False)]
    if field.kind == "number":
        values += [("non un numero", "dodici", True), ("numero enorme", HUGE + "1", True)]
        low, high = field.attrs.get("min"), field.attrs.get("max")
        if low not in (None, ""):
            values.append(("sotto il minimo", str(float(low) - 1), True))
        if high not in (None, ""):
            values.append(("sopra il massimo", str(float(high) + 1), True))
        return values
    if field.name == "q":
        return [("carattere NUL", "a\x00b", False), ("testo lunghissimo", LONG, False)]  # search
    if field.kind == "date":
        return [("data impossibile", "2026-02-31", True), ("anno 0", "0000-01-01", True)]
    if field.kind in ("datetime-local", "time"):
        return [("ora impossibile", "2026-02-31T25:61", True)]
    values.append(("carattere NUL", "a\x00b", True))
    limit = field.attrs.get("maxlength")
    values.append(("testo lunghissimo", LONG, bool(limit)))
    return values


def _post(client: Client, form: Form, data: dict):
    watch = WriteWatch()
    with transaction.atomic(), connection.execute_wrapper(watch):
        response = client.post(form.action, data)
        transaction.set_rollback(True)
    return response, watch.tables


def _check(key: str, label: str, response, writes: list[str], always_invalid: bool) -> list[str]:
    code = response.status_code
    if code >= 500:
        return [f"{label}: errore {code}"]
    html = response.content.decode() if "html" in response.get("Content-Type", "") else ""
    refused = code in REFUSED or any(mark in html for mark in ERROR_MARKS)
    if writes and (refused or always_invalid):
        return [f"{label}: risposta {code}, ha scritto in {sorted(set(writes))}"]
    if always_invalid and code == 200 and not refused:
        return [f"{label}: risposta 200 senza un messaggio d'errore"]
    if refused and html and not key.startswith("admin:"):
        english = find_english(visible_text(html))
        if english:
            return [f"{label}: testo inglese {[str(e) for e in english[:3]]}"]
    return []


BLIND = (HUGE, LONG, "a\x00b", "2026-02-31", "-1", "dodici")


def blind_payloads(forms) -> list[tuple[str, dict]]:
    """For a pattern no page of the world renders a form for (its button shows only in another
    state): every field name any form uses, all with the same garbage value."""
    names = sorted({name for _role, form in forms.values() for name in form.fields})
    return [(f"ogni campo = {value[:12]!r}", dict.fromkeys(names, value)) for value in BLIND]


@pytest.mark.django_db
@pytest.mark.parametrize("key", post_patterns())
def test_garbage(key, forms, world):  # noqa: F811
    if key not in forms:
        role = next(r for r in ORDER if _may(key, r, "POST"))
        pattern = next(p for p in PATTERNS if p.key == key)
        client, url = _client(world, role), url_for(world, role, pattern)
        problems = []
        for label, data in blind_payloads(forms):
            response, writes = _post(client, Form(url, ""), data)
            problems += _check(key, label, response, writes, always_invalid=False)
        assert not problems, f"{key} come {role}, senza modulo:\n" + "\n".join(problems)
        return
    role, form = forms[key]
    client = _client(world, role)
    base = form.baseline()
    problems = []
    response, _writes = _post(client, form, base)
    if response.status_code >= 500:
        problems.append(f"modulo compilato: errore {response.status_code}")
    for field in form.fields.values():
        for label, value, always_invalid in garbage(field):
            data = {} if key in PARTIAL else dict(base)
            data[field.name] = value
            response, writes = _post(client, form, data)
            problems += _check(key, f"{field.name} ({label})", response, writes, always_invalid)
    assert not problems, f"{key} come {role}:\n" + "\n".join(problems)
