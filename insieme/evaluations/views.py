import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from weasyprint import HTML

from insieme.accounts.models import Role, User
from insieme.accounts.permissions import role_required
from insieme.calls.models import Application, ApplicationStatus, Call
from insieme.calls.views import answered, error_text
from insieme.core import rules, uploads
from insieme.core.listing import paginate
from insieme.evaluations import services
from insieme.evaluations.forms import AssignForm, DecisionForm, DeclarationForm, ScoreForm
from insieme.evaluations.models import Assignment, Decision, Declaration
from insieme.evaluations.rules import open_reviews
from insieme.evaluations.worklist import TO_COMPLETE

STAFF = (Role.OPERATOR, Role.ADMIN)


# Evaluators ------------------------------------------------------------------------------


@role_required(Role.EVALUATOR)
@require_GET
def my_assignments(request):
    assignments = (
        Assignment.objects.of(request.user)
        .for_list()
        .order_by("application__code", "assigned_at", "pk")
    )
    # ?filtro=da_completare: the reviews the home's worklist counts.
    to_complete = request.GET.get("filtro") == TO_COMPLETE
    if to_complete:
        assignments = assignments.filter(completed_at__isnull=True)
    page = paginate(request, assignments)
    return render(
        request,
        "evaluations/my_assignments.html",
        {"assignments": page, "page": page, "to_complete": to_complete},
    )


def own_assignment(request, pk) -> Assignment:
    return get_object_or_404(
        Assignment.objects.of(request.user).select_related(
            "application__call",
            "application__form_version",
            "application__applicant_person",
            "application__applicant_organisation",
        ),
        pk=pk,
    )


def assignment_context(user, assignment, declaration_form=None, score_form=None) -> dict:
    application = assignment.application
    call = application.call
    context = {
        "assignment": assignment,
        "application": application,
        "blind": call.blind_evaluation,
        "declaration_form": declaration_form or DeclarationForm(),
    }
    if rules.can(user, "assignment.read", assignment):
        scores = {s.criterion_id: s for s in assignment.scores.all()}
        initial = {}
        for criterion_pk, score in scores.items():
            initial[f"score_{criterion_pk}"] = score.value
            initial[f"comment_{criterion_pk}"] = score.comment
        context["sections"] = answered(application)
        context["score_form"] = score_form or ScoreForm(
            criteria=call.criteria.all(), initial=initial
        )
    return context


@role_required(Role.EVALUATOR)
@require_GET
def assignment_detail(request, pk):
    assignment = own_assignment(request, pk)
    return render(
        request, "evaluations/assignment.html", assignment_context(request.user, assignment)
    )


@role_required(Role.EVALUATOR)
@require_POST
def declare(request, pk):
    assignment = own_assignment(request, pk)
    form = DeclarationForm(request.POST)
    if form.is_valid():
        conflict = form.cleaned_data["declaration"] == DeclarationForm.CONFLICT
        try:
            services.declare_interest(
                assignment, by=request.user, conflict=conflict, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("evaluations:assignment", pk=assignment.pk)
        if conflict:
            messages.info(
                request, _("Declaration recorded: the application has been taken off your list.")
            )
            return redirect("evaluations:mine")
        messages.success(request, _("Declaration recorded: you can now read and score it."))
        return redirect("evaluations:assignment", pk=assignment.pk)
    if not rules.can(request.user, "assignment.declare_no_conflict", assignment):
        # The late declaration's form sits below the scores: say what is missing up top.
        problems = [str(e) for errors in form.errors.values() for e in errors]
        messages.error(request, " ".join(problems))
        return redirect("evaluations:assignment", pk=assignment.pk)
    return render(
        request,
        "evaluations/assignment.html",
        assignment_context(request.user, assignment, declaration_form=form),
        status=400,
    )


@role_required(Role.EVALUATOR)
@require_POST
def score(request, pk):
    assignment = own_assignment(request, pk)
    if not rules.can(request.user, "assignment.read", assignment):
        return redirect("evaluations:assignment", pk=assignment.pk)
    form = ScoreForm(request.POST, criteria=assignment.application.call.criteria.all())
    if form.is_valid():
        complete = "complete" in request.POST
        try:
            services.record_scores(assignment, form.values(), by=request.user, complete=complete)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Evaluation completed.") if complete else _("Scores saved.")
            )
            return redirect("evaluations:assignment", pk=assignment.pk)
    return render(
        request,
        "evaluations/assignment.html",
        assignment_context(request.user, assignment, score_form=form),
        status=400,
    )


@role_required(Role.EVALUATOR)
@require_GET
def assignment_attachment(request, pk, attachment_pk):
    assignment = own_assignment(request, pk)
    if not rules.can(request.user, "assignment.read", assignment):
        return redirect("evaluations:assignment", pk=assignment.pk)
    attachment = get_object_or_404(assignment.application.attachments, pk=attachment_pk)
    # In blind mode the original file name (often the applicant's name) stays hidden.
    name = (
        attachment.original_name
        if rules.can(request.user, "assignment.see_applicant", assignment)
        else f"allegato-{attachment.pk}.{uploads.EXTENSIONS.get(attachment.content_type, 'bin')}"
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=name,
        content_type=attachment.content_type,
    )


@role_required(Role.EVALUATOR)
@require_GET
def export_csv(request):
    assignments = (
        Assignment.objects.of(request.user)
        .filter(declaration=Declaration.NO_CONFLICT)
        .for_list()
        .select_related("application__applicant_person", "application__applicant_organisation")
        .prefetch_related("scores__criterion")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mie-valutazioni.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(
        [
            _("Call"),
            _("Application"),
            _("Title"),
            _("Applicant"),
            _("Criterion"),
            _("Score"),
            _("Comment"),
            _("Weighted total"),
        ]
    )
    for a in assignments:
        application = a.application
        shown = rules.can(request.user, "assignment.see_applicant", a)
        who = str(application.applicant or "") if shown else ""
        for s in a.scores.all():
            writer.writerow(
                [
                    application.call.code,
                    application.code,
                    application.title,
                    who,
                    s.criterion.name,
                    s.value,
                    s.comment,
                    a.total or "",
                ]
            )
    return response


# Operators ------------------------------------------------------------------------------


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def call_assign(request, pk):
    call = get_object_or_404(Call, pk=pk)
    candidates = (
        User.objects.filter(groups__name=Role.EVALUATOR, is_active=True)
        .annotate(
            load=Count(
                "assignments",
                filter=Q(assignments__application__call=call)
                & ~Q(assignments__declaration=Declaration.CONFLICT),
            )
        )
        .order_by("last_name", "email")
    )
    form = AssignForm(request.POST if request.method == "POST" else None, queryset=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.assign_evaluators(
                call, list(form.cleaned_data["evaluators"]), by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(count)d assignments made.") % {"count": len(created)})
            return redirect("evaluations:assign", pk=call.pk)
    applications = paginate(
        request,
        call.applications.filter(status=ApplicationStatus.IN_EVALUATION)
        .order_by("code")
        .prefetch_related(
            Prefetch("assignments", queryset=Assignment.objects.select_related("evaluator"))
        ),
    )
    return render(
        request,
        "evaluations/assign.html",
        {"call": call, "form": form, "applications": applications, "page": applications},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@require_GET
def call_ranking(request, pk):
    call = get_object_or_404(Call, pk=pk)
    return render(request, "evaluations/ranking.html", ranking_context(call, user=request.user))


def ranking_context(call, form=None, *, user=None, preview=None) -> dict:
    rows = services.ranking(call)
    eligible = call.applications.filter(status=ApplicationStatus.IN_EVALUATION)
    decision = Decision.objects.filter(call=call).select_related("decided_by").first()
    return {
        "call": call,
        "rows": rows,
        "scale": services.scale(call),
        # Nothing ticked: the committee chooses (the ranking is above the boxes).
        "form": form or DecisionForm(queryset=eligible),
        "decision": decision,
        "preview": preview,
        "may_override": bool(user and rules.can(user, "call.decide_without_all_reviews", call)),
        "open_screening": call.applications.filter(status=ApplicationStatus.SUBMITTED).count(),
        "open_evaluations": open_reviews(call),
    }


@role_required(*STAFF)
@require_GET
def minutes_pdf(request, pk):
    call = get_object_or_404(Call.objects.select_related("decision__decided_by"), pk=pk)
    if not hasattr(call, "decision"):
        messages.error(request, _("The committee has not decided on this call yet."))
        return redirect("evaluations:ranking", pk=call.pk)
    others = (
        Application.objects.filter(call=call)
        .exclude(
            status__in=[
                ApplicationStatus.DRAFT,
                ApplicationStatus.ACCOMPANIED,
                ApplicationStatus.NOT_SELECTED,
            ]
        )
        .for_list()
        .order_by("code")
    )
    html = render_to_string(
        "evaluations/minutes_pdf.html",
        {
            "call": call,
            "decision": call.decision,
            "others": others,
            "criteria": call.criteria.all(),
        },
        request=request,
    )
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="verbale-{call.code}.pdf"'
    return response
