"""The dashboard of one set of filters and one audience: its cards, charts and report rows."""

from decimal import Decimal
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from insieme.impact.cache import cached
from insieme.impact.dashboard.cells import SUPPRESSED, Audience, Cell, Section, may_drill_down
from insieme.impact.dashboard.charts import Charts
from insieme.impact.dashboard.data import board_data
from insieme.impact.figures import Filters


class Dashboard(Charts):
    """The figures for one set of filters and one audience."""

    def __init__(self, filters: Filters, audience: Audience = Audience.FULL) -> None:
        super().__init__(filters, audience)
        self.data = cached("dashboard", filters, lambda: board_data(filters))
        self.report = self.data["report"]
        self.sector_names = self.data["sector_names"]
        self.contract_names = self.data["contract_names"]
        self.sections = self._sections()
        self.charts = self._charts()

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
