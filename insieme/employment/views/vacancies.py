"""Vacancies, matching, referrals and their outcomes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.core import rules
from insieme.core.audit import log_access
from insieme.core.counts import CountingPaginator
from insieme.core.models import Comune
from insieme.employment import links, matching, services
from insieme.employment.forms import (
    ReferForm,
    ReferralOutcomeForm,
    VacancyFilterForm,
    VacancyForm,
    vacancy_organisations,
)
from insieme.employment.models import (
    Referral,
    ReferralOutcome,
    RefusalReason,
    Vacancy,
)
from insieme.employment.skills import labels_for
from insieme.employment.views.common import _data, _form_error
from insieme.employment.worklist import VACANCIES_AWAITING_ANSWER
from insieme.network import activities
from insieme.people.models import Person

# Vacancies, matching, referrals


def _vacancy_visible(request, pk: int) -> Vacancy:
    return get_object_or_404(
        Vacancy.objects.visible_to(request.user).select_related(
            "organisation", "comune__district", "contract_type"
        ),
        pk=pk,
    )


VACANCIES_PER_PAGE = 25


@role_required(Role.OPERATOR, Role.PARTNER)
@require_GET
def vacancy_list(request):
    form = VacancyFilterForm(request.GET or None)
    vacancies = form.filter(Vacancy.objects.visible_to(request.user).for_list()).order_by(
        "-created_at", "-pk"
    )
    # ?filtro=candidati_in_attesa: the vacancies with the referrals the home's worklist counts.
    awaiting = request.GET.get("filtro") == VACANCIES_AWAITING_ANSWER
    if awaiting:
        pending = Referral.objects.filter(vacancy=OuterRef("pk"), outcome=ReferralOutcome.PROPOSED)
        vacancies = Vacancy.objects.visible_to(request.user).for_list().filter(Exists(pending))
        vacancies = vacancies.order_by("-created_at", "-pk")
    page = CountingPaginator(vacancies, VACANCIES_PER_PAGE).get_page(request.GET.get("pagina"))
    fragment = request.htmx and not request.htmx.history_restore_request
    response = render(
        request,
        "employment/vacancy_list.html#results" if fragment else "employment/vacancy_list.html",
        {
            "form": form,
            "page": page,
            "query_string": form.query_string(),
            "awaiting": awaiting,
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@role_required(Role.OPERATOR, Role.PARTNER)
@require_http_methods(["GET", "POST"])
def vacancy_edit(request, pk: int | None = None):
    instance = _vacancy_visible(request, pk) if pk else Vacancy()
    form = VacancyForm(
        _data(request), instance=instance, organisations=vacancy_organisations(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            vacancy = services.save_vacancy(
                vacancy=form.save(commit=False),
                status=form.cleaned_data["status"],
                by=request.user,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Vacancy saved."))
            return redirect("employment:vacancy", pk=vacancy.pk)
    return render(
        request,
        "employment/vacancy_form.html",
        {"form": form, "vacancy": instance, "comuni": Comune.objects.metropolitan().only("name")},
    )


@role_required(Role.OPERATOR, Role.PARTNER)
@require_GET
def vacancy(request, pk: int):
    item = _vacancy_visible(request, pk)
    referrals = list(item.referrals.select_related("person", "proposed_by", "placement"))
    is_operator = request.user.has_role(Role.OPERATOR)
    # A partner reads the contacts and the CV of the people proposed to it, as long as they
    # agree to share them (employment/rules.py, "person.read_cv"): each read is recorded.
    cv_readable = set()
    for referral in referrals:
        if rules.can(request.user, "person.read_cv", referral.person):
            cv_readable.add(referral.pk)
            if not is_operator:
                log_access(referral.person, by=request.user, what="referred candidate")
    context = {
        "vacancy": item,
        "skills": labels_for(item.skills),
        "ateco_title": activities.title(item.ateco_code),
        "referrals": referrals,
        "cv_readable": cv_readable,
        "is_operator": is_operator,
        "shortlist": matching.candidates_for(item) if is_operator else [],
    }
    return render(request, "employment/vacancy.html", context)


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def refer(request, pk: int, person_pk: int):
    item = _vacancy_visible(request, pk)
    candidate = get_object_or_404(Person, pk=person_pk)
    form = ReferForm(_data(request))
    consent = links.has_cv_consent(candidate)
    if request.method == "POST" and form.is_valid():
        try:
            services.refer(
                vacancy=item, person=candidate, note=form.cleaned_data["note"], by=request.user
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("%(person)s proposed to %(organisation)s.")
                % {"person": candidate, "organisation": item.organisation},
            )
            return redirect("employment:vacancy", pk=item.pk)
    return render(
        request,
        "employment/refer.html",
        {"vacancy": item, "candidate": candidate, "form": form, "consent": consent},
    )


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def referral_outcome(request, pk: int):
    referral = get_object_or_404(
        Referral.objects.visible_to(request.user).select_related("person", "vacancy__organisation"),
        pk=pk,
    )
    form = ReferralOutcomeForm(_data(request), instance=Referral.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.record_referral_outcome(
            referral=referral,
            outcome=data["outcome"],
            refusal_reason=data["refusal_reason"],
            notes=data["outcome_notes"],
            date=data["outcome_on"],
            by=request.user,
        )
        messages.success(request, _("Outcome recorded."))
        if data["outcome"] == ReferralOutcome.HIRED:
            return redirect(
                reverse("placements:placement_new", args=[referral.person_id])
                + f"?segnalazione={referral.pk}"
            )
        return redirect("employment:vacancy", pk=referral.vacancy_id)
    return render(request, "employment/referral_outcome.html", {"referral": referral, "form": form})


@role_required(Role.OPERATOR)
@require_GET
def refusal_report(request):
    rows = (
        Referral.objects.filter(outcome=ReferralOutcome.REFUSED)
        .values("refusal_reason")
        .annotate(count=Count("pk"))
        .order_by("-count", "refusal_reason")
    )
    total = sum(row["count"] for row in rows)
    labels = dict(RefusalReason.choices)
    report = [
        {
            "reason": labels.get(row["refusal_reason"], row["refusal_reason"]),
            "count": row["count"],
            "share": round(100 * row["count"] / total) if total else 0,
        }
        for row in rows
    ]
    return render(request, "employment/refusals.html", {"report": report, "total": total})


@role_required(Role.OPERATOR)
@require_POST
def send_vacancy(request, pk: int, person_pk: int):
    """E-mail a vacancy to a person who agreed to be contacted for job offers."""
    item = _vacancy_visible(request, pk)
    candidate = get_object_or_404(Person.objects.visible_to(request.user), pk=person_pk)
    try:
        services.send_vacancy(vacancy=item, person=candidate, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The vacancy has been e-mailed to %(person)s.") % {"person": candidate},
        )
    if request.POST.get("da") == "persona":
        return redirect("employment:person", pk=candidate.pk)
    return redirect("employment:vacancy", pk=item.pk)
