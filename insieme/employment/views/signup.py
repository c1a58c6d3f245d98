"""Public sign-up, the waiting list and the caseload, and the home panel of reminders."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.core import counts
from insieme.core.clients import client_ip
from insieme.core.listing import paginate
from insieme.core.models import Comune
from insieme.employment import services
from insieme.employment.eligibility import Answers, assess
from insieme.employment.forms import (
    AssignForm,
    CloseRegistrationForm,
    ContactAttemptForm,
    SignUpForm,
)
from insieme.employment.models import (
    ContactAttempt,
    Referral,
    Registration,
    RegistrationStatus,
    first_contact_target_days,
)
from insieme.employment.page import caseload_counts
from insieme.employment.reminders import reminders_for
from insieme.employment.views.common import _count, _data, _form_error, _operator_choices
from insieme.employment.worklist import (
    CASELOAD_AWAITING_OUTCOME,
    QUEUE_OVERDUE,
    QUEUE_TO_CONTACT,
    awaiting_outcome_filter,
)
from insieme.people.forms import show_error

SIGNED_UP_SESSION_KEY = "employment_signed_up"


# Public sign-up

SIGNUP_ATTEMPTS_PER_HOUR = 10


def _too_many_sign_ups(request) -> bool:
    """A public form writes to the registry: a few submissions an hour per address are enough.

    Operators signing people up at the desk share the office's address: they are not limited.
    """
    if request.user.is_authenticated and request.user.has_role(Role.OPERATOR):
        return False
    address = client_ip(request)
    key = "employment-signup:" + hashlib.sha256(address.encode()).hexdigest()
    cache.add(key, 0, timeout=3600)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        return False
    return attempts > SIGNUP_ATTEMPTS_PER_HOUR


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.method == "POST" and _too_many_sign_ups(request):
        return render(
            request,
            "employment/signup_busy.html",
            status=429,
        )
    form = SignUpForm(_data(request))
    assessment = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        assessment = assess(Answers(comune=data["comune"], other_measure=data["other_measure"]))
        if assessment.eligible:
            try:
                outcome = services.sign_up(
                    fiscal_code=data["fiscal_code"],
                    first_name=data["first_name"].strip(),
                    last_name=data["last_name"].strip(),
                    email=data["email"],
                    phone=data["phone"],
                    comune=data["comune"],
                    cv_consent=data["cv_consent"],
                    by=request.user if request.user.is_authenticated else None,
                )
            except ValidationError as error:
                show_error(form, error)
            else:
                # What happened, and nothing of what is on file (no name, no address, no code).
                request.session[SIGNED_UP_SESSION_KEY] = {
                    "name": data["first_name"].strip(),
                    "already_registered": outcome.already_registered,
                    "emailed": outcome.emailed,
                }
                return redirect("employment:signup_done")
    return render(
        request,
        "employment/signup.html",
        {
            "form": form,
            "assessment": assessment,
            "comuni": Comune.objects.metropolitan().only("name").order_by("name"),
        },
    )


@require_GET
def signup_done(request):
    outcome = request.session.get(SIGNED_UP_SESSION_KEY)
    if outcome is None:
        return redirect("employment:signup")
    return render(
        request,
        "employment/signup_done.html",
        {
            "outcome": outcome,
            "target_days": settings.FIRST_CONTACT_TARGET_DAYS,
            **services.office_contacts(),
        },
    )


# Waiting list


@role_required(Role.OPERATOR)
@require_GET
def queue(request):
    registrations = Registration.objects.queue()
    mine = request.GET.get("mie") == "1"
    if mine:
        registrations = registrations.filter(assigned_to=request.user)
    today = timezone.localdate()
    # The filters the home's worklist links to (employment/worklist.py counts the same rows).
    focus = request.GET.get("filtro", "")
    all_registrations = registrations
    if focus == QUEUE_TO_CONTACT:
        registrations = registrations.to_contact()
    elif focus == QUEUE_OVERDUE:
        registrations = registrations.overdue(today)
    else:
        focus = ""
    page = paginate(
        request,
        registrations.annotate(attempts=_count(ContactAttempt, registration=OuterRef("pk"))),
    )
    rows = [
        {"registration": r, "days": r.days_waited(today), "overdue": r.is_overdue(today)}
        for r in page
    ]
    context = {
        "rows": rows,
        "page": page,
        "target_days": first_contact_target_days(),
        "operator_choices": _operator_choices(),
        "mine": mine,
        "focus": focus,
        "overdue_count": counts.count(all_registrations.overdue(today)),
    }
    return render(request, "employment/queue.html", context)


@role_required(Role.OPERATOR)
@require_POST
def assign(request, pk: int):
    registration = get_object_or_404(Registration.objects.queue(), pk=pk)
    form = AssignForm(request.POST)
    if form.is_valid():
        services.assign(
            registration=registration, operator=form.cleaned_data["operator"], by=request.user
        )
        if not request.htmx:
            messages.success(request, _("Assignment saved."))
    elif not request.htmx:
        messages.error(request, _("Choose an operator from the list."))
    if request.htmx:
        registration = (
            Registration.objects.queue()
            .annotate(attempts=_count(ContactAttempt, registration=OuterRef("pk")))
            .get(pk=pk)
        )
        today = timezone.localdate()
        row = {
            "registration": registration,
            "days": registration.days_waited(today),
            "overdue": registration.is_overdue(today),
        }
        return render(
            request,
            "employment/queue.html#row",
            {
                "row": row,
                "operator_choices": _operator_choices(),
                "target_days": first_contact_target_days(),
            },
        )
    return redirect("employment:queue")


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def contact(request, pk: int):
    registration = get_object_or_404(
        Registration.objects.select_related("person", "assigned_to"), pk=pk
    )
    form = ContactAttemptForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_contact_attempt(
                registration=registration, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Contact attempt recorded."))
            return redirect("employment:person", pk=registration.person_id)
    attempts = registration.contact_attempts.select_related("operator")
    return render(
        request,
        "employment/contact.html",
        {"registration": registration, "form": form, "attempts": attempts},
    )


@role_required(Role.OPERATOR)
@require_POST
def close_registration(request, pk: int):
    registration = get_object_or_404(Registration.objects.open(), pk=pk)
    form = CloseRegistrationForm(request.POST)
    if form.is_valid():
        services.close_registration(
            registration=registration, note=form.cleaned_data["note"], by=request.user
        )
        messages.success(request, _("Sign-up closed."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors["note"]))
    return redirect("employment:person", pk=registration.person_id)


@role_required(Role.OPERATOR)
@require_GET
def caseload(request):
    """People taken in (first interview booked or held), with their operator."""
    everyone = request.GET.get("tutti") == "1"
    registrations = (
        Registration.objects.filter(
            status__in=[RegistrationStatus.BOOKED, RegistrationStatus.ACTIVE]
        )
        .select_related("person__residence_comune", "assigned_to")
        .annotate(
            referral_count=_count(Referral, person=OuterRef("person")),
            # The counts of the apps above employment (placements), registered in their ready().
            **{
                name: _count(model, person=OuterRef("person"))
                for name, model in caseload_counts().items()
            },
        )
        .order_by("person__last_name", "person__first_name", "pk")
    )
    if not everyone:
        registrations = registrations.filter(assigned_to=request.user)
    awaiting = request.GET.get("filtro") == CASELOAD_AWAITING_OUTCOME
    if awaiting:
        registrations = registrations.filter(awaiting_outcome_filter())
    page = paginate(request, registrations)
    return render(
        request,
        "employment/caseload.html",
        {"registrations": page, "page": page, "everyone": everyone, "awaiting": awaiting},
    )


# Home panel


@role_required(Role.OPERATOR)
@require_GET
def reminders(request):
    return render(
        request,
        "employment/reminders.html#panel" if request.htmx else "employment/reminders.html",
        {"reminders": reminders_for(request.user), "today": timezone.localdate()},
    )
