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
# The evaluators' endpoints answer every other role 403: an evaluator's token exercises them.
evaluator_schema = load(coverage=True).include(tag="evaluations")

# Every check runs except negative-data rejection: the tests add the token to every request, so
# the cases where schemathesis drops the Authorization header on purpose would be "accepted".
# (Missing or bad tokens are tested in test_tokens.py.)
EXCLUDED = [schemathesis.checks.negative_data_rejection]

# The write endpoints take references to rows (a person, an organisation, a requirement of the
# call) and values checked by the web page's form (a deadline not in the past, a refusal with
# its reason): the schema cannot say which ids exist or what the form requires, so a
# schema-valid body may rightly get 422 (the form's errors by field) or 409 (the service
# refuses it in the current state). For them this check replaces positive_data_acceptance;
# every other check (no server error, documented status codes, bodies that conform) still runs,
# and test_writes.py shows schema-valid bodies accepted.
WRITE_ACCEPTED = frozenset({200, 201, 401, 403, 404, 409, 422, 429})


def write_data_acceptance(ctx, response, case):
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive:
        assert response.status_code in WRITE_ACCEPTED, (
            f"{case.method} {case.path}: valid data answered {response.status_code}"
        )
    return None


def _validate(case, token):
    headers = {"Authorization": f"Bearer {token}"}
    if case.method.upper() in ("GET", "HEAD"):
        return case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)
    return case.call_and_validate(
        headers=headers,
        excluded_checks=[*EXCLUDED, schemathesis.checks.positive_data_acceptance],
        additional_checks=[write_data_acceptance],
    )


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
    # With the write scope too: a partner enters and changes its own organisation's vacancies,
    # and every other write must answer 403 or 404, never an error.
    _token, raw = create_token(user=partner, name="schema", scopes=["read", "write"], by=partner)
    return raw


@pytest.fixture
def waiting_list(world, operator):
    """A sign-up on the waiting list with a contact attempt, and an interview booked."""
    from insieme.employment.models import ContactAttempt, Interview, InterviewStatus
    from insieme.employment.tests import factories

    registration = factories.registration(world.person_b)
    ContactAttempt.objects.create(
        registration=registration, date=registration.registered_on, outcome="messaggio"
    )
    Interview.objects.create(
        code="COL-S1",
        person=world.person_b,
        registration=registration,
        date=registration.registered_on,
        status=InterviewStatus.BOOKED,
        operator=operator,
    )


@schema.parametrize()
@SETTINGS
def test_api_conforms_for_an_operator(case, operator_token, waiting_list):
    _validate(case, operator_token)


@partner_schema.parametrize()
@SETTINGS
def test_api_conforms_for_a_partner(case, partner_token):
    _validate(case, partner_token)


@pytest.fixture
def evaluator_token(evaluator, operator, applicant, world):
    # Assignments to read, declare and score (ids 1.. are what schemathesis tries most).
    from insieme.calls.tests.helpers import eligible, make_call
    from insieme.evaluations.models import Assignment, Declaration

    application = eligible(make_call("SCH-2026"), applicant, operator)
    Assignment.objects.create(
        application=application,
        evaluator=evaluator,
        declaration=Declaration.NO_CONFLICT,
        assigned_by=operator,
    )
    _token, raw = create_token(
        user=evaluator, name="schema", scopes=["read", "write"], by=evaluator
    )
    return raw


@evaluator_schema.parametrize()
@SETTINGS
def test_api_conforms_for_an_evaluator(case, evaluator_token):
    _validate(case, evaluator_token)
