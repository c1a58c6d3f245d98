"""Applications on the timelines of people (people.timeline) and organisations
(network.timeline); registered from CallsConfig.ready."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from insieme.calls.models import Application, ApplicationStatus
from insieme.network import timeline as organisation_timeline
from insieme.people import timeline as person_timeline
from insieme.people.timeline import TimelineEvent


def _as_date(value) -> datetime.date | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    return value


def application_events(person) -> list[TimelineEvent]:
    events = []
    for row in person.applications.select_related("call").exclude(submitted_at=None):
        submitted = _as_date(row.submitted_at)
        assert submitted is not None
        events.append(
            TimelineEvent(
                submitted,
                "application",
                _("Application “%(title)s” to the call %(call)s")
                % {"title": row.title, "call": row.call.code},
            )
        )
        if row.outcome_date:
            events.append(
                TimelineEvent(
                    row.outcome_date,
                    "application_outcome",
                    _("Outcome of the application “%(title)s”: %(status)s")
                    % {"title": row.title, "status": row.get_status_display()},
                )
            )
    return events


def visible_applications(user):
    """The applications `user` may see on an organisation's page.

    A blind review: an evaluator must not learn who applied with what. Today the applications'
    own scope answers (operators and administrators see all, an applicant their own); when
    calls/rules.py declares "application.view", ask the gate here instead.
    """
    return Application.objects.visible_to(user)


def organisation_application_events(organisation, user) -> list[organisation_timeline.Event]:
    applications = (
        visible_applications(user)
        .filter(applicant_organisation=organisation)
        .exclude(status=ApplicationStatus.DRAFT)
        .exclude(submitted_at__isnull=True)
        .select_related("call")
        .order_by("-submitted_at")[: organisation_timeline.LIMIT_PER_KIND]
    )
    events = []
    for application in applications:
        assert application.submitted_at is not None
        events.append(
            organisation_timeline.Event(
                timezone.localdate(application.submitted_at),
                "application",
                _("Application %(code)s to the call %(call)s")
                % {"code": application.code, "call": application.call.title},
                f"{application.title} — {application.get_status_display()}",
            )
        )
    return events


person_timeline.register("calls.applications", application_events)
organisation_timeline.register("calls.applications", organisation_application_events)
