"""Schemathesis against the OpenAPI document of /api/v1/, calling the WSGI application
in-process with a token: no server errors, and every response conforms to the schema."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from config.api import api
from config.wsgi import application
from insieme.api.services import create_token

OPENAPI_URL = "/api/v1/openapi.json"

# Loaded from the same function that serves OPENAPI_URL (checked below), so that collecting the
# tests needs neither a server nor the database.


def load(*, coverage: bool):
    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
    loaded.app = application
    loaded.location = OPENAPI_URL
    # The coverage phase (boundary values of every parameter) runs once, for the operator.
    loaded.config.phases.coverage.enabled = coverage
    return loaded


schema = load(coverage=True)
partner_schema = load(coverage=False)

# Every check runs except negative-data rejection: the tests add the token to every request, so
# the cases where schemathesis drops the Authorization header on purpose would be "accepted".
# (Missing or bad tokens are tested in test_tokens.py.)
EXCLUDED = [schemathesis.checks.negative_data_rejection]

SETTINGS = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))


def test_the_document_tested_is_the_one_served(client):
    served = client.get(OPENAPI_URL).json()
    assert served == json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1")))


@pytest.fixture(autouse=True)
def _budget(settings):
    settings.API_RATE_LIMIT = "100000/m"


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    # Like Django's test client: the WSGI handler would otherwise close the connection that
    # holds the test's transaction at the end of each request (on PostgreSQL).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def operator_token(operator, world):
    _token, raw = create_token(user=operator, name="schema", scopes=["read", "write"], by=operator)
    return raw


@pytest.fixture
def partner_token(partner, world):
    _token, raw = create_token(user=partner, name="schema", scopes=["read"], by=partner)
    return raw


@schema.parametrize()
@SETTINGS
def test_api_conforms_for_an_operator(case, operator_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {operator_token}"}, excluded_checks=EXCLUDED
    )


@partner_schema.parametrize()
@SETTINGS
def test_api_conforms_for_a_partner(case, partner_token):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {partner_token}"}, excluded_checks=EXCLUDED
    )
