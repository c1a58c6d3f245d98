"""What may be done to calls and applications, by whom and when (see insieme/core/rules.py)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import Role
from insieme.calls.models import Application, Call, CallState, InformationRequest
from insieme.calls.models import ApplicationStatus as S
from insieme.core.rules import Action, Workflow, refuse, register

STAFF = frozenset({Role.OPERATOR, Role.ADMIN})


def is_staff(user) -> bool:
    return user.has_role(*STAFF)


def is_owner(user, application: Application):
    if application.owner_id != user.pk:
        return refuse(_("Only the applicant may do this."), "not_owner")
    return None


def owner_or_staff(user, application: Application):
    """Who may see an application: the office, and the account that owns it."""
    if is_staff(user) or application.owner_id == user.pk:
        return None
    return refuse(_("Only the applicant and the programme office see this application."), "hidden")


def owns_request(user, request: InformationRequest):
    return is_owner(user, request.application)


# Calls ----------------------------------------------------------------------------------------


def dates_set(user, call: Call):
    if call.opens_at is None or call.closes_at is None:
        return refuse(
            _("Set the opening and closing date and time before publishing the call."),
            "call_dates_missing",
        )
    if call.closes_at <= call.opens_at:
        return refuse(_("The closing must come after the opening."), "call_dates_order")
    return None


def form_defined(user, call: Call):
    if not call.form_sections.exists():
        return refuse(_("Define the application form before publishing the call."), "call_no_form")
    return None


def requested_amount_asked(user, call: Call):
    """A maximum request binds only through the question that asks for the amount."""
    if (
        call.max_request is not None
        and not call.form_sections.filter(questions__requested_amount=True).exists()
    ):
        return refuse(
            _(
                "The call has a maximum request: mark the form's amount question that asks "
                "for the amount requested before publishing."
            ),
            "call_no_requested_amount",
        )
    return None


def criteria_defined(user, call: Call):
    if not call.criteria.filter(weight__gt=0).exists():
        return refuse(
            _("Define the evaluation criteria, with their weights, before publishing the call."),
            "call_no_criteria",
        )
    return None


def form_editable(user, call: Call):
    if call.form_is_frozen:
        return refuse(
            _(
                "The form can no longer be changed: applications have already been submitted "
                "with it."
            ),
            "form_frozen",
        )
    return None


def accepts_applications(user, call: Call):
    if not call.accepts_submissions():
        return refuse(_("This call is not open for applications."), "call_closed")
    return None


# A call's state follows from its publication, its dates and the committee's decision: a draft
# is published (with its checklist complete), opens and closes with the clock, and is decided
# by the committee ("call.decide", declared with its guards in evaluations/rules.py).
CALL = Workflow(Call, "state", initial=CallState.DRAFT, choices=CallState)
CALL.transition(
    "call.publish",
    {CallState.DRAFT},
    CallState.PUBLISHED,
    STAFF,
    label=_("Publish"),
    guards=[dates_set, form_defined, requested_amount_asked, criteria_defined],
)

CALL_ACTIONS = [
    Action("call.manage", STAFF, label=_("Manage the call")),
    Action("call.create", STAFF, label=_("New call")),
    Action("call.edit", STAFF, label=_("Edit the call")),
    # Requirements, documents, criteria, FAQ: services.ensure_list_editable says which are in use.
    Action("call.edit_lists", STAFF, label=_("Edit the call's lists")),
    Action("call.edit_form", STAFF, label=_("Edit the form"), guards=(form_editable,)),
    Action("call.apply", frozenset({Role.APPLICANT}), guards=(accepts_applications,)),
]


# Applications ---------------------------------------------------------------------------------


def is_draft(user, application: Application):
    if not application.is_draft:
        return refuse(
            _("The application has been submitted and can no longer be changed."), "not_draft"
        )
    return None


def before_deadline(user, application: Application):
    call = application.call
    if not call.accepts_submissions():
        closes = (
            timezone.localtime(call.closes_at).strftime("%d/%m/%Y %H:%M:%S")
            if call.closes_at
            else "—"
        )
        return refuse(
            _("The deadline has passed: the call closed on %(closes)s."),
            "call_closed",
            closes=closes,
        )
    return None


def complete(user, application: Application):
    from insieme.calls.services import missing_items

    if application.form_version is not None and (missing := missing_items(application)):
        return refuse(
            _("The application is incomplete: %(missing)s."),
            "incomplete",
            missing="; ".join(str(m) for m in missing),
        )
    return None


def awaits_decision(user, application: Application):
    if not application.awaits_decision:
        return refuse(_("Information can be requested only before the decision."), "decided")
    return None


APPLICATION = Workflow(Application, "status", initial=S.DRAFT)
APPLICATION.transition(
    "application.submit",
    {S.DRAFT},
    S.SUBMITTED,
    {Role.APPLICANT},
    who=is_owner,
    label=_("Submit"),
    guards=[before_deadline, complete],
)
APPLICATION.transition(
    "application.withdraw",
    {S.SUBMITTED, S.IN_EVALUATION},
    S.WITHDRAWN,
    {Role.APPLICANT},
    who=is_owner,
    label=_("Withdraw"),
)
APPLICATION.transition(
    "application.declare_eligible",
    {S.SUBMITTED},
    S.IN_EVALUATION,
    STAFF,
    label=_("Declare eligible"),
)
APPLICATION.transition(
    "application.declare_ineligible",
    {S.SUBMITTED},
    S.INELIGIBLE,
    STAFF,
    label=_("Declare not eligible"),
)
APPLICATION.transition(
    "application.admit",
    {S.IN_EVALUATION},
    S.ACCOMPANIED,
    STAFF,
    label=_("Admit"),
)
APPLICATION.transition(
    "application.not_select",
    {S.IN_EVALUATION},
    S.NOT_SELECTED,
    STAFF,
    label=_("Not selected"),
)

APPLICATION_ACTIONS = [
    # Seeing an application at all: the code, title and status other pages (an organisation's
    # timeline) would print. The office and the owning account; evaluators read what their
    # assignment allows through "assignment.read" (evaluations/rules.py), never through here.
    # `Application.objects.visible_to(user)` is the same rule as a queryset.
    Action(
        "application.view",
        frozenset(Role.values),
        label=_("See the application"),
        who=owner_or_staff,
    ),
    Action("application.edit", frozenset({Role.APPLICANT}), who=is_owner, guards=(is_draft,)),
    Action("application.review", STAFF, label=_("Review the application")),
    Action(
        "application.request_information",
        STAFF,
        label=_("Request information"),
        guards=(awaits_decision,),
    ),
]


def not_replied(user, request: InformationRequest):
    if request.replied_at is not None:
        return refuse(_("This request has already been answered."), "replied")
    if timezone.now() > request.reply_by:
        return refuse(_("The deadline to reply to this request has passed."), "reply_late")
    if not request.application.awaits_decision:
        return refuse(
            _("The application has been decided: replies are no longer accepted."),
            "reply_decided",
        )
    return None


REQUEST_ACTIONS = [
    Action(
        "information_request.reply",
        frozenset({Role.APPLICANT}),
        label=_("Reply"),
        who=owns_request,
        guards=(not_replied,),
    ),
]


def may_view_application(user, application: Application) -> bool:
    """For other apps' pages (an organisation's timeline): may `user` see this application?"""
    from insieme.core.rules import can

    return bool(can(user, "application.view", application))


register(CALL, *CALL_ACTIONS, APPLICATION, *APPLICATION_ACTIONS, *REQUEST_ACTIONS)
