from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from insieme.accounts.models import Role, User
from insieme.core.tasks import send_email
from insieme.employment.reminders import reminders_for


@task()
def send_operator_digests() -> int:
    """E-mail each operator the list of their reminders; nobody with nothing to do is written to."""
    sent = 0
    operators = User.objects.filter(is_active=True).filter(Q(groups__name=Role.OPERATOR)).distinct()
    with translation.override(settings.LANGUAGE_CODE):
        for operator in operators:
            reminders = reminders_for(operator)
            if not reminders.total:
                continue
            body = render_to_string(
                "employment/email/digest.txt",
                {"operator": operator, "reminders": reminders, "site_url": settings.SITE_URL},
            )
            send_email.enqueue(
                subject=_("[Insieme] Your reminders for today"), body=body, to=[operator.email]
            )
            sent += 1
    return sent
