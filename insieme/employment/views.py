import hashlib

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.core import counts
from insieme.core.audit import log_access
from insieme.core.counts import CountingPaginator
from insieme.core.listing import paginate
from insieme.core.models import Comune
from insieme.employment import links, matching, services
from insieme.employment.eligibility import Answers, assess
from insieme.employment.forms import (
    ActionForm,
    ActionStatusForm,
    AssignForm,
    AttendanceForm,
    AvailabilityForm,
    BookInterviewForm,
    CloseRegistrationForm,
    ContactAttemptForm,
    EnrolForm,
    FollowUpForm,
    GoalForm,
    InterviewRecordForm,
    JobProfileForm,
    PlacementForm,
    ReferForm,
    ReferralOutcomeForm,
    ServiceForm,
    SessionForm,
    SignUpForm,
    VacancyFilterForm,
    VacancyForm,
    operators,
    vacancy_organisations,
)
from insieme.employment.models import (
    Action,
    ContactAttempt,
    Enrolment,
    EnrolmentStatus,
    FollowUp,
    Interview,
    InterviewKind,
    InterviewStatus,
    JobProfile,
    Placement,
    Referral,
    ReferralOutcome,
    RefusalReason,
    Registration,
    RegistrationStatus,
    Service,
    Vacancy,
    first_contact_target_days,
)
from insieme.employment.reminders import reminders_for
from insieme.employment.skills import labels_for
from insieme.network import activities
from insieme.people.models import Person
from insieme.people.timeline import events_for

SIGNED_UP_SESSION_KEY = "employment_signed_up"


def _data(request):
    """The submitted data for a POST (even an empty one), None for a GET: an unbound form."""
    return request.POST if request.method == "POST" else None


def _form_error(form, error: ValidationError) -> None:
    for message in error.messages:
        form.add_error(None, message)


# Public sign-up

SIGNUP_ATTEMPTS_PER_HOUR = 10


def _too_many_sign_ups(request) -> bool:
    """A public form writes to the registry: a few submissions an hour per address are enough.

    Operators signing people up at the desk share the office's address: they are not limited.
    """
    if request.user.is_authenticated and request.user.has_role(Role.OPERATOR):
        return False
    address = request.META.get("REMOTE_ADDR", "")
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
            services.sign_up(
                fiscal_code=data["fiscal_code"],
                first_name=data["first_name"].strip(),
                last_name=data["last_name"].strip(),
                email=data["email"],
                phone=data["phone"],
                comune=data["comune"],
                cv_consent=data["cv_consent"],
                by=request.user if request.user.is_authenticated else None,
            )
            # The same answer whether or not the code was already known: a public form must
            # not tell a stranger who is registered, nor show data on file.
            request.session[SIGNED_UP_SESSION_KEY] = {"name": data["first_name"].strip()}
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
        {"outcome": outcome, "target_days": settings.FIRST_CONTACT_TARGET_DAYS},
    )


# Waiting list


def _count(model, **related) -> Coalesce:
    """How many `model` rows relate to each row: a subquery per row shown, not a join and a
    GROUP BY over the whole list (the lists are paginated, so only a page of rows asks)."""
    rows = model._default_manager.filter(**related).order_by().values(*related)
    return Coalesce(
        Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def _operator_choices() -> list[tuple[str, int, str]]:
    """The assignment form's operators as every row's select lists them (value, pk, name): read,
    named and written once, not 500 times for 25 rows of 20-odd operators (an integer written by
    a template goes through number formatting)."""
    return [(str(user.pk), user.pk, str(user)) for user in operators()]


@role_required(Role.OPERATOR)
@require_GET
def queue(request):
    registrations = Registration.objects.queue()
    mine = request.GET.get("mie") == "1"
    if mine:
        registrations = registrations.filter(assigned_to=request.user)
    today = timezone.localdate()
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
        "overdue_count": counts.count(registrations.overdue(today)),
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
            placement_count=_count(Placement, person=OuterRef("person")),
        )
        .order_by("person__last_name", "person__first_name", "pk")
    )
    if not everyone:
        registrations = registrations.filter(assigned_to=request.user)
    page = paginate(request, registrations)
    return render(
        request,
        "employment/caseload.html",
        {"registrations": page, "page": page, "everyone": everyone},
    )


# Interviews


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def book_interview(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    has_first = person.interviews.filter(
        kind=InterviewKind.FIRST, status__in=[InterviewStatus.BOOKED, InterviewStatus.HELD]
    ).exists()
    initial = {
        "operator": request.user,
        "kind": InterviewKind.ORIENTATION if has_first else InterviewKind.FIRST,
    }
    form = BookInterviewForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.book_interview(person=person, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request, _("Interview booked: %(person)s receives an e-mail.") % {"person": person}
            )
            return redirect("employment:person", pk=person.pk)
    return render(request, "employment/book_interview.html", {"person": person, "form": form})


@role_required(Role.OPERATOR)
@require_GET
def agenda(request):
    interviews = Interview.objects.agenda().filter(date__gte=timezone.localdate())
    everyone = request.GET.get("tutti") == "1"
    if not everyone:
        interviews = interviews.filter(operator=request.user)
    page = paginate(request, interviews)
    return render(
        request,
        "employment/agenda.html",
        {"interviews": page, "page": page, "everyone": everyone},
    )


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def interview(request, pk: int):
    item = get_object_or_404(Interview.objects.select_related("person", "operator"), pk=pk)
    job_profile = JobProfile.objects.filter(person=item.person).first() or JobProfile(
        person=item.person
    )
    form = InterviewRecordForm(_data(request), initial={"summary": item.summary})
    profile_form = JobProfileForm(_data(request), instance=job_profile, prefix="profilo")
    availability_form = AvailabilityForm(
        _data(request), instance=Person.objects.get(pk=item.person_id), prefix="disponibilita"
    )
    forms_valid = all([form.is_valid(), profile_form.is_valid(), availability_form.is_valid()])
    if request.method == "POST" and forms_valid:
        try:
            services.record_interview(
                interview=item,
                summary=form.cleaned_data["summary"],
                profile=profile_form.cleaned_data,
                availability=availability_form.cleaned_data,
                by=request.user,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Interview recorded."))
            return redirect("employment:person", pk=item.person_id)
    return render(
        request,
        "employment/interview.html",
        {
            "interview": item,
            "form": form,
            "profile_form": profile_form,
            "availability_form": availability_form,
        },
    )


@role_required(Role.OPERATOR)
@require_POST
def interview_missed(request, pk: int):
    item = get_object_or_404(Interview, pk=pk, status=InterviewStatus.BOOKED)
    status = request.POST.get("status")
    if status not in (InterviewStatus.NO_SHOW, InterviewStatus.CANCELLED):
        messages.error(request, _("Choose whether the person did not come or it was cancelled."))
    else:
        services.mark_interview_missed(interview=item, status=status, by=request.user)
        messages.success(request, _("Interview updated."))
    return redirect("employment:person", pk=item.person_id)


# The person's employment record


@role_required(Role.OPERATOR)
@require_GET
def person(request, pk: int):
    item = get_object_or_404(Person.objects.select_related("residence_comune__district"), pk=pk)
    log_access(item, by=request.user, what="employment record")
    registrations = item.registrations.select_related("assigned_to").prefetch_related(
        Prefetch("contact_attempts", queryset=ContactAttempt.objects.select_related("operator"))
    )
    goals = item.plan_goals.prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner"))
    )
    job_profile = (
        JobProfile.objects.filter(person=item).prefetch_related("wished_contracts").first()
    )
    context = {
        "person": item,
        "registrations": registrations,
        "open_registration": item.registrations.open().order_by("-registered_on").first(),
        "interviews": item.interviews.select_related("operator").order_by("-date", "-pk"),
        "profile": job_profile,
        "profile_skills": labels_for(job_profile.skills) if job_profile else [],
        "goals": goals,
        "goal_form": GoalForm(),
        "close_form": CloseRegistrationForm(),
        "action_form": ActionForm(person=item),
        "enrolments": item.enrolments.select_related("service"),
        "enrol_form": EnrolForm(),
        "referrals": item.referrals.select_related("vacancy__organisation"),
        "placements": Placement.objects.visible_to(request.user)
        .filter(person=item)
        .select_related("employer", "contract_type", "extends")
        .prefetch_related("follow_ups"),
        "fitting": matching.vacancies_for(item),
        "cv_consent": links.has_cv_consent(item),
        "timeline": events_for(item),
        "today": timezone.localdate(),
    }
    return render(request, "employment/person.html", context)


# Individual plan


@role_required(Role.OPERATOR)
@require_POST
def add_goal(request, pk: int):
    item = get_object_or_404(Person, pk=pk)
    form = GoalForm(request.POST)
    if form.is_valid():
        services.add_goal(person=item, title=form.cleaned_data["title"], by=request.user)
        messages.success(request, _("Goal added to the plan."))
    else:
        messages.error(request, _("Write the goal."))
    return redirect(reverse("employment:person", args=[item.pk]) + "#piano")


@role_required(Role.OPERATOR)
@require_POST
def add_action(request, pk: int):
    item = get_object_or_404(Person, pk=pk)
    form = ActionForm(request.POST, person=item)
    if form.is_valid():
        services.add_action(by=request.user, **form.cleaned_data)
        messages.success(request, _("Action added to the plan."))
    else:
        messages.error(request, _("The action was not added: choose the goal and describe it."))
    return redirect(reverse("employment:person", args=[item.pk]) + "#piano")


@role_required(Role.OPERATOR)
@require_POST
def action_status(request, pk: int):
    action = get_object_or_404(Action.objects.select_related("goal"), pk=pk)
    form = ActionStatusForm(request.POST)
    if form.is_valid():
        services.set_action_status(
            action=action, status=form.cleaned_data["status"], by=request.user
        )
        messages.success(request, _("Action updated."))
    return redirect(reverse("employment:person", args=[action.goal.person_id]) + "#piano")


# Services


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def service_list(request):
    form = ServiceForm(_data(request))
    if request.method == "POST" and form.is_valid():
        services.create_service(by=request.user, **form.cleaned_data)
        messages.success(request, _("Service created."))
        return redirect("employment:service_list")
    items = Service.objects.select_related("provider").annotate(enrolled=Count("enrolments"))
    return render(request, "employment/service_list.html", {"services": items, "form": form})


@role_required(Role.OPERATOR)
@require_GET
def service_detail(request, pk: int):
    item = get_object_or_404(Service.objects.select_related("provider"), pk=pk)
    enrolments = item.enrolments.select_related("person").annotate(
        session_count=Count("sessions"), last_session=Max("sessions__date")
    )
    return render(
        request,
        "employment/service_detail.html",
        {
            "service": item,
            "enrolments": enrolments,
            "statuses": EnrolmentStatus.choices,
            "today": timezone.localdate(),
        },
    )


@role_required(Role.OPERATOR)
@require_POST
def enrol(request, pk: int):
    item = get_object_or_404(Person, pk=pk)
    form = EnrolForm(request.POST)
    if form.is_valid():
        try:
            services.enrol(
                service_=form.cleaned_data["service"],
                person=item,
                enrolled_on=form.cleaned_data["enrolled_on"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Enrolment recorded."))
    else:
        messages.error(request, _("Choose a service and the enrolment date."))
    return redirect(reverse("employment:person", args=[item.pk]) + "#servizi")


@role_required(Role.OPERATOR)
@require_POST
def attendance(request, pk: int):
    enrolment = get_object_or_404(Enrolment, pk=pk)
    form = AttendanceForm(request.POST, instance=Enrolment.objects.get(pk=pk))
    if form.is_valid():
        services.record_attendance(
            enrolment=enrolment,
            hours_attended=form.cleaned_data["hours_attended"],
            status=form.cleaned_data["status"],
            by=request.user,
        )
        messages.success(request, _("Attendance saved."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("employment:service_detail", pk=enrolment.service_id)


@role_required(Role.OPERATOR)
@require_POST
def attendance_session(request, pk: int):
    enrolment = get_object_or_404(Enrolment.objects.select_related("person"), pk=pk)
    form = SessionForm(request.POST)
    if form.is_valid():
        try:
            services.record_session(enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("Attendance recorded for %(person)s.") % {"person": enrolment.person}
            )
    else:
        messages.error(
            request,
            _("Attendance not recorded for %(person)s: give the day and the hours.")
            % {"person": enrolment.person},
        )
    return redirect("employment:service_detail", pk=enrolment.service_id)


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
    page = CountingPaginator(vacancies, VACANCIES_PER_PAGE).get_page(request.GET.get("pagina"))
    fragment = request.htmx and not request.htmx.history_restore_request
    response = render(
        request,
        "employment/vacancy_list.html#results" if fragment else "employment/vacancy_list.html",
        {"form": form, "page": page, "query_string": form.query_string()},
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
        vacancy = services.save_vacancy(vacancy=form.save(commit=False), by=request.user)
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
    referrals = item.referrals.select_related("person", "proposed_by", "placement").annotate(
        shares_cv=links.cv_consent_in_force()
    )
    is_operator = request.user.has_role(Role.OPERATOR)
    if not is_operator:
        # A partner reads the contacts of the people proposed to it, as long as they agree to
        # share them (consent can be withdrawn after the proposal): each read is recorded.
        for referral in referrals:
            if referral.shares_cv:
                log_access(referral.person, by=request.user, what="referred candidate")
    context = {
        "vacancy": item,
        "skills": labels_for(item.skills),
        "ateco_title": activities.title(item.ateco_code),
        "referrals": referrals,
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
                reverse("employment:placement_new", args=[referral.person_id])
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


# Placements and follow-ups


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def placement_new(request, pk: int):
    item = get_object_or_404(Person, pk=pk)
    referral = None
    if request.GET.get("segnalazione", "").isdigit():
        referral = (
            Referral.objects.filter(pk=request.GET["segnalazione"], person=item)
            .select_related("vacancy__organisation", "vacancy__contract_type")
            .first()
        )
    initial = {}
    if referral is not None:
        initial = {
            "employer": referral.vacancy.organisation,
            "contract_type": referral.vacancy.contract_type,
            "weekly_hours": referral.vacancy.weekly_hours,
            "start_date": referral.outcome_on,
        }
    form = PlacementForm(_data(request), initial=initial, person=item)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_placement(
                person=item, referral=referral, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Placement recorded: follow-ups at 3, 6 and 12 months."))
            return redirect(reverse("employment:person", args=[item.pk]) + "#inserimenti")
    return render(
        request,
        "employment/placement_form.html",
        {"person": item, "form": form, "referral": referral},
    )


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def follow_up(request, pk: int):
    item = get_object_or_404(
        FollowUp.objects.filter(
            placement__in=Placement.objects.visible_to(request.user)
        ).select_related("placement__person", "placement__employer"),
        pk=pk,
    )
    form = FollowUpForm(_data(request), instance=FollowUp.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        services.record_follow_up(
            follow_up=item,
            still_employed=form.cleaned_data["still_employed"],
            same_contract=form.cleaned_data["same_contract"],
            notes=form.cleaned_data["notes"],
            by=request.user,
        )
        messages.success(request, _("Follow-up recorded."))
        return redirect(
            reverse("employment:person", args=[item.placement.person_id]) + "#inserimenti"
        )
    return render(request, "employment/follow_up.html", {"follow_up": item, "form": form})


# Home panel


@role_required(Role.OPERATOR)
@require_GET
def reminders(request):
    return render(
        request,
        "employment/reminders.html#panel" if request.htmx else "employment/reminders.html",
        {"reminders": reminders_for(request.user), "today": timezone.localdate()},
    )


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
