"""The committee's decision on a call and its riesame (review), in the evaluations namespace
(`evaluations:decide`, `evaluations:review_decision`, see config/urls.py): projects sit above
evaluations, and the decision opens projects."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.calls.models import ApplicationStatus, Call
from insieme.core import rules
from insieme.evaluations import committee
from insieme.evaluations.forms import DecisionForm, ReviewDecisionForm
from insieme.evaluations.services import ranking
from insieme.evaluations.views import ranking_context
from insieme.projects import services


@role_required(Role.OPERATOR, Role.ADMIN)
@require_POST
def call_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the committee's decision on a call: the admitted applications become projects.

    Two steps: the choice is first checked and its outcome stated (how many admitted, how many
    not selected, the budget their requests use); the decision is recorded only once confirmed."""
    call = get_object_or_404(Call, pk=pk)
    eligible = call.applications.filter(status=ApplicationStatus.IN_EVALUATION)
    form = DecisionForm(request.POST, queryset=eligible)
    if form.is_valid():
        data = form.cleaned_data
        choice = {
            "admitted": list(data["admitted"]),
            "override_reason": data["override_reason"],
        }
        try:
            if "confirm" in request.POST:
                services.record_committee_decision(
                    call,
                    by=request.user,
                    notes=data["notes"],
                    feedback_note=data["feedback_note"],
                    **choice,
                )
            else:
                preview = services.preview_committee_decision(call, by=request.user, **choice)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if "confirm" not in request.POST:
                return render(
                    request,
                    "evaluations/ranking.html",
                    ranking_context(call, form, user=request.user, preview=preview),
                )
            messages.success(request, _("Decision recorded; the applicants are being informed."))
            return redirect("evaluations:ranking", pk=call.pk)
    return render(
        request,
        "evaluations/ranking.html",
        ranking_context(call, form, user=request.user),
        status=400,
    )


@role_required(Role.OPERATOR, Role.ADMIN)
@require_http_methods(["GET", "POST"])
def call_review_decision(request: HttpRequest, pk: int) -> HttpResponse:
    """The riesame of the committee's decision: the applications admitted after it, a reason;
    checked and stated first, recorded once confirmed."""
    call = get_object_or_404(Call, pk=pk)
    allowed = rules.can(request.user, "call.review_decision", call)
    if not allowed:
        if allowed.refusal is not None and allowed.refusal.by_whom:
            raise PermissionDenied(allowed.reason)
        messages.error(request, allowed.reason)
        return redirect("evaluations:ranking", pk=call.pk)
    decided = call.applications.filter(status__in=committee.DECIDED).order_by("code")
    current = [a.pk for a in decided if a.status == ApplicationStatus.ACCOMPANIED]
    if request.method == "GET":
        form = ReviewDecisionForm(queryset=decided, initial={"admitted": current})
    else:
        form = ReviewDecisionForm(request.POST, queryset=decided)
    preview = None
    if request.method == "POST" and form.is_valid():
        choice = {
            "admitted": list(form.cleaned_data["admitted"]),
            "reason": form.cleaned_data["reason"],
        }
        try:
            if "confirm" in request.POST:
                services.review_committee_decision(call, by=request.user, **choice)
            else:
                preview = services.preview_decision_review(call, by=request.user, **choice)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if preview is None:
                messages.success(
                    request,
                    _(
                        "Decision reviewed; the applicants whose outcome changed are being informed."
                    ),
                )
                return redirect("evaluations:ranking", pk=call.pk)
    return render(
        request,
        "evaluations/review_decision.html",
        {
            "call": call,
            "form": form,
            "preview": preview,
            "rows": [r for r in ranking(call) if r.application.status in committee.DECIDED],
        },
        status=400 if form.errors else 200,
    )
