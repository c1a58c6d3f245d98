"""Microcredit: a loan recorded on a project and moved along its declared workflow."""

from datetime import date
from decimal import Decimal
from typing import Any

from insieme.calls.models import Application
from insieme.core import rules
from insieme.core.audit import service
from insieme.grants import rules as grant_rules
from insieme.grants.models import Fund, Microcredit, MicrocreditStatus
from insieme.network.models import Organisation


@service
def request_microcredit(
    *,
    application: Application,
    lender: Organisation,
    amount: Decimal,
    term_months: int,
    requested_on: date,
    fund: Fund | None = None,
    by,
) -> Microcredit:
    values: dict[str, Any] = {
        "application": application,
        "lender": lender,
        "fund": fund,
        "amount": amount,
        "term_months": term_months,
        "requested_on": requested_on,
    }
    rules.require(by, "microcredit.request", Microcredit(**values))
    return rules.create(Microcredit, by=by, **values)


@service
def move_microcredit(*, microcredit: Microcredit, to: str, on: date, by) -> Microcredit:
    microcredit = Microcredit.objects.select_for_update().get(pk=microcredit.pk)
    name = grant_rules.microcredit_transition(to)
    if name is None:
        raise grant_rules.microcredit_cannot_become(microcredit, to).error()
    rules.require(by, name, microcredit)
    changes = {}
    if to == MicrocreditStatus.GRANTED:
        if microcredit.fund_id:
            # Lock the fund: the guard reads its ledger after any award in progress commits.
            microcredit.fund = Fund.objects.select_for_update().get(pk=microcredit.fund_id)
        changes["granted_on"] = on
    rules.transition(microcredit, name, by=by, **changes)
    return microcredit
