"""The shapes of the API's answers (they make the OpenAPI document)."""

import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils import timezone
from django.utils.translation import gettext_noop
from ninja import Schema
from pydantic import BeforeValidator, ConfigDict, Field

from insieme.employment.models import (
    ContactOutcome,
    InterviewKind,
    ReferralOutcome,
    RefusalReason,
    VacancyStatus,
)


def _iso_date(value: Any) -> Any:
    # Pydantic would also take a number of seconds since 1970: the API documents dates only.
    if isinstance(value, str) and len(value) == 10:
        return datetime.date.fromisoformat(value)
    if isinstance(value, datetime.date):
        return value
    raise ValueError("date expected as YYYY-MM-DD")


def _iso_datetime(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 10:
        value = datetime.datetime.fromisoformat(value)
    if not isinstance(value, datetime.datetime):
        raise ValueError("date and time expected in ISO 8601")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    try:
        # In UTC: PostgreSQL refuses offsets beyond what real time zones use.
        return value.astimezone(datetime.UTC)
    except OverflowError as error:
        raise ValueError("date and time out of range") from error


# PostgreSQL refuses NUL characters in text. The pattern refuses them as invalid input, and the
# OpenAPI document says so (a hidden validator would reject what the document allows).
NO_NUL = r"^[^\x00]*$"

Text = Annotated[str, Field(max_length=200, pattern=NO_NUL)]
# Identifiers and small numbers within what every database stores (SQLite's integers are 64-bit).
Id = Annotated[int, Field(ge=1, le=2**53)]
Year = Annotated[int, Field(ge=1900, le=2999)]
IsoDate = Annotated[datetime.date, BeforeValidator(_iso_date)]
IsoDateTime = Annotated[datetime.datetime, BeforeValidator(_iso_datetime)]


def paged(item: type[Schema]) -> Any:
    """The page schema for a list of `item`."""
    return type(
        f"{item.__name__.removesuffix('Out')}Page",
        (Schema,),
        {
            "__annotations__": {
                "count": int,
                "page": int,
                "pages": int,
                "next": str | None,
                "previous": str | None,
                "results": list[item],  # type: ignore[valid-type]
            }
        },
    )


class MeOut(Schema):
    email: str
    roles: list[str]
    token: str
    scopes: list[str]
    expires_at: datetime.datetime | None


class CallOut(Schema):
    id: int
    code: str
    title: str
    line: str
    edition: int | None
    opens_at: datetime.datetime | None
    closes_at: datetime.datetime | None
    budget: Decimal | None
    max_request: Decimal | None = Field(
        description=gettext_noop(
            "The most an application may ask for (the form's question of the amount requested); "
            "null for no limit."
        )
    )
    published: bool


class ApplicationOut(Schema):
    id: int
    code: str
    call: int
    title: str
    status: str
    applicant_person: int | None
    applicant_organisation: int | None
    sector: str | None
    comune: str | None
    submitted_at: datetime.datetime | None
    outcome_date: datetime.date | None
    score: Decimal | None


class ProjectOut(Schema):
    id: int
    application: int
    title: str
    status: str
    started_on: datetime.date | None
    ended_on: datetime.date | None


class GrantOut(Schema):
    id: int
    code: str
    application: int
    funder: int
    fund: int | None
    amount_awarded: Decimal
    amount_revoked: Decimal
    awarded_on: datetime.date | None


class DisbursementOut(Schema):
    id: int
    code: str
    grant: int
    paid_on: datetime.date
    amount: Decimal


# --- figures (the impact_report object of DOMAIN.md) ----------------------------------------------


class PeriodOut(Schema):
    # "from" is a Python keyword: the field has another name and "from" as its alias.
    model_config = ConfigDict(populate_by_name=True)

    from_: str | None = Field(None, alias="from")
    to: str | None = None


class SectorFigures(Schema):
    sector: str | None
    accompanied: int
    funded: int
    disbursed_eur: str


class ProjectFigures(Schema):
    applications: int
    accompanied: int
    funded: int
    grants_awarded_eur: str
    grants_revoked_eur: str
    grants_disbursed_eur: str
    placements: int
    people_employed: int
    traineeships: int
    sectors: list[SectorFigures]


class EmploymentFigures(Schema):
    registrations: int
    first_interviews: int
    placements: int
    people_employed: int
    first_time_placed: int
    new_contracts: int
    extensions: int
    traineeships: int
    contracts: dict[str, int]
    avg_days_to_first_placement: float | None


class TerritoryRow(Schema):
    codice_istat: str
    comune: str
    district: str | None
    decentralised: bool
    people: int | None
    accompanied: int
    placements: int | None


class FiguresOut(Schema):
    period: PeriodOut
    projects: ProjectFigures
    employment: EmploymentFigures | None
    territory: list[TerritoryRow]


class OrganisationOut(Schema):
    id: int
    fiscal_code: str
    name: str
    legal_form: str
    third_sector: bool
    comune: str | None
    roles: list[str]
    joined_on: datetime.date | None
    ateco_code: str
    website: str
    email: str
    phone: str


class PersonOut(Schema):
    id: int
    fiscal_code: str
    last_name: str
    first_name: str
    birth_date: datetime.date | None
    sex: str
    residence_comune: str | None
    email: str
    phone: str
    employment_condition: str
    pseudonymised: bool
    updated_at: datetime.datetime


class VacancyOut(Schema):
    id: int
    organisation: int
    title: str
    ateco_code: str
    comune: str
    contract_type: str
    weekly_hours: Decimal | None
    shifts: str
    requirements: str
    skills: list[Any]
    openings: int
    deadline: datetime.date | None
    status: str
    created_at: datetime.datetime


class CandidateOut(Schema):
    id: int
    # null for a partner once the person has withdrawn the consent to share the CV.
    last_name: str | None
    first_name: str | None
    shares_cv: bool


class ReferralOut(Schema):
    id: int
    vacancy: int
    candidate: CandidateOut
    proposed_on: datetime.date
    note: str
    outcome: str
    refusal_reason: str
    outcome_on: datetime.date | None


class FollowUpOut(Schema):
    id: int
    months: int
    due_on: datetime.date
    done_on: datetime.date | None
    still_employed: bool | None
    same_contract: bool | None
    notes: str


class PlacementOut(Schema):
    id: int
    code: str
    person: int
    employer: int
    contract_type: str
    start_date: datetime.date
    end_date: datetime.date | None
    weekly_hours: Decimal | None
    is_extension: bool
    application: int | None
    referral: int | None
    # The follow-ups at 3, 6 and 12 months: null for the roles whose pages do not show them.
    follow_ups: list[FollowUpOut] | None


# --- what the write endpoints take ---------------------------------------------------------------
# Only the shape is checked here; the values go through the web page's own form (the same
# checks, the same messages) and then through the owning app's service.

LongText = Annotated[str, Field(max_length=5000, pattern=NO_NUL)]
Code = Annotated[str, Field(max_length=40, pattern=NO_NUL)]
RequiredCode = Annotated[str, Field(min_length=1, max_length=40, pattern=NO_NUL)]
RequiredText = Annotated[str, Field(min_length=1, max_length=200, pattern=NO_NUL)]
Amount = Annotated[Decimal, Field(allow_inf_nan=False)]


class RequirementOut(Schema):
    id: int
    position: int
    text: str


class CheckIn(Schema):
    item: Id = Field(
        description=gettext_noop("A requirement of the call (GET /calls/{call_id}/requirements).")
    )
    met: bool
    reason: LongText = Field(
        "", description=gettext_noop("Required when the requirement is not met.")
    )


class ScreeningIn(Schema):
    checks: list[CheckIn] = Field(
        max_length=500, description=gettext_noop("One check per requirement.")
    )


class DecisionIn(Schema):
    admitted: list[Id] = Field(
        default_factory=list,
        max_length=1000,
        description=gettext_noop(
            "The applications admitted to accompaniment; every other application under "
            "evaluation is not selected."
        ),
    )
    notes: LongText = ""
    override_reason: LongText = Field(
        "",
        description=gettext_noop(
            "Only to decide although some assigned evaluations are still open (the call "
            "manager's override): why. It goes into the audit log and the minutes."
        ),
    )


class DecisionReviewIn(Schema):
    admitted: list[Id] = Field(
        default_factory=list,
        max_length=1000,
        description=gettext_noop(
            "Every application admitted after the review (among those the committee decided "
            "on); the others are not selected."
        ),
    )
    reason: LongText = Field(
        description=gettext_noop("Why the decision is reviewed; the notices carry it.")
    )


class OutcomeOut(Schema):
    admitted: int
    not_selected: int
    requested_eur: str = Field(
        description=gettext_noop("Sum of the amounts requested by the admitted applications.")
    )
    budget_eur: str | None
    without_request: int = Field(
        description=gettext_noop("Admitted applications that state no amount requested.")
    )


class ReviewChangeOut(Schema):
    code: str
    title: str
    outcome_before: str
    outcome: str


class DecisionReviewOut(Schema):
    reviewed_at: datetime.datetime
    reason: str
    changes: list[ReviewChangeOut]


class RankingRowOut(Schema):
    position: int
    code: str
    title: str
    score: str
    evaluations: int
    outcome: str


class DecisionOut(Schema):
    call: int
    decided_at: datetime.datetime
    notes: str
    override_reason: str
    open_reviews: int = Field(
        description=gettext_noop("Evaluations still open when the committee decided.")
    )
    ranking: list[RankingRowOut]
    outcome: OutcomeOut = Field(
        description=gettext_noop("The outcomes in force now (after any review) and their budget.")
    )
    reviews: list[DecisionReviewOut]


class ReferralOutcomeIn(Schema):
    outcome: ReferralOutcome = Field(description=gettext_noop("Any outcome but proposta."))
    refusal_reason: RefusalReason | None = Field(
        None, description=gettext_noop("Required when the outcome is rifiutata.")
    )
    outcome_notes: LongText = ""
    outcome_on: IsoDate | None = Field(None, description=gettext_noop("Today when left out."))


class PlacementIn(Schema):
    person: Id
    employer: Id
    contract_type: RequiredCode = Field(
        description=gettext_noop("The code of the contract type, e.g. determinato.")
    )
    start_date: IsoDate
    end_date: IsoDate | None = None
    weekly_hours: Amount | None = None
    is_extension: bool = False
    extends: Id | None = Field(
        None, description=gettext_noop("The person's placement this one extends.")
    )
    application: Id | None = Field(
        None, description=gettext_noop("The project that created the job.")
    )
    referral: Id | None = Field(
        None, description=gettext_noop("The person's referral that led to the job.")
    )
    host_tutor: Text = ""
    programme_tutor: Id | None = None
    monthly_stipend: Amount | None = None


class FollowUpIn(Schema):
    still_employed: bool
    same_contract: bool | None = None
    notes: LongText = ""


class VacancyIn(Schema):
    organisation: Id
    title: RequiredText
    ateco_code: Code = ""
    comune: RequiredCode = Field(
        description=gettext_noop("The ISTAT code of the comune of the workplace.")
    )
    contract_type: RequiredCode = Field(
        description=gettext_noop("The code of the contract type, e.g. determinato.")
    )
    weekly_hours: Amount | None = None
    shifts: Text = ""
    requirements: LongText = ""
    skills: list[Code] = Field(default_factory=list, max_length=100)
    openings: int = Field(1, ge=0, le=32767)
    deadline: IsoDate | None = None


class VacancyPatch(Schema):
    organisation: Id | None = None
    title: Text | None = None
    ateco_code: Code | None = None
    comune: Code | None = None
    contract_type: Code | None = None
    weekly_hours: Amount | None = None
    shifts: Text | None = None
    requirements: LongText | None = None
    skills: list[Code] | None = Field(None, max_length=100)
    openings: int | None = Field(None, ge=0, le=32767)
    deadline: IsoDate | None = None
    status: VacancyStatus | None = Field(
        None, description=gettext_noop("chiusa closes the vacancy.")
    )


# --- the evaluators' work -------------------------------------------------------------------------


class AssignedApplicationOut(Schema):
    id: int
    code: str
    title: str
    call: int
    call_code: str
    status: str
    blind_evaluation: bool


class CriterionScoreOut(Schema):
    criterion: int
    position: int
    name: str
    description: str
    weight: Decimal
    max_score: Decimal
    score: Decimal | None
    comment: str


class AssignmentOut(Schema):
    id: int
    application: AssignedApplicationOut
    declaration: str
    declared_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    total: Decimal | None
    can_score: bool
    # The criteria with the evaluator's scores: null until the declaration is made, as the page
    # shows nothing of the application before it.
    criteria: list[CriterionScoreOut] | None


class ScoreIn(Schema):
    criterion: Id = Field(description=gettext_noop("A criterion of the call (see `criteria`)."))
    score: Amount | None = Field(
        None,
        description=gettext_noop(
            "From 0 to the criterion's maximum; null keeps the score saved before."
        ),
    )
    comment: LongText = ""


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(
        max_length=500, description=gettext_noop("At most one score per criterion.")
    )
    complete: bool = Field(
        False,
        description=gettext_noop(
            "Complete the evaluation: every criterion needs a score, and the scores cannot be changed afterwards."
        ),
    )


class DeclarationIn(Schema):
    conflict: bool = Field(
        description=gettext_noop(
            "false: no conflict of interest (the application can then be read and scored); true: a conflict, described in `note` (the application is taken off the evaluator's list)."
        )
    )
    note: LongText = ""


# --- the waiting list and the interviews (operators) -------------------------------------------


class ContactAttemptOut(Schema):
    id: int
    date: datetime.date
    outcome: str
    notes: str
    operator: int | None


class RegistrationOut(Schema):
    id: int
    person: int
    registered_on: datetime.date
    status: str
    assigned_to: int | None
    first_contact_on: datetime.date | None
    self_signed_up: bool
    days_waited: int
    overdue: bool
    closed_on: datetime.date | None
    closing_note: str
    contact_attempts: int


class RegistrationDetailOut(RegistrationOut):
    attempts: list[ContactAttemptOut]


class ContactAttemptIn(Schema):
    date: IsoDate | None = Field(None, description=gettext_noop("Today when left out."))
    outcome: ContactOutcome
    notes: LongText = ""


class InterviewOut(Schema):
    id: int
    code: str
    person: int
    registration: int | None
    kind: str
    status: str
    date: datetime.date
    time: datetime.time | None
    place: str
    operator: int | None
    summary: str


class InterviewIn(Schema):
    kind: InterviewKind = Field(
        InterviewKind.FIRST,
        description=gettext_noop(
            "primo_colloquio (the first interview: it takes the person off the waiting list), orientamento or monitoraggio."
        ),
    )
    date: IsoDate = Field(description=gettext_noop("From today on."))
    time: RequiredCode = Field(description=gettext_noop("HH:MM"))
    place: RequiredText
    operator: Id | None = Field(
        None, description=gettext_noop("The operator holding it; the token's user when left out.")
    )


class CloseRegistrationIn(Schema):
    note: LongText = Field(
        description=gettext_noop("Why the sign-up is closed (e.g. found a job, moved away).")
    )


class InterviewMissedIn(Schema):
    status: Literal["assente", "annullato"] = Field(
        description=gettext_noop("assente: the person did not come; annullato: cancelled.")
    )
