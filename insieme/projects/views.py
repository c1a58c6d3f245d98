from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from insieme.accounts.models import Role, User
from insieme.accounts.permissions import role_required
from insieme.core import rules
from insieme.core.decimals import TwoDecimals
from insieme.core.listing import paginate
from insieme.core.models import ContractType
from insieme.projects import page, services
from insieme.projects import worklist as projects_worklist
from insieme.projects.forms import (
    AttendanceForm,
    CoachesForm,
    EventForm,
    MilestoneForm,
    MilestoneStatusForm,
    ParticipantForm,
    ReportingUsersForm,
    SessionForm,
    StatusForm,
    SurvivalFollowUpForm,
    TeamMemberForm,
)
from insieme.projects.models import (
    HOURS,
    CoachingSession,
    Event,
    Milestone,
    Participation,
    Project,
    ProjectStatus,
    SessionStatus,
    SurvivalFollowUp,
    TeamMember,
)

STAFF = (Role.OPERATOR, Role.ADMIN, Role.COACH)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _project(request: HttpRequest, pk: int) -> Project:
    return get_object_or_404(Project.objects.visible_to(request.user).for_list(), pk=pk)


def _ask(request: HttpRequest, name: str, obj=None) -> None:
    """The gate's answer for who acts (403) before a form is shown or read."""
    decision = rules.can(request.user, name, obj)
    if decision.refusal is not None and decision.refusal.by_whom:
        raise PermissionDenied(decision.reason)


def _show_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@role_required(*STAFF)
def project_list(request: HttpRequest) -> HttpResponse:
    projects: QuerySet = Project.objects.visible_to(request.user).for_list()
    status = request.GET.get("stato", "")
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    # The filters the home's worklist links to (projects/worklist.py counts the same rows).
    focus = request.GET.get("filtro", "")
    focused = projects_worklist.filtered_projects(projects, focus, request.user)
    if focused is not None:
        projects = focused
    else:
        focus = ""
    visible = Project.objects.visible_to(request.user)
    follow_ups = (
        SurvivalFollowUp.objects.due(timezone.localdate())
        .filter(project__in=visible)
        .select_related("project__application")
    )
    coach_hours = (
        # The hours held: sessions planned, cancelled or dated after today are not counted.
        User.objects.filter(
            coaching_sessions__project__in=visible,
            coaching_sessions__date__lte=timezone.localdate(),
            coaching_sessions__status=SessionStatus.HELD,
        )
        .annotate(
            hours=TwoDecimals(Sum("coaching_sessions__hours"), output_field=HOURS),
            projects=Count("coaching_sessions__project", distinct=True),
        )
        .order_by("last_name", "first_name")
    )
    # One page at a time: a region's programme accompanies thousands of projects.
    page = paginate(request, projects.order_by("-created_at", "-pk"))
    return render(
        request,
        "projects/project_list.html",
        {
            "projects": page,
            "page": page,
            "focus": focus,
            "statuses": ProjectStatus.choices,
            "selected_status": status,
            "follow_ups": follow_ups,
            "coach_hours": coach_hours,
        },
    )


def jobs_created(project: Project, user: User) -> tuple[list, dict]:
    """The placements linked to the project that `user` may see, counted by DOMAIN.md's rules,
    in the database."""
    from insieme.placements.models import Placement

    placements = Placement.objects.visible_to(user).filter(application=project.application)
    traineeship = Q(contract_type__code=ContractType.TRAINEESHIP)
    # A planned placement (starting after today) is listed but not yet counted.
    figures = placements.started().aggregate(
        placements=Count("pk", filter=~traineeship),
        extensions=Count("pk", filter=~traineeship & Q(is_extension=True)),
        people=Count("person__fiscal_code", filter=~traineeship, distinct=True),
        traineeships=Count("pk", filter=traineeship),
    )
    rows = list(placements.select_related("person", "employer", "contract_type"))
    return rows, figures


def _detail_context(request: HttpRequest, project: Project, **forms) -> dict:
    user = request.user
    assert isinstance(user, User)
    milestones = list(project.milestones.all())
    sessions = list(project.sessions.select_related("coach"))
    participations = list(project.participations.select_related("event", "person", "organisation"))
    timeline = sorted(
        [("milestone", m.due_on, m) for m in milestones]
        + [("session", s.date, s) for s in sessions]
        + [("event", p.event.date, p) for p in participations],
        key=lambda row: row[1],
        reverse=True,
    )
    placements, job_figures = jobs_created(project, user)
    decisions = rules.allowed_actions(
        user,
        project,
        [
            "project.assign_coaches",
            "project.set_reporting_users",
            "project.complete",
            "project.drop",
        ],
    )
    is_manager = bool(decisions["project.assign_coaches"])
    context = {
        "project": project,
        "application": project.application,
        "team": project.team.select_related("person"),
        "milestones": milestones,
        "sessions": sessions,
        "timeline": timeline,
        "hours_by_coach": project.sessions.held()
        .values("coach__first_name", "coach__last_name")
        .annotate(hours=TwoDecimals(Sum("hours"), output_field=HOURS))
        .order_by("coach__last_name"),
        "follow_ups": project.follow_ups.all(),
        "placements": placements,
        "job_figures": job_figures,
        "is_manager": is_manager,
        "can_change_status": decisions["project.complete"] or decisions["project.drop"],
        "changeable": {
            "milestone": {m.pk for m in milestones if rules.can(user, "milestone.change", m)},
            "session": {s.pk for s in sessions if rules.can(user, "session.change", s)},
        },
        "milestone_statuses": MilestoneStatusForm().fields["status"].choices,  # type: ignore[attr-defined]
        "milestone_form": forms.get("milestone_form") or MilestoneForm(),
        "session_form": forms.get("session_form") or SessionForm(project=project, user=user),
        "team_form": forms.get("team_form") or TeamMemberForm(),
    }
    # The panels of the apps above projects (grants), registered in their AppConfig.ready.
    context.update(page.context_of(project))
    if is_manager:
        context["coaches_form"] = CoachesForm(initial={"coaches": project.coaches.all()})
        context["reporting_form"] = ReportingUsersForm(project=project)
    return context


@role_required(*STAFF)
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    return render(request, "projects/project_detail.html", _detail_context(request, project))


@role_required(*STAFF)
@require_POST
def project_coaches(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _ask(request, "project.assign_coaches", project)
    form = CoachesForm(request.POST)
    if form.is_valid():
        services.assign_coaches(
            project=project, coaches=form.cleaned_data["coaches"], by=request.user
        )
        messages.success(request, _("Coaches updated."))
    else:
        messages.error(request, _("Choose coaches from the list."))
    return redirect("projects:detail", pk=project.pk)


@role_required(*STAFF)
@require_POST
def project_reporting_users(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _ask(request, "project.set_reporting_users", project)
    form = ReportingUsersForm(request.POST, project=project)
    if form.is_valid():
        services.set_reporting_users(project=project, users=form.chosen_users(), by=request.user)
        messages.success(request, _("Applicant accounts updated."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    return redirect("projects:detail", pk=project.pk)


@role_required(*STAFF)
@require_POST
def team_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            services.add_team_member(project=project, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error("person", error)
    if not form.is_valid():
        context = _detail_context(request, project, team_form=form)
        return render(request, "projects/project_detail.html", context, status=400)
    messages.success(request, _("Team member added."))
    return redirect("projects:detail", pk=project.pk)


@role_required(*STAFF)
@require_POST
def team_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(
        TeamMember.objects.filter(project__in=Project.objects.visible_to(request.user)), pk=pk
    )
    services.remove_team_member(member=member, by=request.user)
    messages.success(request, _("Team member removed."))
    return redirect("projects:detail", pk=member.project_id)


@role_required(*STAFF)
@require_POST
def milestone_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        context = _detail_context(request, project, milestone_form=form)
        template = "projects/project_detail.html"
        if is_htmx(request):
            template += "#milestones"
        return render(request, template, context, status=400)
    services.add_milestone(project=project, **form.cleaned_data, by=request.user)
    if is_htmx(request):
        return render(
            request, "projects/project_detail.html#milestones", _detail_context(request, project)
        )
    messages.success(request, _("Milestone added."))
    return redirect("projects:detail", pk=project.pk)


@role_required(*STAFF)
@require_POST
def milestone_status(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(
        Milestone.objects.filter(project__in=Project.objects.visible_to(request.user)), pk=pk
    )
    form = MilestoneStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_milestone_status(
                milestone=milestone, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("Milestone updated."))
    else:
        messages.error(request, _("Choose a valid status."))
    return redirect("projects:detail", pk=milestone.project_id)


@role_required(*STAFF)
@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    assert isinstance(request.user, User)
    form = SessionForm(request.POST, project=project, user=request.user)
    if form.is_valid():
        try:
            services.record_session(project=project, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
    template = "projects/project_detail.html"
    if not form.is_valid():
        context = _detail_context(request, project, session_form=form)
        return render(
            request,
            template + "#sessions" if is_htmx(request) else template,
            context,
            status=400,
        )
    if is_htmx(request):
        project = _project(request, pk)
        return render(request, template + "#sessions", _detail_context(request, project))
    messages.success(request, _("Coaching session recorded."))
    return redirect("projects:detail", pk=project.pk)


def _own_item(request: HttpRequest, model, pk: int, action: str):
    """A milestone or session of a visible project (else 404) that the user may change (403)."""
    item = get_object_or_404(
        model.objects.select_related("project__application").filter(
            project__in=Project.objects.visible_to(request.user)
        ),
        pk=pk,
    )
    _ask(request, action, item)
    return item


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _own_item(request, Milestone, pk, "milestone.change")
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        services.change_milestone(milestone=milestone, **form.cleaned_data, by=request.user)
        messages.success(request, _("Milestone updated."))
        return redirect("projects:detail", pk=milestone.project_id)
    return render(
        request,
        "projects/item_form.html",
        {
            "project": milestone.project,
            "form": form,
            "title": _("Edit milestone"),
            "delete_url": reverse("projects:milestone_delete", args=[milestone.pk]),
        },
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@require_POST
def milestone_delete(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = _own_item(request, Milestone, pk, "milestone.delete")
    project_pk = milestone.project_id
    try:
        services.delete_milestone(milestone=milestone, by=request.user)
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, _("Milestone deleted."))
    return redirect("projects:detail", pk=project_pk)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _own_item(request, CoachingSession, pk, "session.change")
    assert isinstance(request.user, User)
    form = SessionForm(
        request.POST or None, instance=session, project=session.project, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.change_session(session=session, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Coaching session updated."))
            return redirect("projects:detail", pk=session.project_id)
    return render(
        request,
        "projects/item_form.html",
        {
            "project": session.project,
            "form": form,
            "title": _("Edit coaching session"),
            "delete_url": reverse("projects:session_delete", args=[session.pk]),
        },
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = _own_item(request, CoachingSession, pk, "session.delete")
    project_pk = session.project_id
    services.delete_session(session=session, by=request.user)
    messages.success(request, _("Coaching session deleted."))
    return redirect("projects:detail", pk=project_pk)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def project_status(request: HttpRequest, pk: int) -> HttpResponse:
    project = _project(request, pk)
    _ask(request, "project.complete", project)
    form = StatusForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_status(project=project, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Project status updated."))
            return redirect("projects:detail", pk=project.pk)
    return render(
        request,
        "projects/project_status.html",
        {"project": project, "form": form},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def follow_up_record(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(
        SurvivalFollowUp.objects.filter(
            project__in=Project.objects.visible_to(request.user)
        ).select_related("project__application"),
        pk=pk,
    )
    form = SurvivalFollowUpForm(request.POST or None, instance=follow_up)
    if request.method == "POST" and form.is_valid():
        services.record_follow_up(
            follow_up=follow_up,
            done_on=form.cleaned_data["done_on"],
            still_operating=form.cleaned_data["still_operating"],
            people_working=form.cleaned_data["people_working"],
            notes=form.cleaned_data["notes"],
            by=request.user,
        )
        messages.success(request, _("Follow-up recorded."))
        return redirect("projects:detail", pk=follow_up.project_id)
    return render(
        request,
        "projects/follow_up.html",
        {"follow_up": follow_up, "form": form},
        status=400 if form.errors else 200,
    )


# Calendar of training courses and networking events -----------------------------------------

PAST_EVENTS_PAGE = "pagina_passati"


@role_required(*STAFF)
def event_list(request: HttpRequest) -> HttpResponse:
    events = Event.objects.visible_to(request.user).annotate(
        participants=Count("participations"),
        present=Count("participations", filter=Q(participations__attended=True)),
    )
    today = timezone.localdate()
    return render(
        request,
        "projects/event_list.html",
        {
            "upcoming": paginate(
                request, events.filter(date__gte=today).order_by("date", "title", "pk")
            ),
            "past": paginate(
                request,
                events.filter(date__lt=today).order_by("-date", "title", "pk"),
                param=PAST_EVENTS_PAGE,
            ),
        },
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def event_create(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        event = services.create_event(**form.cleaned_data, by=request.user)
        messages.success(request, _("Event added to the calendar."))
        return redirect("projects:event_detail", pk=event.pk)
    return render(
        request, "projects/event_form.html", {"form": form}, status=400 if form.errors else 200
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
    form = EventForm(request.POST or None, instance=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_event(event=event, **form.cleaned_data, by=request.user)
        except ValidationError as error:
            form.add_error("hours", error)
        else:
            messages.success(request, _("Event updated."))
            return redirect("projects:event_detail", pk=event.pk)
    return render(
        request,
        "projects/event_form.html",
        {"form": form, "event": event},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@require_POST
def event_delete(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
    services.delete_event(event=event, by=request.user)
    messages.success(request, _("Event deleted."))
    return redirect("projects:event_list")


@role_required(*STAFF)
@require_POST
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    visible = Project.objects.visible_to(request.user)
    participation = get_object_or_404(
        Participation.objects.filter(event__in=Event.objects.visible_to(request.user)).filter(
            Q(project__isnull=True) | Q(project__in=visible)
        ),
        pk=pk,
    )
    services.remove_participant(participation=participation, by=request.user)
    messages.success(request, _("Participant removed."))
    return redirect("projects:event_detail", pk=participation.event_id)


def _event_context(request: HttpRequest, event: Event, form=None) -> dict:
    assert isinstance(request.user, User)
    visible = Project.objects.visible_to(request.user)
    return {
        "event": event,
        "participations": event.participations.select_related(
            "person", "organisation", "project__application"
        ).filter(Q(project__isnull=True) | Q(project__in=visible)),
        "form": form or ParticipantForm(user=request.user),
    }


@role_required(*STAFF)
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
    context = _event_context(request, event)
    context["is_manager"] = bool(rules.can(request.user, "event.delete", event))
    return render(request, "projects/event_detail.html", context)


@role_required(*STAFF)
@require_POST
def participant_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(Event.objects.visible_to(request.user), pk=pk)
    assert isinstance(request.user, User)
    form = ParticipantForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(
            request,
            "projects/event_detail.html",
            _event_context(request, event, form),
            status=400,
        )
    services.add_participant(event=event, **form.cleaned_data, by=request.user)
    messages.success(request, _("Participant added."))
    return redirect("projects:event_detail", pk=event.pk)


@role_required(*STAFF)
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    # Only the participants the event page shows this user: a coach's own projects' ones.
    visible = Project.objects.visible_to(request.user)
    participation = get_object_or_404(
        Participation.objects.filter(event__in=Event.objects.visible_to(request.user))
        .filter(Q(project__isnull=True) | Q(project__in=visible))
        .select_related("event"),
        pk=pk,
    )
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            services.set_attendance(
                participation=participation,
                attended=form.cleaned_data["attended"],
                hours=form.cleaned_data["hours"],
                by=request.user,
            )
            messages.success(request, _("Attendance recorded."))
        except ValidationError as error:
            _show_errors(request, error)
    else:
        messages.error(request, _("Enter the hours as a number."))
    return redirect("projects:event_detail", pk=participation.event_id)


@role_required(*STAFF)
def tasks(request: HttpRequest) -> HttpResponse:
    """The home panel: survival follow-ups due and the next events (a fragment for htmx)."""
    today = timezone.localdate()
    visible = Project.objects.visible_to(request.user)
    return render(
        request,
        "projects/tasks.html",
        {
            "follow_ups": SurvivalFollowUp.objects.due(today)
            .filter(project__in=visible)
            .select_related("project__application"),
            "events": Event.objects.visible_to(request.user)
            .filter(date__gte=today)
            .order_by("date")[:5],
            "projects": visible.filter(status=ProjectStatus.ACTIVE).count(),
        },
    )
