"""Interviews, the person's employment record, the individual plan and the services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.core.audit import log_access
from insieme.core.listing import paginate
from insieme.employment import links, matching, services
from insieme.employment.forms import (
    ActionForm,
    ActionStatusForm,
    AttendanceForm,
    AvailabilityForm,
    BookInterviewForm,
    CloseRegistrationForm,
    EnrolForm,
    GoalForm,
    InterviewRecordForm,
    JobProfileForm,
    ServiceForm,
    SessionForm,
)
from insieme.employment.models import (
    Action,
    ContactAttempt,
    Enrolment,
    EnrolmentStatus,
    Interview,
    InterviewKind,
    InterviewStatus,
    JobProfile,
    Service,
)
from insieme.employment.page import person_context
from insieme.employment.skills import labels_for
from insieme.employment.views.common import _data, _form_error
from insieme.employment.worklist import AGENDA_TODAY
from insieme.people.models import Person
from insieme.people.timeline import events_for

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
    today = timezone.localdate()
    interviews = Interview.objects.agenda().filter(date__gte=today)
    everyone = request.GET.get("tutti") == "1"
    if not everyone:
        interviews = interviews.filter(operator=request.user)
    # ?giorno=oggi: the interviews of today (the home's worklist links here).
    only_today = request.GET.get("giorno") == AGENDA_TODAY
    if only_today:
        interviews = interviews.filter(date=today)
    page = paginate(request, interviews)
    return render(
        request,
        "employment/agenda.html",
        {"interviews": page, "page": page, "everyone": everyone, "only_today": only_today},
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
    try:
        services.mark_interview_missed(
            interview=item, status=request.POST.get("status", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
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
        "fitting": matching.vacancies_for(item),
        "cv_consent": links.has_cv_consent(item),
        "timeline": events_for(item),
        "today": timezone.localdate(),
        # What the apps above employment show here (placements), registered in their ready().
        **person_context(item, request.user),
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
        try:
            services.set_action_status(
                action=action, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
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
        try:
            services.record_attendance(
                enrolment=enrolment,
                hours_attended=form.cleaned_data["hours_attended"],
                status=form.cleaned_data["status"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
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
