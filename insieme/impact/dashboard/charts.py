"""The dashboard's charts and territory table, arranged from the data of `data.board_data`."""

from dataclasses import replace
from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Line
from insieme.impact.dashboard.cells import (
    REGISTRY_PEOPLE,
    SUPPRESSED,
    Cell,
    Cells,
    Chart,
    Series,
    year_period,
)


class Charts(Cells):
    """The charts of one set of filters and one audience (the data is set by `Dashboard`)."""

    data: dict[str, Any]
    report: dict[str, Any]
    sector_names: dict[str, str]
    contract_names: dict[str, str]
    charts: list[Chart]

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
