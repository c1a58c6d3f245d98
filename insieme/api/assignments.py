"""The evaluators' work: their assignments, the conflict-of-interest declaration, the scores.

As the web pages of insieme/evaluations/views.py: evaluators only (403 for any other role), each
reaching only their own assignments through `Assignment.objects.of(user)`, which leaves out the
ones with a conflict of interest declared (404, as on the page, which takes them off the list).
The values go through the page's own forms (422), then through `evaluations.services` (409).
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from ninja import Router

from insieme.api.core import cleaned, current_user, invalid, page_of, require_role
from insieme.api.endpoints import ERRORS, PAGE, PAGE_SIZE, WRITE_ERRORS, _page_args
from insieme.api.schemas import AssignmentOut, DeclarationIn, Id, ScoresIn, paged
from insieme.core import rules
from insieme.evaluations import services
from insieme.evaluations.forms import DeclarationForm, ScoreForm
from insieme.evaluations.models import Assignment, AssignmentQuerySet, Declaration

router = Router(tags=["evaluations"])


def _assignments_for(user: Any) -> AssignmentQuerySet:
    require_role(user, *rules.action("assignment.read").roles)
    return Assignment.objects.of(user).for_list()


def _own(user: Any, assignment_id: int) -> Assignment:
    return get_object_or_404(_assignments_for(user), pk=assignment_id)


def assignment_out(assignment: Assignment, user: Any, *, criteria: bool = False) -> dict[str, Any]:
    application = assignment.application
    call = application.call
    # What the page offers, from the same table: the scores form only once declared, until
    # complete, while the application is under evaluation; the protocol number with the rest of
    # the application, once declared.
    can_score = bool(rules.can(user, "assignment.score", assignment))
    may_read = bool(rules.can(user, "assignment.read", assignment))
    rows = None
    if criteria and may_read:
        scores = {s.criterion_id: s for s in assignment.scores.all()}
        rows = [
            {
                "criterion": c.pk,
                "position": c.position,
                "name": c.name,
                "description": c.description,
                "weight": c.weight,
                "max_score": c.max_score,
                "score": scores[c.pk].value if c.pk in scores else None,
                "comment": scores[c.pk].comment if c.pk in scores else "",
            }
            for c in call.criteria.all()
        ]
    return {
        "id": assignment.pk,
        "application": {
            "id": application.pk,
            "code": application.code if may_read else "",
            "title": application.title,
            "call": call.pk,
            "call_code": call.code,
            "status": application.status,
            "blind_evaluation": call.blind_evaluation,
        },
        "declaration": assignment.declaration,
        "declared_at": assignment.declared_at,
        "completed_at": assignment.completed_at,
        "total": assignment.total,
        "can_score": can_score,
        "criteria": rows,
    }


@router.get(
    "/assignments",
    response={200: paged(AssignmentOut), **ERRORS},
    summary=gettext_noop("List my assignments (evaluators)"),
    description=gettext_noop(
        "The applications given to the token's evaluator to score, as the Evaluations page lists them: an assignment with a conflict of interest declared is no longer there. `criteria` is in the detail only. Filters: `call`, `declaration`, `completed`."
    ),
)
def list_assignments(
    request: HttpRequest,
    call: Id | None = None,
    declaration: Declaration | None = None,
    completed: bool | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    assignments = _assignments_for(current_user(request))
    if call is not None:
        assignments = assignments.filter(application__call_id=call)
    if declaration:
        assignments = assignments.filter(declaration=declaration.value)
    if completed is not None:
        assignments = assignments.filter(completed_at__isnull=not completed)
    user = current_user(request)
    return page_of(
        request, assignments, *_page_args(page, page_size), lambda a: assignment_out(a, user)
    )


@router.get(
    "/assignments/{assignment_id}",
    response={200: AssignmentOut, **ERRORS},
    summary=gettext_noop("One of my assignments, with the criteria and my scores (evaluators)"),
    description=gettext_noop(
        "`criteria` is null until the conflict-of-interest declaration is made, as the page shows nothing of the application before it. The application's answers and attachments are read on the web page."
    ),
)
def get_assignment(request: HttpRequest, assignment_id: Id) -> dict[str, Any]:
    user = current_user(request)
    return assignment_out(_own(user, assignment_id), user, criteria=True)


@router.post(
    "/assignments/{assignment_id}/declaration",
    response={200: AssignmentOut, **WRITE_ERRORS},
    summary=gettext_noop("Declare whether I have a conflict of interest (evaluators)"),
    description=gettext_noop(
        "Before reading the application: `conflict` false, and the application can be read and scored; true, with a `note`, and it is taken off the evaluator's list for good (the answer is the last the token gets of it). A conflict found while reading can still be declared until the evaluation is complete."
    ),
)
def declare_interest(request: HttpRequest, assignment_id: Id, body: DeclarationIn) -> Any:
    user = current_user(request)
    assignment = _own(user, assignment_id)
    form = DeclarationForm(
        {
            "declaration": DeclarationForm.CONFLICT
            if body.conflict
            else DeclarationForm.NO_CONFLICT,
            "note": body.note,
        }
    )
    data = cleaned(form)
    services.declare_interest(
        assignment,
        by=user,
        conflict=data["declaration"] == DeclarationForm.CONFLICT,
        note=data["note"],
    )
    return assignment_out(
        Assignment.objects.for_list().get(pk=assignment.pk), user, criteria=not body.conflict
    )


@router.post(
    "/assignments/{assignment_id}/scores",
    response={200: AssignmentOut, **WRITE_ERRORS},
    summary=gettext_noop("Save or complete my scores (evaluators)"),
    description=gettext_noop(
        "One score per criterion of the call, from 0 to its maximum, with an optional comment; a criterion left out (or with a null score) keeps the score saved before. With `complete` every criterion needs a score and the evaluation is closed. Only after declaring no conflict of interest, while the application is under evaluation. Errors by field are named `scores.<criterion id>.score` and `scores.<criterion id>.comment`."
    ),
)
def record_scores(request: HttpRequest, assignment_id: Id, body: ScoresIn) -> Any:
    user = current_user(request)
    assignment = _own(user, assignment_id)
    # The page sends the evaluator back to the declaration: nothing is scored before it (409).
    rules.require(user, "assignment.read", assignment)
    criteria = list(assignment.application.call.criteria.all())
    known = {c.pk for c in criteria}
    given = [row.criterion for row in body.scores]
    unknown = sorted(set(given) - known)
    if unknown or len(given) != len(set(given)):
        raise invalid(
            {
                "scores": [
                    _("Give each criterion of the call at most once: %(ids)s is not one of them.")
                    % {"ids": ", ".join(map(str, unknown))}
                    if unknown
                    else _("Give each criterion of the call at most once.")
                ]
            }
        )
    # The criteria left out keep the scores already saved, as the page's form shows them.
    data: dict[str, Any] = {}
    for saved in assignment.scores.all():
        data[f"score_{saved.criterion_id}"] = str(saved.value)
        data[f"comment_{saved.criterion_id}"] = saved.comment
    for row in body.scores:
        if row.score is not None:
            data[f"score_{row.criterion}"] = str(row.score)
        data[f"comment_{row.criterion}"] = row.comment
    form = ScoreForm(data, criteria=criteria)
    names = {f"{kind}_{pk}": f"scores.{pk}.{kind}" for pk in known for kind in ("score", "comment")}
    cleaned(form, names)
    services.record_scores(assignment, form.values(), by=user, complete=body.complete)
    return assignment_out(Assignment.objects.for_list().get(pk=assignment.pk), user, criteria=True)
