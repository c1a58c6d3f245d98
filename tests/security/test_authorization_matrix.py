"""Every URL pattern, every role, GET and POST: each gets the answer written in matrix.py.

One world (tests/security/world.py) is built once per module; each request runs in a savepoint
that is rolled back, so one case never changes what the next one sees. A refused request (login
redirect, 401, 403, 404, 405) must also leave the database untouched: every INSERT, UPDATE or
DELETE it sends is caught, except the session row and the cache (the login machinery's own).
And no answer, allowed or not, may show a role the records world.HIDDEN keeps from it: a list
or page open to a role must still leave out what is not theirs.

To see what the application answers today (after adding a URL pattern, say), run the module
with AUTHZ_MATRIX_RECORD=/tmp/observed.txt: it writes the observed rows there instead of
comparing them. Read them before copying them into matrix.py: a row is a claim about who may
see and change what.
"""

import fnmatch
import json
import os
import re

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client, override_settings

from tests.security import matrix
from tests.security.patterns import all_patterns, api_body, url_for
from tests.security.world import HIDDEN, ROLES, build

METHODS = ("GET", "POST")
REFUSED = {"L", "401", "403", "404", "405"}
# Answers after which nothing may have been written: refusals, and input turned down (invalid,
# or in conflict with the record's state).
NOTHING_WRITTEN = REFUSED | {"400", "409", "422"}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(?P<table>\w+)"?', re.I)
# The login machinery's own rows: the session is saved on every request (idle timeout), the
# cache holds rate-limit counters, and a token notes when it was last used.
BOOKKEEPING = {"django_session", "insieme_cache"}
BOOKKEEPING_UPDATES = {"api_apitoken"}
PATTERNS = all_patterns()


class WriteWatch:
    def __init__(self) -> None:
        self.tables: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        found = WRITE.match(sql)
        if found:
            table = found["table"]
            is_update = found.group(1).upper() == "UPDATE"
            if table not in BOOKKEEPING and not (is_update and table in BOOKKEEPING_UPDATES):
                self.tables.append(table)
        return execute(sql, params, many, context)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media-matrix")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        built = build()
        for role, user in built.users.items():
            client = Client()
            client.force_login(user)
            built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield built
        transaction.set_rollback(True)


def observe(world, pattern, role: str, method: str) -> tuple[str, list[str], bytes]:
    """The answer `role` gets for `method` on `pattern`, the tables it wrote, and its body."""
    client = Client(raise_request_exception=False)  # a server error is an answer (500) too
    headers = {}
    if role != "anon":
        if pattern.api:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
        else:
            client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    url = url_for(world, role, pattern)
    watch = WriteWatch()
    with transaction.atomic(), connection.execute_wrapper(watch):
        if method == "POST" and pattern.api:
            body = json.dumps(api_body(world, role, pattern))
            response = client.post(url, body, content_type="application/json", headers=headers)
        elif method == "POST":
            response = client.post(url, {}, headers=headers)
        else:
            response = client.get(url, headers=headers)
        transaction.set_rollback(True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith(LOGIN_PATHS):
        return "L", watch.tables, body
    return str(response.status_code), watch.tables, body


def expected_rows(key: str) -> dict[str, dict[str, str]]:
    """{method: {role: expected}} for a pattern: its own rows (the exceptions to a group come
    after it), else the first group matching."""
    if key in matrix.EXPECTED:
        return matrix.EXPECTED[key]
    for glob, rows in matrix.GROUPS.items():
        if fnmatch.fnmatchcase(key, glob):
            return rows
    return {}


def unlisted(keys: set[str]) -> list[str]:
    return sorted(k for k in keys if not expected_rows(k))


def stale(keys: set[str]) -> list[str]:
    gone = [k for k in matrix.EXPECTED if k not in keys]
    gone += [g for g in matrix.GROUPS if not any(fnmatch.fnmatchcase(k, g) for k in keys)]
    return sorted(gone)


def test_every_pattern_is_in_the_matrix_and_every_row_is_a_pattern():
    keys = {p.key for p in PATTERNS}
    assert not unlisted(keys), (
        f"URL patterns missing from tests/security/matrix.py: {unlisted(keys)}"
    )
    assert not stale(keys), f"matrix.py names patterns that no longer exist: {stale(keys)}"


def test_the_guard_notices_a_new_pattern_and_a_removed_one():
    keys = {p.key for p in PATTERNS}
    assert unlisted(keys | {"people:a_page_nobody_wrote_down"}) == [
        "people:a_page_nobody_wrote_down"
    ]
    assert unlisted(keys | {"admin:people_person_changelist"}) == []  # the admin group covers it
    assert stale(keys - {"people:detail"}) == ["people:detail"]
    assert "admin:*_history" in stale({k for k in keys if not k.endswith("_history")})


def test_every_row_names_every_role_and_method():
    for key, rows in [*matrix.EXPECTED.items(), *matrix.GROUPS.items()]:
        assert set(rows) == set(METHODS), key
        for method, cells in rows.items():
            assert tuple(cells) == ROLES, (key, method)


@pytest.mark.django_db
@pytest.mark.parametrize("pattern", PATTERNS, ids=[p.key for p in PATTERNS])
def test_pattern(pattern, world, record_property):
    rows = expected_rows(pattern.key)
    secrets = [
        (name, world.hidden_text(name, attribute), roles) for name, attribute, roles in HIDDEN
    ]
    recording = os.environ.get("AUTHZ_MATRIX_RECORD")
    mismatches = []
    observed_rows = {}
    cases = 0
    for method in METHODS:
        observed_rows[method] = {}
        for role in ROLES:
            cases += 1
            code, writes, body = observe(world, pattern, role, method)
            observed_rows[method][role] = code
            want = rows.get(method, {}).get(role)
            if want != code:
                mismatches.append(f"{method} {role}: expected {want}, got {code}")
            elif code in NOTHING_WRITTEN and writes:
                mismatches.append(f"{method} {role}: answered {code} but wrote {writes}")
            for name, text, hidden_from in secrets:
                if role in hidden_from and text in body.lower():
                    mismatches.append(f"{method} {role}: the answer ({code}) shows the {name}")
    record_property("authorization_cases", cases)
    if recording:
        with open(recording, "a", encoding="utf-8") as out:
            for method in METHODS:
                cells = " ".join(f"{observed_rows[method][r]:>4}" for r in ROLES)
                out.write(f"{pattern.key:<58} {method:<4} {cells}\n")
        return
    assert not mismatches, f"{pattern.key} ({pattern.route}):\n" + "\n".join(mismatches)
