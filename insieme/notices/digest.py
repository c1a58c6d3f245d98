"""The weekly digest: each member of staff gets, once a week, the notices of the last seven days
they have not read yet (nothing is sent to someone who has read everything).

`send_digests()` sends them (`manage.py send_notice_digest`, or cron). With a task back-end
that can run a task later (the database one of the worker), `schedule()` puts the next run on
the queue, next Monday at 07:00; each run queues the following one, so a worker started once
keeps the digest weekly (`make run` and `manage.py send_notice_digest --schedule` start it).
"""

import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from insieme.accounts.models import STAFF_ROLES, User
from insieme.core.tasks import send_email
from insieme.notices.models import Notice
from insieme.notices.services import absolute

WEEK = datetime.timedelta(days=7)
SEND_AT = datetime.time(7, 0)


def send_digests(*, now: datetime.datetime | None = None) -> int:
    """E-mail each member of staff their unread notices of the week; how many were written to."""
    now = now or timezone.now()
    since = now - WEEK
    unread = Notice.objects.filter(read_at__isnull=True, created_at__gte=since).order_by(
        "-created_at", "-pk"
    )
    staff = (
        User.objects.filter(is_active=True, groups__name__in=[str(r) for r in STAFF_ROLES])
        .exclude(email="")
        .exclude(notice_preference__weekly_digest=False)
        .filter(Q(notices__read_at__isnull=True, notices__created_at__gte=since))
        .distinct()
        .prefetch_related(Prefetch("notices", queryset=unread, to_attr="week_notices"))
        .order_by("pk")
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for user in staff:
            notices: list[Any] = user.week_notices
            body = render_to_string(
                "notices/email/digest.txt",
                {
                    "user": user,
                    "notices": [(n, absolute(n.url)) for n in notices],
                    "centre": absolute("/avvisi/"),
                    "site_url": settings.SITE_URL,
                },
            )
            send_email.enqueue(
                subject=_("[Insieme] Your unread notices of the week"), body=body, to=[user.email]
            )
            sent += 1
    return sent


def next_run(now: datetime.datetime) -> datetime.datetime:
    """Next Monday at 07:00, local time (today's if it is Monday before seven)."""
    local = timezone.localtime(now)
    days = (7 - local.weekday()) % 7
    candidate = timezone.make_aware(
        datetime.datetime.combine(local.date() + datetime.timedelta(days=days), SEND_AT)
    )
    return candidate if candidate > now else candidate + WEEK


@task()
def weekly_digest() -> int:
    """The worker's weekly run: send, then queue the next one."""
    sent = send_digests()
    schedule()
    return sent


def schedule(*, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Queue the next weekly run unless one is already waiting; None when the task back-end
    cannot run tasks later (then use cron with `send_notice_digest`)."""
    backend = weekly_digest.get_backend()
    if not backend.supports_defer:
        return None
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=weekly_digest.module_path, status="READY"
    ).first()
    if waiting is not None:
        return waiting.run_after
    when = next_run(now or timezone.now())
    weekly_digest.using(run_after=when).enqueue()
    return when
