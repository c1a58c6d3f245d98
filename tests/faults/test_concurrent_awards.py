"""Many operators awarding from the same fund at the same moment never over-allocate it.

Each operator is a thread with its own database connection. The test holds the fund's row lock
itself until every operator is waiting on it in PostgreSQL (pg_stat_activity says so), so that
they really contend, then lets them all go at once.
"""

import os
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from insieme.grants import services
from insieme.grants.models import Fund, Grant
from insieme.projects.tests import factories as f

pytestmark = [
    pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]

OPERATORS = 8
BUDGET = Decimal("10000.00")
AMOUNT = Decimal("3000.00")


def waiting_on_a_lock() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock' "
            "AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_operators_awarding_at_once_never_over_allocate(operator):
    fund = f.fund(str(BUDGET))
    projects = [f.project() for _ in range(OPERATORS)]
    barrier = threading.Barrier(OPERATORS + 1)
    outcomes: list[str] = []

    def award(project):
        try:
            barrier.wait()
            services.award_grant(
                application=project.application,
                fund=fund,
                amount=AMOUNT,
                awarded_on=date(2025, 3, 1),
                tranches=[services.TranchePlan(percentage=Decimal(100))],
                by=operator,
            )
            outcomes.append("ok")
        except ValidationError as error:
            outcomes.append(error.code or "")
        finally:
            connection.close()

    threads = [threading.Thread(target=award, args=(p,)) for p in projects]
    # The test's own transaction (on a second connection) holds the fund's row lock...
    locker = connections.create_connection("default")
    try:
        locker.set_autocommit(False)
        with locker.cursor() as cursor:
            table = Fund._meta.db_table
            cursor.execute(f"SELECT id FROM {table} WHERE id = %s FOR UPDATE", [fund.pk])
        for thread in threads:
            thread.start()
        barrier.wait()
        # ... until every operator waits on it inside PostgreSQL.
        deadline = time.monotonic() + float(os.environ.get("FAULT_LOCK_WAIT", "60"))
        while waiting_on_a_lock() < OPERATORS:
            assert time.monotonic() < deadline, f"only {waiting_on_a_lock()} awards wait"
            time.sleep(0.02)
        assert Grant.objects.count() == 0
    finally:
        locker.rollback()
        locker.close()
    for thread in threads:
        thread.join()

    allowed = int(BUDGET // AMOUNT)
    assert sorted(outcomes) == ["ok"] * allowed + ["over_allocation"] * (OPERATORS - allowed)
    ledger = Fund.objects.with_ledger().get(pk=fund.pk)
    assert ledger.committed == AMOUNT * allowed
    assert ledger.available == BUDGET - AMOUNT * allowed
    assert Grant.objects.filter(fund=fund).count() == allowed
