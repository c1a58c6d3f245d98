"""Resource endpoints: each a thin layer over the owning app's `visible_to` queryset and services.

Every list is paginated with a stable order; every detail answers 404 for what the token's user
may not see, exactly as the web pages do.
"""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from ninja import Query, Router

from insieme.accounts.models import Role
from insieme.api.core import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    ApiError,
    ErrorOut,
    current_user,
    page_of,
)
from insieme.api.schemas import (
    ApplicationOut,
    CallOut,
    DisbursementOut,
    FiguresOut,
    GrantOut,
    Id,
    IsoDate,
    MeOut,
    ProjectOut,
    Year,
    paged,
)
from insieme.calls import services as call_services
from insieme.calls.models import Application, ApplicationStatus, Call, Line
from insieme.grants.models import Disbursement, Grant
from insieme.impact.cache import report as cached_report
from insieme.impact.figures import Filters
from insieme.projects.models import Project, ProjectStatus

router = Router()

ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut, 429: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 400: ErrorOut, 409: ErrorOut}
STAFF = (Role.OPERATOR, Role.ADMIN)


def _page_args(page: int, page_size: int) -> tuple[int, int]:
    return max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)


FROM = Query(None, alias="from", description=gettext_noop("First day of the period (YYYY-MM-DD)."))
TO = Query(None, alias="to", description=gettext_noop("Last day of the period (YYYY-MM-DD)."))
PAGE = Query(1, ge=1, description=gettext_noop("Page number, from 1."))
PAGE_SIZE = Query(
    DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE, description=gettext_noop("Rows per page.")
)


# --- the token itself ---------------------------------------------------------------------------


@router.get(
    "/me",
    response={200: MeOut, **ERRORS},
    tags=["account"],
    summary=gettext_noop("Who the token is"),
)
def me(request: HttpRequest) -> dict[str, Any]:
    token = request.auth  # type: ignore[attr-defined]
    return {
        "email": token.user.email,
        "roles": [role.value for role in token.user.ordered_roles],
        "token": str(token),
        "scopes": token.scopes,
        "expires_at": token.expires_at,
    }


# --- figures ------------------------------------------------------------------------------------


def funder_organisation_id(user: Any) -> int | None:
    """The funding organisation a funder's account acts for (network.OrganisationMember)."""
    from insieme.network.models import OrganisationMember

    return (
        OrganisationMember.objects.filter(user=user, organisation__is_funder=True)
        .order_by("pk")
        .values_list("organisation_id", flat=True)
        .first()
    )


@router.get(
    "/figures",
    response={200: FiguresOut, **ERRORS},
    by_alias=True,
    tags=["figures"],
    summary=gettext_noop("The impact report"),
    description=gettext_noop(
        "The `impact_report` object of `python manage.py impact_report --format json`, with the same filters. A funder's token always gets its own organisation's scope, and no programme-wide employment figures (`employment` is null, as are the territory's people and placements columns): the funder's dashboard does not show them either."
    ),
)
def figures(
    request: HttpRequest,
    date_from: IsoDate | None = FROM,
    date_to: IsoDate | None = TO,
    line: Line | None = None,
    call: Id | None = None,
    funder: Id | None = None,
    fund: Id | None = None,
    district: Id | None = None,
    decentralised: bool | None = None,
) -> dict[str, Any]:
    user = current_user(request)
    is_funder = False
    if not user.has_role(*STAFF):
        own = funder_organisation_id(user) if user.has_role(Role.FUNDER) else None
        if own is None:
            raise ApiError(403, "forbidden", _("Your role does not allow this action."))
        if funder is not None and funder != own:
            raise ApiError(403, "forbidden", _("A funder sees only the figures of its own funds."))
        funder, is_funder = own, True
    report = cached_report(
        Filters(
            date_from=date_from,
            date_to=date_to,
            line=line.value if line else None,
            call=call,
            funder=funder,
            fund=fund,
            district=district,
            decentralised=decentralised,
        )
    )
    if is_funder:
        report["employment"] = None
        for row in report["territory"]:
            row["people"] = None
            row["placements"] = None
    return report


# --- calls and applications ---------------------------------------------------------------------


def _calls_for(user: Any) -> QuerySet[Call]:
    # Published calls are public (the portal lists them to everyone); drafts are the office's.
    return Call.objects.all() if user.has_role(*STAFF) else Call.objects.published()


def call_out(call: Call) -> dict[str, Any]:
    return {
        "id": call.pk,
        "code": call.code,
        "title": call.title,
        "line": call.line,
        "edition": call.edition,
        "opens_at": call.opens_at,
        "closes_at": call.closes_at,
        "budget": call.budget,
        "max_request": call.max_request,
        "published": call.is_published,
    }


@router.get(
    "/calls",
    response={200: paged(CallOut), **ERRORS},
    tags=["calls"],
    summary=gettext_noop("List the calls"),
)
def list_calls(
    request: HttpRequest,
    line: Line | None = None,
    edition: Year | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    calls = _calls_for(current_user(request))
    if line:
        calls = calls.filter(line=line.value)
    if edition is not None:
        calls = calls.filter(edition=edition)
    return page_of(request, calls, *_page_args(page, page_size), call_out)


@router.get(
    "/calls/{call_id}",
    response={200: CallOut, **ERRORS},
    tags=["calls"],
    summary=gettext_noop("One call"),
)
def get_call(request: HttpRequest, call_id: Id) -> dict[str, Any]:
    return call_out(get_object_or_404(_calls_for(current_user(request)), pk=call_id))


def application_out(application: Application) -> dict[str, Any]:
    return {
        "id": application.pk,
        "code": application.code,
        "call": application.call_id,
        "title": application.title,
        "status": application.status,
        "applicant_person": application.applicant_person_id,
        "applicant_organisation": application.applicant_organisation_id,
        "sector": application.sector.code if application.sector else None,
        "comune": application.comune_id,
        "submitted_at": application.submitted_at,
        "outcome_date": application.outcome_date,
        "score": application.score,
    }


def _applications_for(user: Any) -> QuerySet[Application]:
    return Application.objects.visible_to(user).select_related("sector")


@router.get(
    "/applications",
    response={200: paged(ApplicationOut), **ERRORS},
    tags=["calls"],
    summary=gettext_noop("List the applications"),
)
def list_applications(
    request: HttpRequest,
    call: Id | None = None,
    status: ApplicationStatus | None = None,
    submitted_from: IsoDate | None = None,
    submitted_to: IsoDate | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    applications = _applications_for(current_user(request))
    if call is not None:
        applications = applications.filter(call_id=call)
    if status:
        applications = applications.filter(status=status.value)
    if submitted_from:
        applications = applications.filter(submitted_at__date__gte=submitted_from)
    if submitted_to:
        applications = applications.filter(submitted_at__date__lte=submitted_to)
    return page_of(request, applications, *_page_args(page, page_size), application_out)


@router.get(
    "/applications/{application_id}",
    response={200: ApplicationOut, **ERRORS},
    tags=["calls"],
    summary=gettext_noop("One application"),
)
def get_application(request: HttpRequest, application_id: Id) -> dict[str, Any]:
    application = get_object_or_404(_applications_for(current_user(request)), pk=application_id)
    return application_out(application)


@router.post(
    "/applications/{application_id}/submit",
    response={200: ApplicationOut, **WRITE_ERRORS},
    tags=["calls"],
    summary=gettext_noop("Submit a complete draft (the applicant's own)"),
)
def submit_application(request: HttpRequest, application_id: Id) -> dict[str, Any]:
    user = current_user(request)
    application = get_object_or_404(_applications_for(user), pk=application_id)
    application = call_services.submit_application(application, by=user)
    return application_out(application)


@router.post(
    "/applications/{application_id}/withdraw",
    response={200: ApplicationOut, **WRITE_ERRORS},
    tags=["calls"],
    summary=gettext_noop("Withdraw a submitted application (the applicant's own)"),
)
def withdraw_application(request: HttpRequest, application_id: Id) -> dict[str, Any]:
    user = current_user(request)
    application = get_object_or_404(_applications_for(user), pk=application_id)
    application = call_services.withdraw_application(application, by=user)
    return application_out(application)


# --- projects, grants, disbursements -------------------------------------------------------------


def project_out(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "application": project.application_id,
        "title": project.application.title,
        "status": project.status,
        "started_on": project.started_on,
        "ended_on": project.ended_on,
    }


def _projects_for(user: Any) -> QuerySet[Project]:
    return Project.objects.visible_to(user).select_related("application")


@router.get(
    "/projects",
    response={200: paged(ProjectOut), **ERRORS},
    tags=["projects"],
    summary=gettext_noop("List the projects"),
)
def list_projects(
    request: HttpRequest,
    status: ProjectStatus | None = None,
    call: Id | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    projects = _projects_for(current_user(request))
    if status:
        projects = projects.filter(status=status.value)
    if call is not None:
        projects = projects.filter(application__call_id=call)
    return page_of(request, projects, *_page_args(page, page_size), project_out)


@router.get(
    "/projects/{project_id}",
    response={200: ProjectOut, **ERRORS},
    tags=["projects"],
    summary=gettext_noop("One project"),
)
def get_project(request: HttpRequest, project_id: Id) -> dict[str, Any]:
    return project_out(get_object_or_404(_projects_for(current_user(request)), pk=project_id))


def grant_out(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "code": grant.code,
        "application": grant.application_id,
        "funder": grant.funder_id,
        "fund": grant.fund_id,
        "amount_awarded": grant.amount_awarded,
        "amount_revoked": grant.amount_revoked,
        "awarded_on": grant.awarded_on,
    }


@router.get(
    "/grants",
    response={200: paged(GrantOut), **ERRORS},
    tags=["grants"],
    summary=gettext_noop("List the grants"),
)
def list_grants(
    request: HttpRequest,
    fund: Id | None = None,
    funder: Id | None = None,
    application: Id | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    grants = Grant.objects.visible_to(current_user(request))
    if fund is not None:
        grants = grants.filter(fund_id=fund)
    if funder is not None:
        grants = grants.filter(funder_id=funder)
    if application is not None:
        grants = grants.filter(application_id=application)
    return page_of(request, grants, *_page_args(page, page_size), grant_out)


@router.get(
    "/grants/{grant_id}",
    response={200: GrantOut, **ERRORS},
    tags=["grants"],
    summary=gettext_noop("One grant"),
)
def get_grant(request: HttpRequest, grant_id: Id) -> dict[str, Any]:
    return grant_out(
        get_object_or_404(Grant.objects.visible_to(current_user(request)), pk=grant_id)
    )


def disbursement_out(disbursement: Disbursement) -> dict[str, Any]:
    return {
        "id": disbursement.pk,
        "code": disbursement.code,
        "grant": disbursement.grant_id,
        "paid_on": disbursement.paid_on,
        "amount": disbursement.amount,
    }


def _disbursements_for(user: Any) -> QuerySet[Disbursement]:
    # A disbursement is seen by whoever sees its grant.
    return Disbursement.objects.filter(grant__in=Grant.objects.visible_to(user))


@router.get(
    "/disbursements",
    response={200: paged(DisbursementOut), **ERRORS},
    tags=["grants"],
    summary=gettext_noop("List the disbursements"),
)
def list_disbursements(
    request: HttpRequest,
    grant: Id | None = None,
    paid_from: IsoDate | None = None,
    paid_to: IsoDate | None = None,
    page: int = PAGE,
    page_size: int = PAGE_SIZE,
) -> dict[str, Any]:
    disbursements = _disbursements_for(current_user(request))
    if grant is not None:
        disbursements = disbursements.filter(grant_id=grant)
    if paid_from:
        disbursements = disbursements.filter(paid_on__gte=paid_from)
    if paid_to:
        disbursements = disbursements.filter(paid_on__lte=paid_to)
    return page_of(request, disbursements, *_page_args(page, page_size), disbursement_out)


@router.get(
    "/disbursements/{disbursement_id}",
    response={200: DisbursementOut, **ERRORS},
    tags=["grants"],
    summary=gettext_noop("One disbursement"),
)
def get_disbursement(request: HttpRequest, disbursement_id: Id) -> dict[str, Any]:
    return disbursement_out(
        get_object_or_404(_disbursements_for(current_user(request)), pk=disbursement_id)
    )
