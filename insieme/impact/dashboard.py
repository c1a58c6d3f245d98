"""What the dashboard, its PDF and its spreadsheet show: the engine's figures, arranged.

Everything here comes from `insieme.impact.figures` (the report object of `compute()` and the
querysets behind each figure), grouped in the database, so that every screen and report shows the
same numbers and the number of queries does not depend on the amount of data.

Three audiences see the figures:
- `FULL` (operators, administrators): every figure, each linking to its records;
- `FUNDER` (a funder's staff): the calls-and-projects figures of what the funder's own funds paid
  for, counts from 1 to 4 shown as "<5", links only to records without personal data;
- `PUBLIC` (the public page, and funders not yet linked to their organisation): the whole
  programme's aggregates, suppressed the same way, without links.
"""

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import ApplicationStatus, Line
from insieme.core.models import ContractType, District, Sector
from insieme.core.money import eur
from insieme.impact import figures
from insieme.impact.cache import cached
from insieme.impact.figures import Filters
from insieme.impact.forms import filter_query

SUPPRESSED = "<5"
# Figures whose records carry no personal data once applicants who are persons are masked.
NON_PERSONAL_KEYS = (
    "projects.applications",
    "projects.accompanied",
    "projects.funded",
    "projects.grants_awarded_eur",
    "projects.grants_revoked_eur",
    "projects.grants_disbursed_eur",
    "projects.sectors.",
)
# Keys of our own, next to the engine's (see `records`).
REGISTRY_PEOPLE = "registry.people"


class Audience(enum.StrEnum):
    FULL = "full"
    FUNDER = "funder"
    PUBLIC = "public"


@dataclass
class Cell:
    """One figure: its value, how it reads, and the link to the records behind it."""

    value: int | Decimal | float | None
    display: str
    url: str | None = None
    suppressed: bool = False

    @property
    def chart_value(self) -> int | str | float | None:
        if self.suppressed or self.value is None:
            return None
        if isinstance(self.value, Decimal):
            return f"{self.value:.2f}"
        return self.value


@dataclass
class Series:
    label: str | Promise
    cells: list[Cell]
    money: bool = False
    in_chart: bool = True  # False for columns only the table shows (shares in %)


@dataclass
class Chart:
    """A chart and the table that says the same thing (drawn by static/js/charts.js)."""

    id: str
    title: str | Promise
    labels: list[str]
    series: list[Series]
    kind: str = "bar"
    stacked: bool = False
    row_header: str | Promise = ""
    horizontal: bool = False  # long labels (calls, funds) read better on the side

    @property
    def rows(self) -> list[tuple[str, list[Cell]]]:
        return [
            (label, [series.cells[index] for series in self.series])
            for index, label in enumerate(self.labels)
        ]

    @property
    def drawn_series(self) -> list[Series]:
        return [series for series in self.series if series.in_chart]

    @property
    def is_money(self) -> bool:
        return any(series.money for series in self.series)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "stacked": self.stacked,
            "horizontal": self.horizontal,
            "money": self.is_money,
            "labels": self.labels,
            "datasets": [
                {
                    "label": str(series.label),
                    "data": [cell.chart_value for cell in series.cells],
                    "links": [cell.url for cell in series.cells],
                }
                for series in self.series
                if series.in_chart
            ],
        }

    def bars(self) -> list[dict[str, Any]]:
        """Rows of horizontal bars for the PDF (no JavaScript there): width in % of the maximum."""
        drawn = self.drawn_series
        values = [
            float(cell.value)
            for series in drawn
            for cell in series.cells
            if cell.value is not None and not cell.suppressed
        ]
        top = max(values, default=0) or 1
        return [
            {
                "label": label,
                "cells": [series.cells[index] for series in self.series],
                "bars": [
                    {
                        "series": str(series.label),
                        "display": series.cells[index].display,
                        "width": _width(series.cells[index], top),
                        "position": position,
                    }
                    for position, series in enumerate(drawn)
                ],
            }
            for index, label in enumerate(self.labels)
        ]


def _width(cell: Cell, top: float) -> float:
    if cell.value is None or cell.suppressed:
        return 0
    return round(float(cell.value) * 100 / top, 1)


@dataclass
class Section:
    title: str | Promise
    cards: list[tuple[str | Promise, Cell]] = field(default_factory=list)


def money(value: Decimal | str | None) -> str:
    amount = Decimal(value or 0)
    return eur(amount)


def count_display(value: int) -> str:
    return number_format(value, use_l10n=True, force_grouping=True)


def year_period(filters: Filters, year: int) -> Filters:
    """`filters` narrowed to one calendar year."""
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return replace(
        filters,
        date_from=max(start, filters.date_from) if filters.date_from else start,
        date_to=min(end, filters.date_to) if filters.date_to else end,
    )


def records(filters: Filters, key: str) -> QuerySet[Any]:
    """The records behind a figure of the dashboard (the engine's keys, plus ours)."""
    if key == REGISTRY_PEOPLE:
        return figures.registry_people(filters)
    return figures.records(filters, key)


def may_drill_down(audience: Audience, key: str) -> bool:
    if audience == Audience.FULL:
        return True
    if audience == Audience.FUNDER:
        return key.startswith(NON_PERSONAL_KEYS) or (
            key.startswith("territory.") and key.endswith(".accompanied")
        )
    return False


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


class Dashboard:
    """The figures for one set of filters and one audience."""

    def __init__(self, filters: Filters, audience: Audience = Audience.FULL) -> None:
        self.filters = filters
        self.audience = audience
        self._urls: dict[tuple[str, Filters], str] = {}
        self._paths: dict[str, str] = {}
        self._queries: dict[Filters, str] = {}
        self.data = cached("dashboard", filters, lambda: board_data(filters))
        self.report = self.data["report"]
        self.sector_names = self.data["sector_names"]
        self.contract_names = self.data["contract_names"]
        self.sections = self._sections()
        self.charts = self._charts()

    @property
    def suppress(self) -> bool:
        return self.audience != Audience.FULL

    @property
    def shows_employment(self) -> bool:
        """A funder sees what its funds paid for: the projects, not the employment services."""
        return self.audience != Audience.FUNDER

    # --- cells ---------------------------------------------------------------------------

    def url(self, key: str, filters: Filters | None = None) -> str:
        # The page links some 600 cells to a few dozen lists and periods: each address once.
        filters = filters or self.filters
        if (key, filters) not in self._urls:
            if key not in self._paths:
                self._paths[key] = reverse("impact:records", args=[key])
            if filters not in self._queries:
                self._queries[filters] = urlencode(filter_query(filters))
            path, query = self._paths[key], self._queries[filters]
            self._urls[key, filters] = f"{path}?{query}" if query else path
        return self._urls[key, filters]

    def count(self, value: int, key: str | None, filters: Filters | None = None) -> Cell:
        if self.suppress and 1 <= value <= 4:
            return Cell(value, SUPPRESSED, suppressed=True)
        link = None
        if key and value and may_drill_down(self.audience, key):
            link = self.url(key, filters)
        return Cell(value, count_display(value), link)

    def amount(
        self,
        value: Decimal | str | None,
        key: str | None,
        filters: Filters | None = None,
        *,
        records_count: int | None = None,
    ) -> Cell:
        """Money; hidden in suppressed views when it sums 1-4 records (a person could show)."""
        amount = Decimal(value or 0)
        if self.suppress and records_count is not None and 1 <= records_count <= 4:
            return Cell(amount, SUPPRESSED, suppressed=True)
        link = None
        if key and amount and may_drill_down(self.audience, key):
            link = self.url(key, filters)
        return Cell(amount, money(amount), link)

    # --- the figure cards ------------------------------------------------------------------

    def _sections(self) -> list[Section]:
        p = self.report["projects"]
        projects = Section(
            _("Social innovation and self-employment"),
            [
                (_("Applications"), self.count(p["applications"], "projects.applications")),
                (_("Accompanied projects"), self.count(p["accompanied"], "projects.accompanied")),
                (_("Funded projects"), self.count(p["funded"], "projects.funded")),
                (
                    _("Grants awarded"),
                    self.amount(p["grants_awarded_eur"], "projects.grants_awarded_eur"),
                ),
                (
                    _("Grants revoked"),
                    self.amount(p["grants_revoked_eur"], "projects.grants_revoked_eur"),
                ),
                (
                    _("Grants paid out"),
                    self.amount(p["grants_disbursed_eur"], "projects.grants_disbursed_eur"),
                ),
                (_("Job placements"), self.count(p["placements"], "projects.placements")),
                (
                    _("People employed"),
                    self.count(p["people_employed"], "projects.people_employed"),
                ),
                (_("Traineeships"), self.count(p["traineeships"], "projects.traineeships")),
            ],
        )
        if not self.shows_employment:
            return [projects]
        e = self.report["employment"]
        key = "employment.avg_days_to_first_placement"
        days = e["avg_days_to_first_placement"]
        counted = self.data["days_counted"]
        if days is None:
            days_cell = Cell(None, "—")
        elif self.suppress and counted <= 4:
            days_cell = Cell(days, SUPPRESSED, suppressed=True)
        else:
            days_cell = Cell(
                days,
                number_format(Decimal(str(days)), decimal_pos=1, use_l10n=True),
                self.url(key) if may_drill_down(self.audience, key) else None,
            )
        employment = Section(
            _("Employment services (whole programme)"),
            [
                (_("Sign-ups"), self.count(e["registrations"], "employment.registrations")),
                (
                    _("First interviews"),
                    self.count(e["first_interviews"], "employment.first_interviews"),
                ),
                (_("Job placements"), self.count(e["placements"], "employment.placements")),
                (
                    _("People employed"),
                    self.count(e["people_employed"], "employment.people_employed"),
                ),
                (
                    _("Placed for the first time"),
                    self.count(e["first_time_placed"], "employment.first_time_placed"),
                ),
                (_("New contracts"), self.count(e["new_contracts"], "employment.new_contracts")),
                (_("Extensions"), self.count(e["extensions"], "employment.extensions")),
                (_("Traineeships"), self.count(e["traineeships"], "employment.traineeships")),
                (_("Average days from first interview to placement"), days_cell),
            ],
        )
        return [projects, employment]

    # --- the charts --------------------------------------------------------------------------

    def _charts(self) -> list[Chart]:
        charts = [self._funnel(), self._money(), self._money_by_fund(), self._placements()]
        if self.shows_employment:
            charts += [self._contracts(), self._contract_kinds()]
        charts += [
            self._sectors(),
            self._sector_money(),
            self._districts(),
            self._areas(),
            self._trends(),
            self._money_trend(),
            self._calls(),
        ]
        return charts

    def chart(self, chart_id: str) -> Chart:
        return next(chart for chart in self.charts if chart.id == chart_id)

    def _funnel(self) -> Chart:
        p = self.report["projects"]
        keys = ("applications", "accompanied", "funded")
        return Chart(
            "funnel",
            _("From application to funding"),
            [str(_("Applications")), str(_("Accompanied")), str(_("Funded"))],
            [Series(_("Projects"), [self.count(p[k], f"projects.{k}") for k in keys])],
            row_header=_("Stage"),
        )

    def _money(self) -> Chart:
        p = self.report["projects"]
        keys = ("grants_awarded_eur", "grants_revoked_eur", "grants_disbursed_eur")
        return Chart(
            "money",
            _("Grants: awarded, revoked, paid out"),
            [str(_("Awarded")), str(_("Revoked")), str(_("Paid out"))],
            [Series(_("Euro"), [self.amount(p[k], f"projects.{k}") for k in keys], money=True)],
            row_header=_("Amount"),
        )

    def _money_by_fund(self) -> Chart:
        awarded = self.data["funds"]["awarded"]
        paid: dict[tuple[int, int | None], dict[str, Any]] = self.data["funds"]["paid"]
        labels: list[str] = []
        columns: tuple[list[Cell], list[Cell], list[Cell]] = ([], [], [])
        for row in awarded:
            labels.append(f"{row['funder__name']} — {row['fund__name'] or _('no fund')}")
            scope = replace(self.filters, funder=row["funder_id"], fund=row["fund_id"])
            linkable = row["fund_id"] is not None
            paid_row: dict[str, Any] = paid.get((row["funder_id"], row["fund_id"]), {})
            for column, value, key, n in (
                (columns[0], row["awarded"], "projects.grants_awarded_eur", row["grants"]),
                (columns[1], row["revoked"], "projects.grants_revoked_eur", row["grants"]),
                (
                    columns[2],
                    paid_row.get("paid"),
                    "projects.grants_disbursed_eur",
                    paid_row.get("payments", 0),
                ),
            ):
                column.append(self.amount(value, key if linkable else None, scope, records_count=n))
        return Chart(
            "funds",
            _("Grants by funder and fund"),
            labels,
            [
                Series(_("Awarded"), columns[0], money=True),
                Series(_("Revoked"), columns[1], money=True),
                Series(_("Paid out"), columns[2], money=True),
            ],
            row_header=_("Funder and fund"),
            horizontal=True,
        )

    def _placements(self) -> Chart:
        p = self.report["projects"]
        labels = [str(_("Projects"))]
        placements = [self.count(p["placements"], "projects.placements")]
        people = [self.count(p["people_employed"], "projects.people_employed")]
        if self.shows_employment:
            e = self.report["employment"]
            labels.append(str(_("Whole programme")))
            placements.append(self.count(e["placements"], "employment.placements"))
            people.append(self.count(e["people_employed"], "employment.people_employed"))
        return Chart(
            "placements",
            _("Job placements and people employed"),
            labels,
            [Series(_("Job placements"), placements), Series(_("People employed"), people)],
            row_header=_("Line"),
        )

    def _contracts(self) -> Chart:
        contracts = self.report["employment"]["contracts"]
        return Chart(
            "contracts",
            _("Job placements by contract type"),
            [self.contract_names.get(code, code) for code in contracts],
            [
                Series(
                    _("Job placements"),
                    [
                        self.count(n, f"employment.contracts.{code}")
                        for code, n in contracts.items()
                    ],
                )
            ],
            kind="doughnut",
            row_header=_("Contract type"),
        )

    def _contract_kinds(self) -> Chart:
        e = self.report["employment"]
        keys = ("new_contracts", "extensions", "traineeships")
        return Chart(
            "contract-kinds",
            _("New contracts, extensions and traineeships"),
            [str(_("New contracts")), str(_("Extensions")), str(_("Traineeships"))],
            [Series(_("Number"), [self.count(e[k], f"employment.{k}") for k in keys])],
            row_header=_("Kind"),
        )

    def _sector_rows(self) -> list[dict[str, Any]]:
        return self.report["projects"]["sectors"]

    def _sectors(self) -> Chart:
        rows = self._sector_rows()
        total = sum(row["accompanied"] for row in rows) or 1
        share = [
            Cell(
                round(row["accompanied"] * 100 / total, 1),
                f"{number_format(round(row['accompanied'] * 100 / total, 1), 1, use_l10n=True)} %",
            )
            for row in rows
        ]
        return Chart(
            "sectors",
            _("Sectors of the projects (by number)"),
            [self.sector_names.get(row["sector"], row["sector"]) for row in rows],
            [
                Series(
                    _("Accompanied"),
                    [
                        self.count(r["accompanied"], f"projects.sectors.{r['sector']}.accompanied")
                        for r in rows
                    ],
                ),
                Series(_("Share of accompanied (%)"), share, in_chart=False),
                Series(
                    _("Funded"),
                    [
                        self.count(r["funded"], f"projects.sectors.{r['sector']}.funded")
                        for r in rows
                    ],
                ),
            ],
            row_header=_("Sector"),
        )

    def _sector_money(self) -> Chart:
        rows = self._sector_rows()
        total = sum(Decimal(row["disbursed_eur"]) for row in rows) or Decimal(1)
        cells, shares = [], []
        for row in rows:
            amount = Decimal(row["disbursed_eur"])
            cells.append(
                self.amount(
                    amount,
                    f"projects.sectors.{row['sector']}.disbursed_eur",
                    records_count=row["funded"],
                )
            )
            percent = round(float(amount * 100 / total), 1)
            shares.append(
                Cell(percent, f"{number_format(percent, 1, use_l10n=True)} %")
                if not cells[-1].suppressed
                else Cell(None, SUPPRESSED, suppressed=True)
            )
        return Chart(
            "sector-money",
            _("Sectors of the projects (by money paid out)"),
            [self.sector_names.get(row["sector"], row["sector"]) for row in rows],
            [
                Series(_("Paid out"), cells, money=True),
                Series(_("Share (%)"), shares, in_chart=False),
            ],
            kind="doughnut",
            row_header=_("Sector"),
        )

    def _territory_columns(self) -> list[tuple[str, str | Promise, str]]:
        """(column of the territory rows, heading, key of its records)."""
        columns: list[tuple[str, str | Promise, str]] = [
            ("accompanied", _("Accompanied projects"), "projects.accompanied")
        ]
        if self.shows_employment:
            columns = [
                ("people", _("People"), REGISTRY_PEOPLE),
                *columns,
                ("placements", _("Job placements"), "employment.placements"),
            ]
        return columns

    def _districts(self) -> Chart:
        districts: dict[str, int] = self.data["districts"]
        totals: dict[str, dict[str, int]] = {name: {} for name in districts}
        for row in self.report["territory"]:
            if row["district"] in totals:
                for column, _heading, _key in self._territory_columns():
                    totals[row["district"]][column] = (
                        totals[row["district"]].get(column, 0) + row[column]
                    )
        columns = self._territory_columns()
        names = sorted(totals)
        return Chart(
            "districts",
            _("Territory by district"),
            names,
            [
                Series(
                    heading,
                    [
                        self.count(
                            totals[name].get(column, 0),
                            key,
                            replace(self.filters, district=districts[name]),
                        )
                        for name in names
                    ],
                )
                for column, heading, key in columns
            ],
            stacked=True,
            row_header=_("District"),
        )

    def _areas(self) -> Chart:
        # Comuni outside the metropolitan city are not decentralised areas: they count with Bologna.
        totals: dict[bool, dict[str, int]] = {True: {}, False: {}}
        for row in self.report["territory"]:
            for column, _heading, _key in self._territory_columns():
                totals[row["decentralised"]][column] = (
                    totals[row["decentralised"]].get(column, 0) + row[column]
                )
        areas = [
            (True, str(_("Decentralised areas"))),
            (False, str(_("Bologna and other areas"))),
        ]
        return Chart(
            "areas",
            _("Decentralised areas and Bologna"),
            [label for _flag, label in areas],
            [
                Series(
                    heading,
                    [
                        self.count(
                            totals[flag].get(column, 0),
                            key,
                            replace(self.filters, decentralised=flag),
                        )
                        for flag, _label in areas
                    ],
                )
                for column, heading, key in self._territory_columns()
            ],
            row_header=_("Area"),
        )

    def comuni(self) -> list[dict[str, Any]]:
        """The territory table, one row per comune, each count linked to its records."""
        return [
            {
                "comune": row["comune"],
                "district": row["district"] or "—",
                "decentralised": row["decentralised"],
                "cells": [
                    self.count(row[column], f"territory.{row['codice_istat']}.{column}")
                    for column, _heading, _key in self._territory_columns()
                ],
            }
            for row in self.report["territory"]
            if any(row[column] for column, _h, _k in self._territory_columns())
        ]

    def territory_headings(self) -> list[str | Promise]:
        return [heading for _column, heading, _key in self._territory_columns()]

    def _trends(self) -> Chart:
        f = self.filters
        trends: dict[str, dict[int, int]] = self.data["trends"]
        labels: list[tuple[str | Promise, str]] = [
            (_("Applications"), "projects.applications"),
            (_("Accompanied"), "projects.accompanied"),
            (_("Funded"), "projects.funded"),
            (_("Job placements (projects)"), "projects.placements"),
        ]
        if self.shows_employment:
            labels.append((_("Job placements (whole programme)"), "employment.placements"))
        series = [(label, key, trends[key]) for label, key in labels]
        years = sorted({year for _l, _k, counts in series for year in counts})
        return Chart(
            "trends",
            _("Trend by year"),
            [str(year) for year in years],
            [
                Series(
                    label,
                    [self.count(counts.get(year, 0), key, year_period(f, year)) for year in years],
                )
                for label, key, counts in series
            ],
            kind="line",
            row_header=_("Year"),
        )

    def _money_trend(self) -> Chart:
        f = self.filters
        paid: dict[int, Any] = self.data["paid_by_year"]
        payments: dict[int, int] = self.data["payments_by_year"]
        years = sorted(paid)
        return Chart(
            "money-trend",
            _("Grants paid out by year"),
            [str(year) for year in years],
            [
                Series(
                    _("Paid out"),
                    [
                        self.amount(
                            paid[year],
                            "projects.grants_disbursed_eur",
                            year_period(f, year),
                            records_count=payments.get(year, 0),
                        )
                        for year in years
                    ],
                    money=True,
                )
            ],
            row_header=_("Year"),
        )

    def _calls(self) -> Chart:
        f = self.filters
        calls = self.data["calls"]
        submitted = calls["submitted"]
        accompanied: dict[int, int] = calls["accompanied"]
        funded: dict[int, int] = calls["funded"]
        lines = dict(Line.choices)
        labels: list[str] = []
        columns: tuple[list[Cell], list[Cell], list[Cell]] = ([], [], [])
        for row in submitted:
            line = str(lines.get(row["call__line"], ""))
            title = row["call__title"]
            labels.append(title if line.lower() in title.lower() else f"{title} ({line})")
            scoped = replace(f, call=row["call_id"])
            columns[0].append(self.count(row["n"], "projects.applications", scoped))
            columns[1].append(
                self.count(accompanied.get(row["call_id"], 0), "projects.accompanied", scoped)
            )
            columns[2].append(self.count(funded.get(row["call_id"], 0), "projects.funded", scoped))
        return Chart(
            "calls",
            _("Calls and editions"),
            labels,
            [
                Series(_("Applications"), columns[0]),
                Series(_("Accompanied"), columns[1]),
                Series(_("Funded"), columns[2]),
            ],
            row_header=_("Call"),
            horizontal=True,
        )

    # --- output -------------------------------------------------------------------------------

    def chart_data(self) -> dict[str, Any]:
        return {"charts": [chart.as_json() for chart in self.charts]}

    def rows(self) -> list[tuple[str, str, Cell]]:
        """(section, figure, cell) for the spreadsheets: the cards, then every chart's table."""
        result = []
        for section in self.sections:
            for label, cell in section.cards:
                result.append((str(section.title), str(label), cell))
        for chart in self.charts:
            for label, cells in chart.rows:
                for series, cell in zip(chart.series, cells, strict=True):
                    result.append((str(chart.title), f"{label} — {series.label}", cell))
        return result
