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

The package, by responsibility:
- `cells`: what one figure is (a `Cell`, a `Chart` of `Series`, a `Section` of cards), how it
  reads and who may follow its link; `Cells` makes them for one audience;
- `data`: what the dashboard reads from the database, as plain data (what the cache keeps);
- `charts`: the charts and the territory table, arranged from that data;
- `board`: the `Dashboard` itself, its figure cards and what the reports read from it.
"""

from insieme.impact.dashboard.board import Dashboard
from insieme.impact.dashboard.cells import (
    NON_PERSONAL_KEYS,
    REGISTRY_PEOPLE,
    SUPPRESSED,
    Audience,
    Cell,
    Chart,
    Section,
    Series,
    count_display,
    may_drill_down,
    money,
    records,
    year_period,
)
from insieme.impact.dashboard.data import board_data

__all__ = [
    "NON_PERSONAL_KEYS",
    "REGISTRY_PEOPLE",
    "SUPPRESSED",
    "Audience",
    "Cell",
    "Chart",
    "Dashboard",
    "Section",
    "Series",
    "board_data",
    "count_display",
    "may_drill_down",
    "money",
    "records",
    "year_period",
]
