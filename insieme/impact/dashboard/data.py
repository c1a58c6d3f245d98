"""What the dashboard reads from the database, grouped there, as plain data (the cache keeps it)."""

from collections.abc import Callable
from typing import Any

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import ExtractYear

from insieme.calls.models import ApplicationStatus
from insieme.core.models import ContractType, District, Sector
from insieme.impact import figures
from insieme.impact.figures import Filters


def _by_year(
    queryset: QuerySet[Any], date_field: str, value: Callable[[], Any] | None = None
) -> dict[int, Any]:
    aggregate = value() if value else Count("pk")
    return {
        row["year"]: row["n"]
        for row in queryset.annotate(year=ExtractYear(date_field))
        .values("year")
        .annotate(n=aggregate)
        .order_by()
        if row["year"] is not None
    }


def _trend_counts(f: Filters) -> dict[str, dict[int, int]]:
    """Per figure key, the counts by year."""
    funding = figures.grants(f).filter(
        amount_awarded__gt=F("amount_revoked"),
        application__status=ApplicationStatus.ACCOMPANIED,
    )
    return {
        "projects.applications": _by_year(figures.applications(f), "submitted_at"),
        "projects.accompanied": _by_year(figures.accompanied(f), "outcome_date"),
        "projects.funded": _by_year(
            funding, "awarded_on", lambda: Count("application", distinct=True)
        ),
        "projects.placements": _by_year(figures.project_placements(f), "start_date"),
        "employment.placements": _by_year(figures.employment_placements(f), "start_date"),
    }


def _calls_data(f: Filters) -> dict[str, Any]:
    def by_call(qs: QuerySet[Any]) -> dict[int, int]:
        return dict(qs.values_list("call_id").annotate(n=Count("pk")).order_by())

    submitted = list(
        figures.applications(f)
        .values("call_id", "call__code", "call__title", "call__edition", "call__line")
        .annotate(n=Count("pk"))
        .order_by("call__edition", "call__line", "call__code")
    )
    return {
        "submitted": submitted,
        "accompanied": by_call(figures.accompanied(f)),
        "funded": by_call(figures.funded(f)),
    }


def _funds_data(f: Filters) -> dict[str, Any]:
    awarded = list(
        figures.grants(f)
        .values("funder_id", "funder__name", "fund_id", "fund__name")
        .annotate(awarded=Sum("amount_awarded"), revoked=Sum("amount_revoked"), grants=Count("pk"))
        .order_by("funder__name", "fund__name")
    )
    paid: dict[tuple[int, int | None], dict[str, Any]] = {
        (row["grant__funder_id"], row["grant__fund_id"]): dict(row)
        for row in figures.disbursements(f)
        .values("grant__funder_id", "grant__fund_id")
        .annotate(paid=Sum("amount"), payments=Count("pk"))
        .order_by()
    }
    return {"awarded": awarded, "paid": paid}


def board_data(f: Filters) -> dict[str, Any]:
    """Everything the dashboard reads from the database for `f`, as plain data (no text of ours,
    no audience): what `insieme.impact.cache` keeps."""
    return {
        "report": figures.compute(f),
        "sector_names": dict(Sector.objects.values_list("code", "name")),
        "contract_names": dict(ContractType.objects.values_list("code", "name")),
        "districts": dict(District.objects.values_list("name", "pk")),
        "days_counted": figures.days_to_first_placement(f).count(),
        "funds": _funds_data(f),
        "trends": _trend_counts(f),
        "paid_by_year": _by_year(figures.disbursements(f), "paid_on", lambda: Sum("amount")),
        "payments_by_year": _by_year(figures.disbursements(f), "paid_on"),
        "calls": _calls_data(f),
    }
