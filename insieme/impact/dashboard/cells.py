"""One figure of the dashboard: its value, how it reads, who may follow it to its records."""

import datetime
import enum
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import Promise

from insieme.core.money import eur
from insieme.impact import figures
from insieme.impact.figures import Filters
from insieme.impact.forms import filter_query

SUPPRESSED = "<5"
# The charts' colours, on the page (static/js/charts.js reads them from the chart data) and in
# the PDF: Bootstrap Italia's primary blue first, then colours that keep a 3:1 contrast on white.
PALETTE = (
    "#0066cc",
    "#008055",
    "#cc7a00",
    "#a61f5b",
    "#5c6f82",
    "#00a3a3",
    "#7a3db8",
    "#d1344c",
    "#3b7a00",
)
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
    def legend(self) -> list[tuple[str, str]]:
        """(series, colour) of the drawn series, in the colours of `bars`."""
        return [
            (str(series.label), PALETTE[position % len(PALETTE)])
            for position, series in enumerate(self.drawn_series)
        ]

    @property
    def wide(self) -> bool:
        """More columns than a portrait page holds next to the bars (an amount counts as two):
        the PDF gives the chart a landscape page."""
        return sum(2 if series.money else 1 for series in self.series) > 3

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
            "palette": PALETTE,
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
                        "colour": PALETTE[position % len(PALETTE)],
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


class Cells:
    """The cells of one set of filters for one audience: suppressed, formatted and linked."""

    def __init__(self, filters: Filters, audience: Audience = Audience.FULL) -> None:
        self.filters = filters
        self.audience = audience
        self._urls: dict[tuple[str, Filters], str] = {}
        self._paths: dict[str, str] = {}
        self._queries: dict[Filters, str] = {}

    @property
    def suppress(self) -> bool:
        return self.audience != Audience.FULL

    @property
    def shows_employment(self) -> bool:
        """A funder sees what its funds paid for: the projects, not the employment services."""
        return self.audience != Audience.FUNDER

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
