from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Value
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from insieme.accounts.models import Role, User
from insieme.accounts.permissions import role_required
from insieme.core import rules
from insieme.core.audit import log_access
from insieme.core.listing import Listing, paginate
from insieme.grants import services
from insieme.grants import worklist as grants_worklist
from insieme.grants.forms import (
    GRANT_SORTS,
    UNDERTAKING_SORTS,
    AwardForm,
    CoverageReductionForm,
    DeclarationForm,
    ExpenseChangeForm,
    ExpenseForm,
    FinalReportForm,
    FundFilterForm,
    FundForm,
    MicrocreditForm,
    MicrocreditMoveForm,
    PayTrancheForm,
    ReasonForm,
    ReviewForm,
    RevocationForm,
    TrancheFormSet,
)
from insieme.grants.models import (
    DE_MINIMIS_CEILING,
    ZERO,
    DeMinimisDeclaration,
    Disbursement,
    ExpenseItem,
    ExpenseStatus,
    FinalReport,
    Fund,
    Grant,
    Microcredit,
    MicrocreditStatus,
    Tranche,
    cents,
    money_sum,
)
from insieme.grants.rules import MICROCREDIT
from insieme.network.models import Organisation
from insieme.projects.models import Project

MANAGERS = (Role.OPERATOR, Role.ADMIN)
READERS = (Role.OPERATOR, Role.ADMIN, Role.COACH, Role.APPLICANT)


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _may_act(request: HttpRequest, name: str, obj) -> None:
    """The door of an action's page: 403 when the gate refuses because of who acts (a refusal
    because of the state is the service's to explain, on the page)."""
    refusal = rules.can(request.user, name, obj).refusal
    if refusal is not None and refusal.by_whom:
        raise PermissionDenied(str(refusal))


# Funds ---------------------------------------------------------------------------------------


def _ledger_context(request: HttpRequest, funds, funders) -> dict:
    """The funds' ledger, filtered, sorted and one page at a time; totals over every fund that
    the filters keep, in the database."""
    filters = FundFilterForm(request.GET or None, funders=funders.order_by("name"))
    listing = Listing.from_request(
        request,
        filters.filter(funds.with_ledger().select_related("funder")),
        search_fields=(),
        sort_fields=FundFilterForm.SORTS,
        default_sort=FundFilterForm.DEFAULT_SORT,
    )
    totals = Fund.objects.filter(pk__in=listing.queryset.values("pk")).ledger_totals()
    return {"filters": filters, "listing": listing, "page": listing.page, "totals": totals}


@role_required(*MANAGERS)
def fund_list(request: HttpRequest) -> HttpResponse:
    funders = Organisation.objects.filter(pk__in=Fund.objects.values("funder"))
    context = _ledger_context(request, Fund.objects.all(), funders)
    return render(request, "grants/fund_list.html", context)


@role_required(Role.FUNDER)
def funder_ledger(request: HttpRequest) -> HttpResponse:
    """The ledgers of the funds of the funder's own organisations: money only, no names."""
    assert isinstance(request.user, User)
    own = Organisation.objects.filter(members__user=request.user)
    funders = Organisation.objects.filter(pk__in=own.values("pk"), funds__isnull=False).distinct()
    funds = Fund.objects.filter(funder__in=own.values("pk"))
    context = _ledger_context(request, funds, funders)
    context["nolink"] = True
    context["has_funds"] = funds.exists()
    return render(request, "grants/funder_ledger.html", context)


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def fund_create(request: HttpRequest) -> HttpResponse:
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            fund = services.create_fund(**form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Fund created."))
            return redirect("grants:fund_detail", pk=fund.pk)
    return render(
        request, "grants/fund_form.html", {"form": form}, status=400 if form.errors else 200
    )


MICROCREDITS_PAGE = "pagina_microcrediti"


@role_required(*MANAGERS)
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund = get_object_or_404(Fund.objects.with_ledger().select_related("funder"), pk=pk)
    grants = Listing.from_request(
        request,
        fund.grants.with_figures().select_related("application"),
        search_fields=(),
        sort_fields=GRANT_SORTS,
        default_sort="-data",
    )
    microcredits = paginate(
        request,
        fund.microcredits.select_related("application", "lender").order_by("-requested_on", "-pk"),
        param=MICROCREDITS_PAGE,
    )
    return render(
        request,
        "grants/fund_detail.html",
        {"fund": fund, "listing": grants, "page": grants.page, "microcredits": microcredits},
    )


# Awards --------------------------------------------------------------------------------------


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def award(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("application"), pk=project_pk)
    data = request.POST or None
    form = AwardForm(data, initial={"awarded_on": timezone.localdate()})
    tranches = TrancheFormSet(
        data,
        prefix="rate",
        # Compared with what is posted, an initial row would look unchanged and be dropped.
        initial=None if data else [{"percentage": Decimal("100"), "condition": "nessuna"}],
        form_kwargs={"project": project},
    )
    if request.method == "POST" and form.is_valid() and tranches.is_valid():
        plan = [
            services.TranchePlan(
                percentage=row["percentage"],
                amount=row["amount"],
                condition=row["condition"],
                threshold=row["threshold"],
                description=row["description"],
                milestone=row["milestone"],
            )
            for row in tranches.cleaned_data
            if row
        ]
        try:
            grant = services.award_grant(
                application=project.application, tranches=plan, **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Grant %(code)s awarded.") % {"code": grant.code})
            return redirect("grants:grant_detail", pk=grant.pk)
    return render(
        request,
        "grants/award_form.html",
        {"project": project, "form": form, "tranches": tranches},
        status=400 if request.method == "POST" else 200,
    )


def _grant_context(request: HttpRequest, grant: Grant, **forms) -> dict:
    user = request.user
    assert isinstance(user, User)
    # Grants imported from a workbook may belong to an application without a project row.
    project = getattr(grant.application, "project", None)
    reports = list(grant.final_reports.select_related("submitted_by", "reviewed_by"))
    expenses = list(grant.expenses.select_related("reviewed_by", "entered_by"))
    for item in expenses:
        item.grant = grant  # the gate's answers about the project's reporters, asked once
    return {
        "grant": grant,
        "project": project,
        "tranches": services.tranche_schedule(grant),
        "expenses": expenses,
        "cut": sum((item.cut for item in expenses if item.status == ExpenseStatus.APPROVED), ZERO),
        "disbursements": Disbursement.all_objects.filter(grant=grant).select_related(
            "tranche", "cancelled_by"
        ),
        "revocations": grant.revocations.all(),
        "final_reports": reports,
        # Staff see the grant's context (its project and fund) and pay its tranches.
        "is_manager": rules.holds_role(user, rules.action("grant.award").roles),
        "expense_form": forms.get("expense_form") or ExpenseForm(),
        "report_form": forms.get("report_form") or FinalReportForm(auto_id="relazione-%s"),
        "pay_form": PayTrancheForm(initial={"paid_on": timezone.localdate()}),
        "revocation_form": forms.get("revocation_form")
        or RevocationForm(auto_id="revoca-%s", initial={"decided_on": timezone.localdate()}),
        "reasons_required": ExpenseStatus.REJECTED,
    }


def _grant(request: HttpRequest, pk: int) -> Grant:
    return get_object_or_404(
        Grant.objects.visible_to(request.user)
        .with_figures()
        .select_related("fund", "funder", "application__project", "beneficiary"),
        pk=pk,
    )


@role_required(*READERS)
def grant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    return render(request, "grants/grant_detail.html", _grant_context(request, grant))


@role_required(*READERS)
def my_grants(request: HttpRequest) -> HttpResponse:
    grants: QuerySet = (
        Grant.objects.visible_to(request.user)
        .with_figures()
        .select_related("fund", "funder", "application")
        .annotate(
            pending=money_sum(
                ExpenseItem.objects.filter(grant=OuterRef("pk"), status=ExpenseStatus.PENDING),
                "grant",
                "amount",
            )
        )
        .order_by("-awarded_on", "-pk")
    )
    # ?filtro=spese_da_esaminare: the grants with the expenses the home's worklist counts.
    to_review = request.GET.get("filtro") == grants_worklist.EXPENSES_TO_REVIEW
    if to_review:
        grants = grants_worklist.grants_with_expenses_to_review(grants, request.user)
    page = paginate(request, grants)
    return render(
        request,
        "grants/my_grants.html",
        {"grants": page, "page": page, "to_review": to_review},
    )


@role_required(*READERS)
@require_POST
def expense_add(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    form = ExpenseForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.submit_expense(grant=grant, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        context = _grant_context(request, grant, expense_form=form)
        return render(request, "grants/grant_detail.html", context, status=400)
    messages.success(request, _("Expense submitted for review."))
    return redirect("grants:grant_detail", pk=grant.pk)


def _expense(request: HttpRequest, pk: int) -> ExpenseItem:
    return get_object_or_404(
        ExpenseItem.objects.filter(grant__in=Grant.objects.visible_to(request.user)), pk=pk
    )


def _download(stored, stem: str) -> FileResponse:
    """A stored file as an attachment, named by its record (never by what the uploader called it)."""
    suffix = (stored.name or "").rsplit(".", 1)[-1]
    return FileResponse(stored.open("rb"), as_attachment=True, filename=f"{stem}.{suffix}")


@role_required(*READERS)
def expense_attachment(request: HttpRequest, pk: int) -> FileResponse:
    item = _expense(request, pk)
    log_access(item, by=request.user, what="attachment")
    return _download(item.attachment, f"fattura-{item.pk}")


@role_required(*READERS)
@require_POST
def expense_review(request: HttpRequest, pk: int) -> HttpResponse:
    item = _expense(request, pk)
    _may_act(request, "expense.approve", item)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_expense(
                item=item,
                approve=form.cleaned_data["decision"] == "approva",
                reason=form.cleaned_data["reason"],
                amount_approved=form.cleaned_data["amount_approved"],
                by=request.user,
            )
            messages.success(request, _("Expense reviewed."))
        except ValidationError as error:
            _errors(request, error)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("grants:grant_detail", pk=item.grant_id)


@role_required(*READERS)
@require_POST
def tranche_pay(request: HttpRequest, pk: int) -> HttpResponse:
    tranche = get_object_or_404(
        Tranche.objects.filter(grant__in=Grant.objects.visible_to(request.user)), pk=pk
    )
    _may_act(request, "tranche.pay", tranche)
    label = services.tranche_label(tranche)
    form = PayTrancheForm(request.POST)
    if form.is_valid():
        try:
            payment = services.pay_tranche(
                tranche=tranche,
                paid_on=form.cleaned_data["paid_on"],
                amount=form.cleaned_data["amount"],
                by=request.user,
            )
            messages.success(
                request,
                _("%(tranche)s paid: %(amount)s.")
                % {"tranche": label, "amount": services.eur(payment.amount)},
            )
        except ValidationError as error:
            _errors(request, error)
    else:
        for field, errors in form.errors.items():
            for message in errors:
                messages.error(
                    request,
                    _("%(tranche)s not paid: %(field)s: %(error)s")
                    % {"tranche": label, "field": form.fields[field].label, "error": message},
                )
    return redirect("grants:grant_detail", pk=tranche.grant_id)


@role_required(*MANAGERS)
@require_POST
def disbursement_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    disbursement = get_object_or_404(Disbursement.all_objects, pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.cancel_disbursement(
                disbursement=disbursement, reason=form.cleaned_data["reason"], by=request.user
            )
            messages.success(
                request,
                _("Payment %(code)s cancelled: its %(amount)s are committed again but not paid.")
                % {"code": disbursement.code, "amount": services.eur(disbursement.amount)},
            )
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(
            request,
            _("Say why the payment %(code)s is cancelled.") % {"code": disbursement.code},
        )
    return redirect("grants:grant_detail", pk=disbursement.grant_id)


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def expense_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _expense(request, pk)
    form = ExpenseChangeForm(request.POST or None, request.FILES or None, instance=item)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "attachment"}
        try:
            services.change_expense(
                item=item,
                **data,
                attachment=form.cleaned_data.get("attachment"),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Expense corrected."))
            return redirect("grants:grant_detail", pk=item.grant_id)
    return render(
        request,
        "grants/expense_form.html",
        {"item": item, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(*READERS)
@require_POST
def expense_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = _expense(request, pk)
    grant_pk = item.grant_id
    try:
        services.delete_expense(item=item, by=request.user)
        messages.success(request, _("Expense withdrawn."))
    except ValidationError as error:
        _errors(request, error)
    return redirect("grants:grant_detail", pk=grant_pk)


@role_required(*MANAGERS)
@require_POST
def expense_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    item = _expense(request, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.reopen_expense(item=item, reason=form.cleaned_data["reason"], by=request.user)
            messages.success(request, _("Expense reopened: it is waiting for review again."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Say why the expense is reopened."))
    return redirect("grants:grant_detail", pk=item.grant_id)


@role_required(*READERS)
@require_POST
def final_report_add(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    form = FinalReportForm(request.POST, request.FILES, auto_id="relazione-%s")
    if form.is_valid():
        try:
            services.submit_final_report(grant=grant, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        context = _grant_context(request, grant, report_form=form)
        return render(request, "grants/grant_detail.html", context, status=400)
    messages.success(request, _("Final report submitted for review."))
    return redirect("grants:grant_detail", pk=grant.pk)


def _report(request: HttpRequest, pk: int) -> FinalReport:
    return get_object_or_404(
        FinalReport.objects.filter(grant__in=Grant.objects.visible_to(request.user)), pk=pk
    )


@role_required(*READERS)
def final_report_document(request: HttpRequest, pk: int) -> FileResponse:
    report = _report(request, pk)
    log_access(report, by=request.user, what="document")
    return _download(report.document, f"relazione-{report.pk}")


@role_required(*MANAGERS)
@require_POST
def final_report_review(request: HttpRequest, pk: int) -> HttpResponse:
    report = _report(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.review_final_report(
                report=report,
                approve=form.cleaned_data["decision"] == "approva",
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            messages.success(request, _("Final report reviewed."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Say why the final report is rejected."))
    return redirect("grants:grant_detail", pk=report.grant_id)


@role_required(*READERS)
@require_POST
def grant_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    grant = _grant(request, pk)
    _may_act(request, "grant.reduce", grant)
    form = RevocationForm(request.POST, auto_id="revoca-%s")
    if form.is_valid():
        try:
            services.revoke_grant(grant=grant, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
    if not form.is_valid():
        context = _grant_context(request, grant, revocation_form=form)
        return render(request, "grants/grant_detail.html", context, status=400)
    messages.success(request, _("Reduction or revocation recorded."))
    return redirect("grants:grant_detail", pk=grant.pk)


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def reduce_to_covered(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation of reducing a grant to its approved expenses, with the arithmetic."""
    grant = _grant(request, pk)
    _may_act(request, "grant.reduce_to_covered", grant)
    form = CoverageReductionForm(request.POST or None, initial={"decided_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            revocation = services.reduce_to_covered(
                grant=grant, **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            form.add_error("decided_on" if error.code == "decided_in_future" else None, error)
        else:
            messages.success(
                request,
                _("Grant reduced by %(amount)s to the approved expenses.")
                % {"amount": services.eur(revocation.amount)},
            )
            return redirect("grants:grant_detail", pk=grant.pk)
    return render(
        request,
        "grants/reduce_to_covered.html",
        {
            "grant": grant,
            "form": form,
            "figures": services.coverage(grant),
            "decision": rules.can(request.user, "grant.reduce_to_covered", grant),
        },
        status=400 if form.errors else 200,
    )


# Microcredit ---------------------------------------------------------------------------------


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def microcredit_add(request: HttpRequest, project_pk: int) -> HttpResponse:
    project = get_object_or_404(Project.objects.select_related("application"), pk=project_pk)
    form = MicrocreditForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.request_microcredit(
                application=project.application, **form.cleaned_data, by=request.user
            )
        except ValidationError as error:
            form.add_error("fund", error)
        else:
            messages.success(request, _("Microcredit recorded."))
            return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "grants/microcredit_form.html",
        {
            "project": project,
            "form": form,
            "microcredits": _with_moves(
                request,
                Microcredit.objects.filter(application=project.application).select_related(
                    "lender", "fund"
                ),
            ),
        },
        status=400 if form.errors else 200,
    )


def _with_moves(request: HttpRequest, loans) -> list[Microcredit]:
    """Each loan with the moves the gate offers this user (`loan.moves`: status, label); a move
    a guard refuses is still offered, so that its reason is shown when it is chosen."""
    loans = list(loans)
    for loan in loans:
        loan.moves = [  # type: ignore[attr-defined]
            (transition.target, str(MicrocreditStatus(transition.target).label))
            for transition in MICROCREDIT.transitions
            if (refusal := rules.can(request.user, transition.name, loan).refusal) is None
            or not (refusal.by_whom or refusal.code == rules.STATE)
        ]
    return loans


@role_required(*MANAGERS)
@require_POST
def microcredit_move(request: HttpRequest, pk: int) -> HttpResponse:
    microcredit = get_object_or_404(
        Microcredit.objects.select_related("application__project"), pk=pk
    )
    form = MicrocreditMoveForm(request.POST)
    if form.is_valid():
        try:
            services.move_microcredit(microcredit=microcredit, **form.cleaned_data, by=request.user)
            messages.success(request, _("Microcredit updated."))
        except ValidationError as error:
            _errors(request, error)
    else:
        messages.error(request, _("Choose the new status and its date."))
    return redirect("grants:microcredit_add", project_pk=microcredit.application.project.pk)


# De minimis register --------------------------------------------------------------------------


@role_required(*MANAGERS)
def de_minimis_register(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    start, end = services.de_minimis_window(today)
    platform = Grant.objects.filter(
        beneficiary=OuterRef("pk"), fund__de_minimis=True, awarded_on__range=(start, end)
    )
    declared = DeMinimisDeclaration.objects.filter(
        organisation=OuterRef("pk"), granted_on__range=(start, end)
    )
    undertakings = (
        Organisation.objects.filter(
            Q(pk__in=Grant.objects.filter(beneficiary__isnull=False).values("beneficiary"))
            | Q(pk__in=DeMinimisDeclaration.objects.values("organisation"))
        )
        .annotate(
            platform_aid=money_sum(
                platform, "beneficiary", F("amount_awarded") - F("amount_revoked")
            ),
            declared_aid=money_sum(declared, "organisation", "amount"),
        )
        .annotate(total_aid=cents(F("platform_aid") + F("declared_aid")))
        .annotate(headroom=cents(Value(DE_MINIMIS_CEILING) - F("total_aid")))
    )
    listing = Listing.from_request(
        request,
        undertakings,
        search_fields=(),
        sort_fields=UNDERTAKING_SORTS,
        default_sort="impresa",
    )
    return render(
        request,
        "grants/de_minimis.html",
        {
            "listing": listing,
            "page": listing.page,
            "start": start,
            "end": end,
            "ceiling": DE_MINIMIS_CEILING,
        },
    )


@role_required(*MANAGERS)
@require_http_methods(["GET", "POST"])
def de_minimis_undertaking(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation, pk=pk)
    form = DeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.record_de_minimis_declaration(
            organisation=organisation, **form.cleaned_data, by=request.user
        )
        messages.success(request, _("Self-declaration recorded."))
        return redirect("grants:de_minimis_undertaking", pk=organisation.pk)
    today = timezone.localdate()
    start, _end = services.de_minimis_window(today)
    return render(
        request,
        "grants/de_minimis_undertaking.html",
        {
            "organisation": organisation,
            "form": form,
            "grants": organisation.de_minimis_grants.filter(fund__de_minimis=True).select_related(
                "fund"
            ),
            "declarations": organisation.de_minimis_declarations.select_related("recorded_by"),
            "total": services.de_minimis_total(organisation, today),
            "start": start,
            "ceiling": DE_MINIMIS_CEILING,
        },
        status=400 if form.errors else 200,
    )
