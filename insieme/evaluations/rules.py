"""What evaluators and the committee may do, and when (see insieme/core/rules.py).

A review (`Assignment`) moves from assigned to declared (no conflict of interest) or conflicted,
then to submitted once scored; its state follows from the declaration and the completion. The
sources of each transition are the states in which the evaluator still holds the assignment;
the guards say, in the evaluator's words, why a step is not possible now.

The committee's decision is a transition of the call (calls/rules.py): only once the call has
closed, every application has been screened and every assigned review is in.
"""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import ApplicationStatus, Call, CallState
from insieme.calls.rules import CALL, STAFF
from insieme.core.rules import Action, Workflow, refuse, register
from insieme.evaluations.models import Assignment, Declaration, ReviewState

EVALUATOR = frozenset({Role.EVALUATOR})
HELD = {ReviewState.ASSIGNED, ReviewState.DECLARED, ReviewState.SUBMITTED}


def is_assigned_evaluator(user, assignment: Assignment):
    """The evaluator the application was given to, as long as they have declared no conflict."""
    if assignment.evaluator_id != user.pk:
        return refuse(_("This application was not assigned to you."), "not_assigned")
    if assignment.declaration == Declaration.CONFLICT:
        return refuse(_("You declared a conflict of interest with this application."), "conflicted")
    return None


def not_declared_yet(user, assignment: Assignment):
    if assignment.declaration != Declaration.PENDING:
        return refuse(_("You have already made your declaration."), "declared")
    return None


def not_completed_for_conflict(user, assignment: Assignment):
    if assignment.completed_at is not None:
        return refuse(
            _(
                "Your evaluation is already complete: tell the programme office about the "
                "conflict of interest."
            ),
            "completed",
        )
    return None


def declared_first(user, assignment: Assignment):
    if assignment.declaration != Declaration.NO_CONFLICT:
        return refuse(
            _("Declare first whether you have a conflict of interest with this application."),
            "declaration_pending",
        )
    return None


def not_completed(user, assignment: Assignment):
    if assignment.completed_at is not None:
        return refuse(_("This evaluation is already complete."), "completed")
    return None


def under_evaluation(user, assignment: Assignment):
    if assignment.application.status != ApplicationStatus.IN_EVALUATION:
        return refuse(_("The application is no longer under evaluation."), "closed")
    return None


def applicant_not_hidden(user, assignment: Assignment):
    """In a blind call, an evaluator never learns who applied (the office does)."""
    if user.has_role(*STAFF):
        return None
    if assignment.application.call.blind_evaluation:
        return refuse(_("The evaluation of this call is blind."), "blind")
    return None


REVIEW = Workflow(Assignment, "state", initial=ReviewState.ASSIGNED, choices=ReviewState)
REVIEW.transition(
    "assignment.declare_no_conflict",
    HELD,
    ReviewState.DECLARED,
    EVALUATOR,
    label=_("No conflict of interest"),
    who=is_assigned_evaluator,
    guards=[not_declared_yet],
)
REVIEW.transition(
    "assignment.declare_conflict",
    HELD,
    ReviewState.CONFLICTED,
    EVALUATOR,
    label=_("Declare a conflict of interest"),
    who=is_assigned_evaluator,
    # A conflict may come to light while reading: until the evaluation is complete.
    guards=[not_completed_for_conflict],
)
REVIEW.transition(
    "assignment.submit",
    HELD,
    ReviewState.SUBMITTED,
    EVALUATOR,
    label=_("Complete the evaluation"),
    who=is_assigned_evaluator,
    guards=[declared_first, not_completed, under_evaluation],
)

ASSIGNMENT_ACTIONS = [
    # Before the declaration the evaluator sees what a conflict is judged on: the call, the
    # title and — unless the call is blind — the applicant; the answers, the attachments and
    # the protocol number come with "assignment.read".
    Action(
        "assignment.read",
        EVALUATOR,
        label=_("Read the application"),
        who=is_assigned_evaluator,
        guards=(declared_first,),
    ),
    Action(
        "assignment.see_applicant",
        EVALUATOR | STAFF,
        label=_("See who applied"),
        guards=(applicant_not_hidden,),
    ),
    Action(
        "assignment.score",
        EVALUATOR,
        label=_("Save the scores"),
        who=is_assigned_evaluator,
        guards=(declared_first, not_completed, under_evaluation),
    ),
]


# The committee ---------------------------------------------------------------------------------


def not_decided(user, call: Call):
    if hasattr(call, "decision"):
        return refuse(_("The committee has already decided on this call."), "decided")
    return None


def call_has_closed(user, call: Call):
    if not call.has_closed:
        closes = (
            timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M") if call.closes_at else "—"
        )
        return refuse(
            _("The committee decides only once the call has closed: it closes on %(closes)s."),
            "call_open",
            closes=closes,
        )
    return None


def screening_done(user, call: Call):
    if call.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
        return refuse(
            _("Finish the eligibility screening of every application first."), "screening_open"
        )
    return None


def open_reviews(call: Call) -> int:
    """Reviews assigned and not withdrawn by a conflict that are not complete yet."""
    return (
        Assignment.objects.active()
        .filter(
            application__call=call,
            application__status=ApplicationStatus.IN_EVALUATION,
            completed_at__isnull=True,
        )
        .count()
    )


def reviews_in(user, call: Call):
    if count := open_reviews(call):
        return refuse(
            _(
                "Every assigned evaluation must be complete before the committee decides: "
                "%(count)d still open."
            ),
            "reviews_open",
            count=count,
        )
    return None


def reviews_missing(user, call: Call):
    """The override is for evaluations that will not come: with every one in, decide normally."""
    if not open_reviews(call):
        return refuse(
            _("Every assigned evaluation is complete: record the decision without an override."),
            "reviews_in",
        )
    return None


def decided(user, call: Call):
    if not hasattr(call, "decision"):
        return refuse(_("The committee has not decided on this call yet."), "not_decided")
    return None


DECIDABLE = {CallState.PUBLISHED, CallState.OPEN, CallState.CLOSED, CallState.DECIDED}
CALL.transition(
    "call.decide",
    DECIDABLE,
    CallState.DECIDED,
    STAFF,
    label=_("Record the committee's decision"),
    guards=[not_decided, call_has_closed, screening_done, reviews_in],
)
# The call manager's override: the committee decides although some assigned evaluations are
# still open (an evaluator who will not answer), with a reason that goes into the audit log, the
# decision and its minutes. Never before the call has closed, never before the screening is done:
# applications would still be coming in, or be left undecided.
CALL.transition(
    "call.decide_without_all_reviews",
    DECIDABLE,
    CallState.DECIDED,
    STAFF,
    label=_("Decide without the missing evaluations"),
    guards=[not_decided, call_has_closed, screening_done, reviews_missing],
)

CALL_ACTIONS = [
    Action("call.assign_evaluators", STAFF, label=_("Assign evaluators")),
    Action("call.rank", STAFF, label=_("Ranking")),
    # The riesame: the decision reviewed with a reason; the outcomes that change are notified
    # again (projects/services.review_committee_decision; each outcome's own transition in
    # projects/rules.py says whether an admission can still be withdrawn).
    Action("call.review_decision", STAFF, label=_("Review the decision"), guards=(decided,)),
]

register(CALL, REVIEW, *ASSIGNMENT_ACTIONS, *CALL_ACTIONS)
