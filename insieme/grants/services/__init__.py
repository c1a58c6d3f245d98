"""Every change of money: awards, tranches, payments, reductions, revocations, expense reports,
microcredits. Each service asks the gate (grants/rules.py) before it writes.

`from insieme.grants import services` keeps working: the modules of this package are re-exported
here, with the figures the pages and other apps read (grants/figures.py).
"""

from insieme.grants.figures import (
    TrancheState,
    approved_expenses,
    de_minimis_beneficiary,
    de_minimis_total,
    de_minimis_window,
    eur,
    fund_available,
    paid_on_grant,
    percent_text,
    tranche_label,
    tranche_schedule,
    tranche_state,
    years_before,
)
from insieme.grants.models import Disbursement
from insieme.grants.services.awards import (
    TranchePlan,
    award_grant,
    create_fund,
    record_de_minimis_declaration,
)
from insieme.grants.services.microcredit import move_microcredit, request_microcredit
from insieme.grants.services.payments import (
    Coverage,
    cancel_disbursement,
    coverage,
    pay_tranche,
    record_disbursement,
    reduce_to_covered,
    revoke_grant,
)
from insieme.grants.services.reports import (
    change_expense,
    delete_expense,
    reopen_expense,
    review_expense,
    review_final_report,
    submit_expense,
    submit_final_report,
)

__all__ = [
    "Coverage",
    "Disbursement",
    "TranchePlan",
    "TrancheState",
    "approved_expenses",
    "award_grant",
    "cancel_disbursement",
    "change_expense",
    "coverage",
    "create_fund",
    "de_minimis_beneficiary",
    "de_minimis_total",
    "de_minimis_window",
    "delete_expense",
    "eur",
    "fund_available",
    "move_microcredit",
    "paid_on_grant",
    "pay_tranche",
    "percent_text",
    "record_de_minimis_declaration",
    "record_disbursement",
    "reduce_to_covered",
    "reopen_expense",
    "request_microcredit",
    "review_expense",
    "review_final_report",
    "revoke_grant",
    "submit_expense",
    "submit_final_report",
    "tranche_label",
    "tranche_schedule",
    "tranche_state",
    "years_before",
]
