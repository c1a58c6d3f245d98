"""What an applicant not selected learns of the evaluation: the committee's averages by criterion
(the ranking's own computation, `services.ranking`) and the committee's note to them. Never who
evaluated, nor any single evaluator's score or comment."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from insieme.calls.models import Application, ApplicationStatus, Criterion
from insieme.evaluations.services import RankingRow, ranked_criteria, ranking, scale


@dataclass
class CriterionResult:
    criterion: Criterion
    points: Decimal  # the mean weighted score, out of the criterion's weight

    @property
    def out_of(self) -> Decimal:
        return self.criterion.weight


@dataclass
class Feedback:
    application: Application
    total: Decimal | None
    out_of: Decimal
    criteria: list[CriterionResult]
    note: str
    position: int
    ranked: int


def from_row(
    row: RankingRow, criteria: list[Criterion], *, note: str, ranked: int, out_of: Decimal
) -> Feedback:
    return Feedback(
        application=row.application,
        total=row.aggregate,
        out_of=out_of,
        criteria=[
            CriterionResult(criterion=c, points=m)
            for c, m in zip(criteria, row.criteria_means, strict=True)
        ],
        note=note,
        position=row.position,
        ranked=ranked,
    )


def feedback(application: Application) -> Feedback | None:
    """The feedback of an application not selected (None for any other outcome)."""
    if application.status != ApplicationStatus.NOT_SELECTED:
        return None
    call = application.call
    rows = ranking(call)
    row = next((r for r in rows if r.application.pk == application.pk), None)
    if row is None:
        return None
    decision = getattr(call, "decision", None)
    return from_row(
        row,
        ranked_criteria(call),
        note=decision.feedback_note if decision is not None else "",
        ranked=len(rows),
        out_of=scale(call),
    )


def feedback_panel(application: Application, user: Any) -> list[dict[str, Any]]:
    """The applicant's page (calls/page.py): the feedback panel of a not-selected application."""
    result = feedback(application)
    if result is None:
        return []
    return [{"template": "evaluations/_feedback.html", "feedback": result}]
