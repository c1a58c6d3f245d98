"""Write endpoints: the status transitions of the web pages, through the same checks.

Each endpoint does what the web view does, in the same order: the role check of the view's
`role_required` (403), the object looked up in the owning app's `visible_to(user)` (404), the
values checked by the page's own form (422 with the errors by field), then the owning app's
service, which refuses what the current state does not allow (409), writes the audit log and
emits the webhooks. A token needs the write scope for all of them (checked by TokenAuth).
"""

from typing import Any

from django import forms
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from ninja import Status

from insieme.accounts.models import Role
from insieme.api import registry
from insieme.api.core import cleaned, current_user, invalid, require_role
from insieme.api.endpoints import ERRORS, WRITE_ERRORS, _calls_for, application_out
from insieme.api.registry import (
    _placements_for,
    _referrals_for,
    follow_up_out,
    placement_out,
    referral_out,
    vacancy_out,
)
from insieme.api.schemas import (
    ApplicationOut,
    DecisionIn,
    DecisionOut,
    DecisionReviewIn,
    FollowUpIn,
    FollowUpOut,
    Id,
    PlacementIn,
    PlacementOut,
    ReferralOut,
    ReferralOutcomeIn,
    RequirementOut,
    ScreeningIn,
    VacancyIn,
    VacancyOut,
    VacancyPatch,
)
from insieme.calls import services as call_services
from insieme.calls.forms import ScreeningForm
from insieme.calls.models import Application, ApplicationStatus
from insieme.core import rules
from insieme.core.models import Comune, ContractType
from insieme.employment import services as employment_services
from insieme.employment.forms import ReferralOutcomeForm, VacancyForm, vacancy_organisations
from insieme.employment.models import Referral, Vacancy, VacancyStatus
from insieme.evaluations import committee
from insieme.evaluations.forms import DecisionForm, ReviewDecisionForm
from insieme.people.models import Person
from insieme.placements import services as placement_services
from insieme.placements.forms import FollowUpForm, PlacementForm
from insieme.placements.models import FollowUp
from insieme.projects import services as project_services

# The registry's router: a path has one view in Django's URL list, so POST /vacancies must live
# where GET /vacancies does.
router = registry.router

YES_NO = {True: "si", False: "no"}


def _form_value(value: Any) -> Any:
    """A value as a submitted form carries it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


def _by_code(form: forms.BaseForm, name: str) -> None:
    """The API names contract types by code (as its answers do), the page by row."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.to_field_name = "code"
    field.queryset = ContractType.objects.all()


# --- calls and applications ---------------------------------------------------------------------


@router.get(
    "/calls/{call_id}/requirements",
    response={200: list[RequirementOut], **ERRORS},
    tags=["calls"],
    summary=gettext_noop("The call's eligibility requirements (for the screening)"),
)
def call_requirements(request: HttpRequest, call_id: Id) -> list[dict[str, Any]]:
    call = get_object_or_404(_calls_for(current_user(request)), pk=call_id)
    return [
        {"id": item.pk, "position": item.position, "text": item.text}
        for item in call.eligibility_items.all()
    ]


@router.post(
    "/applications/{application_id}/screening",
    response={200: ApplicationOut, **WRITE_ERRORS},
    tags=["calls"],
    summary=gettext_noop("Record the eligibility screening (operators, administrators)"),
    description=gettext_noop(
        "One check per requirement of the call: `met`, and the `reason` when it is not met. Every requirement met: the application is eligible and goes to the committee; any not met: it is not eligible, with the reasons as its outcome (webhook `application.outcome_decided`). Errors by field are named `checks.<requirement id>.met` and `checks.<requirement id>.reason`."
    ),
)
def screen_application(request: HttpRequest, application_id: Id, body: ScreeningIn) -> Any:
    user = current_user(request)
    require_role(user, *rules.action("application.declare_eligible").roles)
    application = get_object_or_404(
        Application.objects.visible_to(user).for_list(), pk=application_id
    )
    items = list(application.call.eligibility_items.all())
    known = {item.pk for item in items}
    given = [check.item for check in body.checks]
    unknown = sorted(set(given) - known)
    if unknown or len(given) != len(set(given)):
        raise invalid(
            {
                "checks": [
                    _("Give each requirement of the call once: %(ids)s is not one of them.")
                    % {"ids": ", ".join(map(str, unknown))}
                    if unknown
                    else _("Give each requirement of the call once.")
                ]
            }
        )
    data: dict[str, Any] = {}
    for check in body.checks:
        data[f"met_{check.item}"] = YES_NO[check.met]
        data[f"reason_{check.item}"] = check.reason
    form = ScreeningForm(data, items=items)
    names = {f"{kind}_{pk}": f"checks.{pk}.{kind}" for pk in known for kind in ("met", "reason")}
    cleaned(form, names)
    call_services.record_screening(application, form.results(), by=user)
    application.refresh_from_db()
    return application_out(application)


def _decision_out(decision: Any) -> dict[str, Any]:
    call = decision.call
    decided = call.applications.filter(status__in=committee.DECIDED).select_related("form_version")
    now = committee.outcome(
        call,
        [a for a in decided if a.status == ApplicationStatus.ACCOMPANIED],
        [a for a in decided if a.status == ApplicationStatus.NOT_SELECTED],
    )
    return {
        "call": decision.call_id,
        "decided_at": decision.decided_at,
        "notes": decision.notes,
        "override_reason": decision.override_reason,
        "open_reviews": decision.open_reviews,
        # The minutes' snapshot without the applicant's name: codes and titles only.
        "ranking": [
            {
                "position": row["position"],
                "code": row["code"],
                "title": row["title"],
                "score": row["score"],
                "evaluations": row["evaluations"],
                "outcome": row["outcome"],
            }
            for row in decision.ranking
        ],
        "outcome": {
            "admitted": len(now.admitted),
            "not_selected": len(now.not_selected),
            "requested_eur": str(now.requested),
            "budget_eur": None if now.budget is None else str(now.budget),
            "without_request": len(now.without_request),
        },
        "reviews": [
            {
                "reviewed_at": review["at"],
                "reason": review["reason"],
                "changes": [
                    {
                        "code": change["code"],
                        "title": change["title"],
                        "outcome_before": change["from"],
                        "outcome": change["to"],
                    }
                    for change in review["changes"]
                ],
            }
            for review in decision.review_history
        ],
    }


@router.post(
    "/calls/{call_id}/decision",
    response={200: DecisionOut, **WRITE_ERRORS},
    tags=["calls"],
    summary=gettext_noop("Record the committee's decision on a call (operators, administrators)"),
    description=gettext_noop(
        "`admitted`: the applications under evaluation admitted to accompaniment (at most the call's limit, each with a completed evaluation); every other application under evaluation is not selected. Once per call, after the call has closed, the screening is done and every assigned evaluation is complete; `override_reason` decides without the evaluations still open (audited, in the minutes). Each outcome fires `application.outcome_decided`. The answer states the outcomes and the budget the admitted requests use."
    ),
)
def decide_call(request: HttpRequest, call_id: Id, body: DecisionIn) -> Any:
    user = current_user(request)
    require_role(user, *rules.action("call.decide").roles)
    call = get_object_or_404(_calls_for(user), pk=call_id)
    eligible = call.applications.filter(status=ApplicationStatus.IN_EVALUATION)
    form = DecisionForm(
        {
            "admitted": [str(pk) for pk in body.admitted],
            "notes": body.notes,
            "override_reason": body.override_reason,
        },
        queryset=eligible,
    )
    data = cleaned(form)
    decision = project_services.record_committee_decision(
        call,
        by=user,
        admitted=list(data["admitted"]),
        notes=data["notes"],
        override_reason=data["override_reason"],
    )
    return _decision_out(decision)


@router.post(
    "/calls/{call_id}/decision/review",
    response={200: DecisionOut, **WRITE_ERRORS},
    tags=["calls"],
    summary=gettext_noop("Review the committee's decision (riesame; operators, administrators)"),
    description=gettext_noop(
        "`admitted`: every application admitted after the review, among those decided; `reason` is required. An admission is not withdrawn while money is awarded or paid out on the project, or jobs it created are recorded (409 with the reason). Each changed outcome fires `application.outcome_decided` again and its applicant gets a new notice."
    ),
)
def review_decision(request: HttpRequest, call_id: Id, body: DecisionReviewIn) -> Any:
    user = current_user(request)
    require_role(user, *rules.action("call.review_decision").roles)
    call = get_object_or_404(_calls_for(user), pk=call_id)
    decided = call.applications.filter(status__in=committee.DECIDED)
    form = ReviewDecisionForm(
        {"admitted": [str(pk) for pk in body.admitted], "reason": body.reason}, queryset=decided
    )
    data = cleaned(form)
    decision = project_services.review_committee_decision(
        call, by=user, admitted=list(data["admitted"]), reason=data["reason"]
    )
    return _decision_out(decision)


# --- referrals, placements, follow-ups (operators) ---------------------------------------------


@router.post(
    "/referrals/{referral_id}/outcome",
    response={200: ReferralOut, **WRITE_ERRORS},
    tags=["employment"],
    summary=gettext_noop("Record the outcome of a referral (operators)"),
    description=gettext_noop(
        "After `assunta` (hired), record the placement with `POST /placements` and this referral's id."
    ),
)
def referral_outcome(request: HttpRequest, referral_id: Id, body: ReferralOutcomeIn) -> Any:
    user = current_user(request)
    require_role(user, Role.OPERATOR)
    referral = get_object_or_404(_referrals_for(user), pk=referral_id)
    values = body.model_dump()
    form = ReferralOutcomeForm(
        {name: _form_value(values[name]) for name in values},
        instance=Referral.objects.get(pk=referral.pk),
    )
    data = cleaned(form)
    employment_services.record_referral_outcome(
        referral=referral,
        outcome=data["outcome"],
        refusal_reason=data["refusal_reason"],
        notes=data["outcome_notes"],
        date=data["outcome_on"],
        by=user,
    )
    return referral_out(get_object_or_404(_referrals_for(user), pk=referral.pk), user)


@router.post(
    "/placements",
    response={201: PlacementOut, **WRITE_ERRORS},
    tags=["employment"],
    summary=gettext_noop("Record a placement (operators)"),
    description=gettext_noop(
        "The follow-ups at 3, 6 and 12 months are planned at once; the webhook `placement.recorded` fires. With `referral`, the referral (of the same person) becomes hired. `weekly_hours` from 1 to 60. A `start_date` after today records a planned placement, counted in the figures from that day."
    ),
)
def record_placement(request: HttpRequest, body: PlacementIn) -> Any:
    user = current_user(request)
    require_role(user, Role.OPERATOR)
    values = body.model_dump()
    person = Person.objects.visible_to(user).filter(pk=values.pop("person")).first()
    if person is None:
        raise invalid({"person": [_("Choose a person of the registry.")]})
    referral_id = values.pop("referral")
    referral = None
    if referral_id is not None:
        referral = Referral.objects.visible_to(user).filter(pk=referral_id, person=person).first()
        if referral is None:
            raise invalid({"referral": [_("Choose a referral of this person.")]})
    form = PlacementForm({name: _form_value(v) for name, v in values.items()}, person=person)
    _by_code(form, "contract_type")
    data = cleaned(form)
    placement = placement_services.record_placement(
        person=person, referral=referral, by=user, **data
    )
    return Status(201, placement_out(_placements_for(user).get(pk=placement.pk), user))


@router.post(
    "/placements/{placement_id}/follow-ups/{months}",
    response={200: FollowUpOut, **WRITE_ERRORS},
    tags=["employment"],
    summary=gettext_noop("Record a follow-up of a placement (operators)"),
    description=gettext_noop(
        "`months`: 3, 6 or 12 (see the placement's `follow_ups`). Recorded today, from 15 days before its `due_on` (409 `follow_up_not_due` before)."
    ),
)
def record_follow_up(request: HttpRequest, placement_id: Id, months: Id, body: FollowUpIn) -> Any:
    user = current_user(request)
    require_role(user, Role.OPERATOR)
    placement = get_object_or_404(_placements_for(user), pk=placement_id)
    follow_up = get_object_or_404(FollowUp.objects.filter(placement=placement), months=months)
    form = FollowUpForm(
        {
            "still_employed": YES_NO[body.still_employed],
            "same_contract": "" if body.same_contract is None else YES_NO[body.same_contract],
            "notes": body.notes,
        },
        instance=FollowUp.objects.get(pk=follow_up.pk),
    )
    data = cleaned(form)
    follow_up = placement_services.record_follow_up(
        follow_up=follow_up,
        still_employed=data["still_employed"],
        same_contract=data["same_contract"],
        notes=data["notes"],
        by=user,
    )
    return follow_up_out(follow_up)


# --- vacancies (operators, and partners for their own organisations) ---------------------------

VACANCY_FIELDS = (
    "organisation",
    "title",
    "ateco_code",
    "comune",
    "contract_type",
    "weekly_hours",
    "shifts",
    "requirements",
    "skills",
    "openings",
    "deadline",
    "status",
)


class ApiVacancyForm(VacancyForm):
    """The web page's form, with the comune and the contract type named by code."""

    comune = forms.ModelChoiceField(queryset=Comune.objects.all())  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _by_code(self, "contract_type")
        # The page hides the status of a new vacancy; the API does not offer it either.
        self.fields["status"].required = self.instance.pk is not None


def _save_vacancy(user: Any, instance: Vacancy, values: dict[str, Any]) -> Vacancy:
    form = ApiVacancyForm(
        {name: _form_value(values.get(name)) for name in VACANCY_FIELDS},
        instance=instance,
        organisations=vacancy_organisations(user),
    )
    data = cleaned(form)
    return employment_services.save_vacancy(
        vacancy=form.save(commit=False), status=data.get("status") or VacancyStatus.OPEN, by=user
    )


def _current(vacancy: Vacancy) -> dict[str, Any]:
    return {
        "organisation": vacancy.organisation_id,
        "title": vacancy.title,
        "ateco_code": vacancy.ateco_code,
        "comune": vacancy.comune_id,
        "contract_type": vacancy.contract_type.code,
        "weekly_hours": vacancy.weekly_hours,
        "shifts": vacancy.shifts,
        "requirements": vacancy.requirements,
        "skills": list(vacancy.skills),
        "openings": vacancy.openings,
        "deadline": vacancy.deadline,
        "status": vacancy.status,
    }


@router.post(
    "/vacancies",
    response={201: VacancyOut, **WRITE_ERRORS},
    tags=["employment"],
    summary=gettext_noop("Enter a vacancy (operators; partners for their own organisation)"),
)
def create_vacancy(request: HttpRequest, body: VacancyIn) -> Any:
    user = current_user(request)
    require_role(user, Role.OPERATOR, Role.PARTNER)
    vacancy = _save_vacancy(user, Vacancy(), body.model_dump())
    return Status(
        201, vacancy_out(Vacancy.objects.select_related("contract_type").get(pk=vacancy.pk))
    )


@router.patch(
    "/vacancies/{vacancy_id}",
    response={200: VacancyOut, **WRITE_ERRORS},
    tags=["employment"],
    summary=gettext_noop(
        "Change or close a vacancy (operators; partners for their own organisation)"
    ),
    description=gettext_noop(
        'Only the fields sent change; `{"status": "chiusa"}` closes the vacancy.'
    ),
)
def update_vacancy(request: HttpRequest, vacancy_id: Id, body: VacancyPatch) -> Any:
    user = current_user(request)
    require_role(user, Role.OPERATOR, Role.PARTNER)
    vacancy = get_object_or_404(
        Vacancy.objects.visible_to(user).select_related("contract_type"), pk=vacancy_id
    )
    values = {**_current(vacancy), **body.model_dump(exclude_unset=True)}
    vacancy = _save_vacancy(user, vacancy, values)
    return vacancy_out(Vacancy.objects.select_related("contract_type").get(pk=vacancy.pk))
