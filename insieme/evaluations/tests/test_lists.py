"""The evaluations app's lists, one page at a time with a constant number of queries."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from insieme.calls.models import ApplicationStatus
from insieme.calls.tests.helpers import make_call
from insieme.calls.tests.test_manage_list import add_applications
from insieme.evaluations.models import Assignment, Declaration


def query_count(client, url) -> int:
    cache.clear()  # list counts are cached (`insieme.core.counts`): measure them uncached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def codes(html: str) -> list[str]:
    return re.findall(r"(IS-2026-\d{4})", html)


@pytest.fixture
def call(db):
    return make_call("IS-2026")


def assign(applications, evaluator, operator):
    for application in applications:
        # Declared: the protocol number comes with the application, after the declaration.
        Assignment.objects.create(
            application=application,
            evaluator=evaluator,
            assigned_by=operator,
            declaration=Declaration.NO_CONFLICT,
        )


def test_an_evaluators_assignments_page_with_a_constant_query_count(
    client_as, call, evaluator, operator
):
    client = client_as(evaluator)
    url = reverse("evaluations:mine")
    status = ApplicationStatus.IN_EVALUATION
    assign(add_applications(call, 3, status=status), evaluator, operator)
    few = query_count(client, url)
    assign(add_applications(call, 27, start=3, status=status), evaluator, operator)
    assert query_count(client, url) == few
    first = client.get(url).text
    second = client.get(url, {"pagina": 2}).text
    assert codes(first) + codes(second) == [f"IS-2026-{n:04d}" for n in range(30)]
    assert client.get(url, {"pagina": "-2"}).status_code == 200


def test_the_assignment_page_lists_applications_a_page_at_a_time(
    client_as, call, evaluator, operator
):
    client = client_as(operator)
    url = reverse("evaluations:assign", args=[call.pk])
    status = ApplicationStatus.IN_EVALUATION
    assign(add_applications(call, 3, status=status), evaluator, operator)
    few = query_count(client, url)
    assign(add_applications(call, 27, start=3, status=status), evaluator, operator)
    assert query_count(client, url) == few
    first = client.get(url).text
    second = client.get(url, {"pagina": 2}).text
    assert codes(first) + codes(second) == [f"IS-2026-{n:04d}" for n in range(30)]
    assert "Vera Neri" in second
    assert client.get(url, {"pagina": "x"}).status_code == 200
