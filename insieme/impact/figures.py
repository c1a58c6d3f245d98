"""The figures engine: every figure of the programme, computed in the database.

`compute(filters)` returns the impact_report object of DOMAIN.md (projects, employment, territory);
`records(filters, key)` returns the queryset behind one figure, so that a dashboard can list
exactly the records it counted. Both read the same querysets, built below, so they never disagree.

Scope of the filters:
- a placement counts once it has started: one starting after today is planned and in no figure
  until its first day (so the figures depend on the day, and the cache keys hold it);
- the period filters each event by its own date (submission, outcome, award, payment, start of a
  placement, sign-up, interview);
- line, call, funder and fund restrict the calls-and-projects figures (`projects`, and the
  `accompanied` column of `territory`); the employment figures are programme-wide;
- district and decentralised restrict projects by the project's comune and people (sign-ups,
  interviews, placements) by the person's comune of residence.

The number of queries of `compute` is fixed: it does not grow with the data.
"""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import models
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.utils import timezone

from insieme.calls.models import Application, ApplicationStatus
from insieme.core.models import Comune, ContractType, Sector
from insieme.employment.models import Interview, InterviewKind, Registration
from insieme.grants.models import Disbursement, Grant
from insieme.people.models import Person
from insieme.placements.models import Placement

TRAINEESHIP = ContractType.TRAINEESHIP
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Filters:
    """What to count: a period (inclusive dates) and the scope of the figures."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    line: str | None = None
    call: int | None = None  # Call pk
    funder: int | None = None  # Organisation pk
    fund: int | None = None  # Fund pk
    district: int | None = None  # District pk
    decentralised: bool | None = None

    @property
    def has_period(self) -> bool:
        return self.date_from is not None or self.date_to is not None


# --- building blocks ---------------------------------------------------------------------------


def _period(field: str, f: Filters) -> Q:
    q = Q()
    if f.date_from is not None:
        q &= Q(**{f"{field}__gte": f.date_from})
    if f.date_to is not None:
        q &= Q(**{f"{field}__lte": f.date_to})
    return q


def _period_datetime(field: str, f: Filters) -> Q:
    """A period on a timestamp, by the calendar day in the programme's time zone."""
    tz = timezone.get_default_timezone()
    q = Q()
    if f.date_from is not None:
        start = datetime.datetime.combine(f.date_from, datetime.time.min, tzinfo=tz)
        q &= Q(**{f"{field}__gte": start})
    if f.date_to is not None:
        end = datetime.datetime.combine(
            f.date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        q &= Q(**{f"{field}__lt": end})
    return q


def _territory(prefix: str, f: Filters) -> Q:
    q = Q()
    if f.district is not None:
        q &= Q(**{f"{prefix}__district_id": f.district})
    if f.decentralised is not None:
        q &= Q(**{f"{prefix}__decentralised": f.decentralised})
    return q


def _grant_scope(f: Filters) -> Q:
    q = Q()
    if f.funder is not None:
        q &= Q(funder_id=f.funder)
    if f.fund is not None:
        q &= Q(fund_id=f.fund)
    return q


def _project_scope(f: Filters, prefix: str = "") -> Q:
    """Restrict applications (or rows reaching them through `prefix`) to the filters' scope."""
    p = f"{prefix}__" if prefix else ""
    q = Q()
    if f.line:
        q &= Q(**{f"{p}call__line": f.line})
    if f.call is not None:
        q &= Q(**{f"{p}call_id": f.call})
    q &= _territory(f"{p}comune", f)
    if f.funder is not None or f.fund is not None:
        ref = OuterRef(f"{p}pk") if p else OuterRef("pk")
        q &= Q(Exists(Grant.objects.filter(_grant_scope(f), application=ref)))
    return q


def _person_scope(f: Filters, prefix: str = "person") -> Q:
    p = f"{prefix}__" if prefix else ""
    return _territory(f"{p}residence_comune", f)


# --- the querysets behind the figures ----------------------------------------------------------


def applications(f: Filters) -> QuerySet[Application]:
    return Application.objects.exclude(status=ApplicationStatus.DRAFT).filter(
        _period_datetime("submitted_at", f), _project_scope(f)
    )


def accompanied(f: Filters) -> QuerySet[Application]:
    return Application.objects.filter(
        _period("outcome_date", f), _project_scope(f), status=ApplicationStatus.ACCOMPANIED
    )


def _funding_grants(f: Filters) -> QuerySet[Grant]:
    return Grant.objects.filter(
        _period("awarded_on", f), _grant_scope(f), amount_awarded__gt=F("amount_revoked")
    )


def funded(f: Filters) -> QuerySet[Application]:
    """Accompanied projects with a grant of net amount above zero (awarded in the period)."""
    return Application.objects.filter(
        _project_scope(f),
        Exists(_funding_grants(f).filter(application=OuterRef("pk"))),
        status=ApplicationStatus.ACCOMPANIED,
    )


def grants(f: Filters) -> QuerySet[Grant]:
    return Grant.objects.filter(
        _period("awarded_on", f), _grant_scope(f), _project_scope(f, "application")
    )


def disbursements(f: Filters) -> QuerySet[Disbursement]:
    scope = Q()
    if f.funder is not None:
        scope &= Q(grant__funder_id=f.funder)
    if f.fund is not None:
        scope &= Q(grant__fund_id=f.fund)
    return Disbursement.objects.filter(
        _period("paid_on", f), scope, _project_scope(f, "grant__application")
    )


def _started() -> QuerySet[Placement]:
    """Placements that have started: a planned one (starting after today) counts from its start."""
    return Placement.objects.started()


def _all_placements(f: Filters) -> QuerySet[Placement]:
    return _started().filter(_period("start_date", f))


def project_placements(f: Filters, *, traineeships: bool = False) -> QuerySet[Placement]:
    qs = _all_placements(f).filter(_project_scope(f, "application"), application__isnull=False)
    return _by_kind(qs, traineeships)


def _by_kind(qs: QuerySet[Placement], traineeships: bool) -> QuerySet[Placement]:
    if traineeships:
        return qs.filter(contract_type__code=TRAINEESHIP)
    return qs.exclude(contract_type__code=TRAINEESHIP)


def employment_placements(f: Filters, *, traineeships: bool = False) -> QuerySet[Placement]:
    return _by_kind(_all_placements(f).filter(_person_scope(f)), traineeships)


def _people_with(placements: QuerySet[Placement]) -> QuerySet[Person]:
    return Person.objects.filter(Exists(placements.filter(person=OuterRef("pk"))))


def registered_people(f: Filters) -> QuerySet[Person]:
    signed_up = Registration.objects.filter(_period("registered_on", f), person=OuterRef("pk"))
    return Person.objects.filter(Exists(signed_up), _person_scope(f, ""))


def first_interviews(f: Filters) -> QuerySet[Interview]:
    return Interview.objects.filter(_period("date", f), _person_scope(f), kind=InterviewKind.FIRST)


def _first_placement_start(outer: str = "pk") -> Subquery:
    return Subquery(
        _started()
        .filter(person=OuterRef(outer))
        .exclude(contract_type__code=TRAINEESHIP)
        .order_by("start_date")
        .values("start_date")[:1],
        output_field=models.DateField(),
    )


def _first_placements() -> QuerySet[Any]:
    """Each person's first placement that is not a traineeship: `person` and `first_placement`."""
    return (
        _started()
        .exclude(contract_type__code=TRAINEESHIP)
        .values("person")
        .annotate(first_placement=Min("start_date"))
        .order_by()
    )


def first_time_placed(f: Filters) -> QuerySet[Person]:
    # One grouped pass over the placements (not a subquery per person) picks the people; the
    # annotation is only for the records' list (a count leaves it out).
    firsts = _first_placements().filter(_period("first_placement", f)).values("person")
    return Person.objects.filter(_person_scope(f, ""), pk__in=firsts).annotate(
        first_placement=_first_placement_start()
    )


def _first_placements_after_interview(f: Filters) -> QuerySet[Any]:
    """Per person: the first interview and the first placement (not a traineeship) that started
    on or after it, with `days_gap` between them; only people whose placement is in the period.

    One grouped pass over placements joined with the same person's interviews: a placement joins
    the interviews held on or before its start, so it counts exactly when the person's first
    interview came before it, and the earliest interview it joins is the person's first one.
    """
    return (
        _started()
        .exclude(contract_type__code=TRAINEESHIP)
        .filter(_person_scope(f), person__interviews__date__lte=F("start_date"))
        .values("person")
        .annotate(
            first_placement_after=Min("start_date"), first_interview=Min("person__interviews__date")
        )
        .filter(_period("first_placement_after", f))
        .annotate(
            days_gap=ExpressionWrapper(
                F("first_placement_after") - F("first_interview"), output_field=DurationField()
            )
        )
        .order_by()
    )


def days_to_first_placement(f: Filters) -> QuerySet[Person]:
    """People counted by the mean days to first placement, annotated with `days_gap`."""
    earliest_interview = Subquery(
        Interview.objects.filter(person=OuterRef("pk")).order_by("date").values("date")[:1],
        output_field=models.DateField(),
    )
    first_after = Subquery(
        _started()
        .filter(person=OuterRef("pk"), start_date__gte=OuterRef("first_interview"))
        .exclude(contract_type__code=TRAINEESHIP)
        .order_by("start_date")
        .values("start_date")[:1],
        output_field=models.DateField(),
    )
    # The people come from the grouped query (a count reads only that); the annotations are for
    # the records' list.
    counted = _first_placements_after_interview(f).values("person")
    return (
        Person.objects.filter(pk__in=counted)
        .annotate(first_interview=earliest_interview)
        .annotate(first_placement_after=first_after)
        .annotate(
            days_gap=ExpressionWrapper(
                F("first_placement_after") - F("first_interview"), output_field=DurationField()
            )
        )
    )


def registry_people(f: Filters) -> QuerySet[Person]:
    """The people of the territory table: the registry, or with a period those who signed up."""
    if f.has_period:
        return registered_people(f)
    return Person.objects.filter(_person_scope(f, ""))


# --- drill-down --------------------------------------------------------------------------------


def records(f: Filters, key: str) -> QuerySet[Any]:
    """The records behind the figure at `key` (a dotted path in the impact_report object).

    For example "projects.accompanied", "employment.contracts.determinato",
    "projects.sectors.food_etico.disbursed_eur", "territory.037006.placements".
    Raises KeyError for an unknown figure.
    """
    simple: dict[str, Any] = {
        "projects.applications": lambda: applications(f),
        "projects.accompanied": lambda: accompanied(f),
        "projects.funded": lambda: funded(f),
        "projects.grants_awarded_eur": lambda: grants(f),
        "projects.grants_revoked_eur": lambda: grants(f).filter(amount_revoked__gt=0),
        "projects.grants_disbursed_eur": lambda: disbursements(f),
        "projects.placements": lambda: project_placements(f),
        "projects.people_employed": lambda: _people_with(project_placements(f)),
        "projects.traineeships": lambda: project_placements(f, traineeships=True),
        "employment.registrations": lambda: registered_people(f),
        "employment.first_interviews": lambda: first_interviews(f),
        "employment.placements": lambda: employment_placements(f),
        "employment.people_employed": lambda: _people_with(employment_placements(f)),
        "employment.first_time_placed": lambda: first_time_placed(f),
        "employment.new_contracts": lambda: employment_placements(f).filter(is_extension=False),
        "employment.extensions": lambda: employment_placements(f).filter(is_extension=True),
        "employment.traineeships": lambda: employment_placements(f, traineeships=True),
        "employment.avg_days_to_first_placement": lambda: days_to_first_placement(f),
    }
    if key in simple:
        return simple[key]()
    parts = key.split(".")
    if len(parts) == 3 and parts[:2] == ["employment", "contracts"]:
        return employment_placements(f).filter(contract_type__code=parts[2])
    if len(parts) == 4 and parts[:2] == ["projects", "sectors"]:
        sector, figure = parts[2], parts[3]
        if figure == "accompanied":
            return accompanied(f).filter(sector__code=sector)
        if figure == "funded":
            return funded(f).filter(sector__code=sector)
        if figure == "disbursed_eur":
            return disbursements(f).filter(grant__application__sector__code=sector)
    if len(parts) == 3 and parts[0] == "territory":
        istat, figure = parts[1], parts[2]
        if figure == "people":
            return registry_people(f).filter(residence_comune_id=istat)
        if figure == "accompanied":
            return accompanied(f).filter(comune_id=istat)
        if figure == "placements":
            return employment_placements(f).filter(person__residence_comune_id=istat)
    raise KeyError(key)


# --- compute -----------------------------------------------------------------------------------


def eur(value: Decimal | None) -> str:
    return f"{(value or ZERO).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):.2f}"


def _sum(qs: QuerySet[Any], field: str) -> Decimal:
    return qs.aggregate(total=Sum(field))["total"] or ZERO


def _placement_totals(qs: QuerySet[Placement]) -> dict[str, int]:
    return qs.aggregate(
        placements=Count("pk"),
        people=Count("person", distinct=True),
        extensions=Count("pk", filter=Q(is_extension=True)),
    )


def _projects(f: Filters) -> dict[str, Any]:
    money = grants(f).aggregate(awarded=Sum("amount_awarded"), revoked=Sum("amount_revoked"))
    placed = _placement_totals(project_placements(f))

    by_sector: dict[str, dict[str, Any]] = {}
    for row in accompanied(f).values("sector__code").annotate(n=Count("pk")).order_by():
        by_sector.setdefault(row["sector__code"], {})["accompanied"] = row["n"]
    for row in funded(f).values("sector__code").annotate(n=Count("pk")).order_by():
        by_sector.setdefault(row["sector__code"], {})["funded"] = row["n"]
    paid = (
        disbursements(f)
        .values_list("grant__application__sector__code")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for code, total in paid:
        by_sector.setdefault(code, {})["disbursed"] = total
    # The six sectors of DOMAIN.md in their order (the order they were created in), "altro"
    # last; a retired sector shows only while something is counted in it.
    sectors: list[str] = list(
        Sector.objects.filter(Q(active=True) | Q(code__in=[c for c in by_sector if c]))
        .order_by(models.Case(models.When(code="altro", then=1), default=0), "pk")
        .values_list("code", flat=True)
    )

    return {
        "applications": applications(f).count(),
        "accompanied": accompanied(f).count(),
        "funded": funded(f).count(),
        "grants_awarded_eur": eur(money["awarded"]),
        "grants_revoked_eur": eur(money["revoked"]),
        "grants_disbursed_eur": eur(_sum(disbursements(f), "amount")),
        "placements": placed["placements"],
        "people_employed": placed["people"],
        "traineeships": project_placements(f, traineeships=True).count(),
        "sectors": [
            {
                "sector": code,
                "accompanied": by_sector.get(code, {}).get("accompanied", 0),
                "funded": by_sector.get(code, {}).get("funded", 0),
                "disbursed_eur": eur(by_sector.get(code, {}).get("disbursed")),
            }
            for code in sectors
        ],
    }


def _avg_days(f: Filters) -> float | None:
    totals = _first_placements_after_interview(f).aggregate(
        gap=Sum("days_gap"), people=Count("person")
    )
    if not totals["people"]:
        return None
    gap = totals["gap"]
    days = Decimal(gap.days) + Decimal(gap.seconds) / Decimal(86400)
    mean = (days / totals["people"]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(mean)


def _employment(f: Filters) -> dict[str, Any]:
    placed = _placement_totals(employment_placements(f))
    contracts = (
        employment_placements(f)
        .values("contract_type__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "contract_type__code")
    )
    return {
        "registrations": registered_people(f).count(),
        "first_interviews": first_interviews(f).count(),
        "placements": placed["placements"],
        "people_employed": placed["people"],
        "first_time_placed": first_time_placed(f).count(),
        "new_contracts": placed["placements"] - placed["extensions"],
        "extensions": placed["extensions"],
        "traineeships": employment_placements(f, traineeships=True).count(),
        "contracts": {row["contract_type__code"]: row["n"] for row in contracts},
        "avg_days_to_first_placement": _avg_days(f),
    }


def _territory_rows(f: Filters) -> list[dict[str, Any]]:
    counts: dict[str, dict[str, int]] = {}

    def add(rows: QuerySet[Any], field: str, column: str) -> None:
        for row in rows.values(field).annotate(n=Count("pk")).order_by():
            if row[field]:
                counts.setdefault(row[field], {})[column] = row["n"]

    add(registry_people(f), "residence_comune", "people")
    add(accompanied(f), "comune", "accompanied")
    add(employment_placements(f), "person__residence_comune", "placements")
    comuni = Comune.objects.filter(pk__in=counts).select_related("district").order_by("pk")
    return [
        {
            "codice_istat": comune.istat_code,
            "comune": comune.name,
            "district": comune.district.name if comune.district else None,
            "decentralised": comune.decentralised,
            "people": counts[comune.pk].get("people", 0),
            "accompanied": counts[comune.pk].get("accompanied", 0),
            "placements": counts[comune.pk].get("placements", 0),
        }
        for comune in comuni
    ]


def compute(f: Filters | None = None) -> dict[str, Any]:
    """The impact_report object of DOMAIN.md, keys in the documented order."""
    f = f or Filters()
    return {
        "period": {
            "from": f.date_from.isoformat() if f.date_from else None,
            "to": f.date_to.isoformat() if f.date_to else None,
        },
        "projects": _projects(f),
        "employment": _employment(f),
        "territory": _territory_rows(f),
    }
