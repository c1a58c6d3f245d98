"""Committee work: assignment, conflict-of-interest declarations, scores, ranking.

The decision that admits applications and opens their projects is
`insieme.projects.services.record_committee_decision` (projects sit above evaluations)."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role, User
from insieme.calls.models import Application, ApplicationStatus, Call, Criterion
from insieme.core import rules
from insieme.core.audit import service
from insieme.evaluations.models import Assignment, Declaration, Score

# Evaluators disagree "a lot" when their totals differ by more than this share of the scale.
DISAGREEMENT_SHARE = Decimal("0.20")
CENT = Decimal("0.01")


def evaluators() -> list[User]:
    return list(User.objects.filter(groups__name=Role.EVALUATOR, is_active=True).distinct())


@service
def assign_evaluators(call: Call, chosen: list[User], *, by) -> list[Assignment]:
    """Give each eligible application `call.evaluators_per_application` evaluators.

    Balanced: each time, the least-loaded of the chosen evaluators (counting their active
    assignments on this call) who is not already on the application — nor has declared a
    conflict with it — takes it; ties go by e-mail address so the result is reproducible.
    """
    rules.require(by, "call.assign_evaluators", call)
    if not chosen:
        raise ValidationError(_("Choose at least one evaluator."), code="no_evaluators")
    if any(not user.has_role(Role.EVALUATOR) for user in chosen):
        raise ValidationError(_("Only evaluators can be assigned."), code="not_evaluator")
    load = {user.pk: 0 for user in chosen}
    for row in (
        Assignment.objects.active()
        .filter(application__call=call, evaluator__in=chosen)
        .values("evaluator")
        .annotate(n=Count("pk"))
    ):
        load[row["evaluator"]] = row["n"]
    existing: dict[int, set[int]] = {}
    for app_id, evaluator_id in Assignment.objects.filter(application__call=call).values_list(
        "application", "evaluator"
    ):
        existing.setdefault(app_id, set()).add(evaluator_id)
    active_count = dict(
        Assignment.objects.active()
        .filter(application__call=call)
        .values_list("application")
        .annotate(n=Count("pk"))
    )
    created = []
    applications = call.applications.filter(status=ApplicationStatus.IN_EVALUATION).order_by("code")
    for application in applications:
        needed = call.evaluators_per_application - active_count.get(application.pk, 0)
        taken = existing.get(application.pk, set())
        for _n in range(max(needed, 0)):
            candidates = sorted(
                (u for u in chosen if u.pk not in taken), key=lambda u: (load[u.pk], u.email)
            )
            if not candidates:
                break
            evaluator = candidates[0]
            created.append(
                Assignment.objects.create(
                    application=application, evaluator=evaluator, assigned_by=by
                )
            )
            taken.add(evaluator.pk)
            load[evaluator.pk] += 1
    return created


@service
def declare_interest(assignment: Assignment, *, by, conflict: bool, note: str = "") -> Assignment:
    """The evaluator's declaration; with a conflict they lose the application for good.

    A conflict may also come to light while reading (in blind mode the evaluator learns who
    applied only from the content): until the evaluation is complete it can still be declared.
    """
    if conflict and not note.strip():
        raise ValidationError(
            _("Describe the conflict of interest briefly."), code="conflict_note_required"
        )
    name = "assignment.declare_conflict" if conflict else "assignment.declare_no_conflict"
    rules.require(by, name, assignment)
    return rules.transition(  # type: ignore[return-value]
        assignment,
        name,
        by=by,
        declaration=Declaration.CONFLICT if conflict else Declaration.NO_CONFLICT,
        conflict_note=note.strip(),
        declared_at=timezone.now(),
    )


def weighted_total(scores: list[Score]) -> Decimal:
    """Sum over criteria of score / maximum * weight: a scale of the weights' sum (often 100)."""
    return sum((s.weighted for s in scores), Decimal(0)).quantize(CENT)


@service
def record_scores(
    assignment: Assignment,
    values: dict[int, tuple[Decimal | None, str]],
    *,
    by,
    complete: bool,
) -> Assignment:
    rules.require(by, "assignment.submit" if complete else "assignment.score", assignment)
    criteria = list(assignment.application.call.criteria.all())
    for criterion in criteria:
        value, comment = values.get(criterion.pk, (None, ""))
        if value is None:
            if complete:
                raise ValidationError(
                    _("Give a score for every criterion: %(criterion)s is missing."),
                    code="score_missing",
                    params={"criterion": criterion.name},
                )
            continue
        if not Decimal(0) <= value <= criterion.max_score:
            raise ValidationError(
                _("The score for %(criterion)s must be between 0 and %(max)s."),
                code="score_range",
                params={"criterion": criterion.name, "max": criterion.max_score},
            )
        Score.objects.update_or_create(
            assignment=assignment,
            criterion=criterion,
            defaults={"value": value, "comment": comment.strip()},
        )
    scores = list(assignment.scores.select_related("criterion"))
    total = weighted_total(scores) if scores else None
    if complete:
        rules.transition(
            assignment, "assignment.submit", by=by, total=total, completed_at=timezone.now()
        )
    else:
        assignment.total = total
        assignment.save(update_fields=["total"])
    return assignment


@dataclass
class RankingRow:
    application: Application
    aggregate: Decimal | None
    evaluations: int
    spread: Decimal | None
    disagreement: bool
    criteria_means: list[Decimal] = field(default_factory=list)
    position: int = 0


def scale(call: Call) -> Decimal:
    return sum((c.weight for c in call.criteria.all()), Decimal(0))


def ranked_criteria(call: Call) -> list[Criterion]:
    """The criteria in the order of `RankingRow.criteria_means` (by decreasing weight)."""
    return sorted(call.criteria.all(), key=lambda c: (-c.weight, c.position))


def ranking(call: Call) -> list[RankingRow]:
    """Eligible applications best first.

    Tie rule: equal aggregate scores are ordered by the mean weighted score on the criteria
    taken by decreasing weight (then by position in the call); if still equal, the application
    submitted first comes first.
    """
    done = Q(
        assignments__completed_at__isnull=False,
        assignments__declaration=Declaration.NO_CONFLICT,
    )
    applications = list(
        call.applications.filter(
            status__in=[
                ApplicationStatus.IN_EVALUATION,
                ApplicationStatus.ACCOMPANIED,
                ApplicationStatus.NOT_SELECTED,
            ]
        )
        .for_list()
        .select_related("form_version")  # the amount requested (evaluations.committee)
        .annotate(
            aggregate=Avg("assignments__total", filter=done),
            evaluations=Count("assignments", filter=done),
            highest=Max("assignments__total", filter=done),
            lowest=Min("assignments__total", filter=done),
        )
    )
    criteria = ranked_criteria(call)
    sums: dict[tuple[int, int], Decimal] = {}
    for score in Score.objects.filter(
        assignment__application__call=call,
        assignment__completed_at__isnull=False,
        assignment__declaration=Declaration.NO_CONFLICT,
    ).select_related("criterion", "assignment"):
        key = (score.assignment.application_id, score.criterion_id)
        sums[key] = sums.get(key, Decimal(0)) + score.weighted
    limit = scale(call) * DISAGREEMENT_SHARE
    rows = []
    for app in applications:
        n = app.evaluations  # type: ignore[attr-defined]
        raw = app.aggregate  # type: ignore[attr-defined]
        aggregate = Decimal(raw).quantize(CENT) if n and raw is not None else None
        spread = (app.highest - app.lowest) if n else None  # type: ignore[attr-defined]
        means = [
            (sums.get((app.pk, c.pk), Decimal(0)) / n).quantize(CENT) if n else Decimal(0)
            for c in criteria
        ]
        rows.append(
            RankingRow(
                application=app,
                aggregate=aggregate,
                evaluations=n,
                spread=spread,
                disagreement=n > 1 and spread is not None and spread > limit,
                criteria_means=means,
            )
        )
    # Not now() moved to the year 9999: that fails on 29 February.
    far_future = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    rows.sort(
        key=lambda r: (
            r.aggregate is None,
            -(r.aggregate or 0),
            [-m for m in r.criteria_means],
            r.application.submitted_at or far_future,
            r.application.code,
        )
    )
    for index, row in enumerate(rows, start=1):
        row.position = index
    return rows
