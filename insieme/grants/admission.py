"""What grants hold of an admission to accompaniment (registered in projects/admission.py): a
riesame cannot withdraw the admission of a project with money paid out, awarded or lent on it,
or the figures would count that money for an application that is no longer admitted."""

from django.utils.translation import gettext as _

from insieme.calls.models import Application
from insieme.core.money import eur
from insieme.core.rules import Refusal, refuse
from insieme.grants.figures import paid_on_grant
from insieme.grants.models import Grant, Microcredit, MicrocreditStatus


def money_on_it(application: Application) -> Refusal | None:
    grants = list(Grant.objects.filter(application=application).order_by("code"))
    for grant in grants:
        if paid := paid_on_grant(grant):
            return refuse(
                _(
                    "%(paid)s has been paid out on grant %(grant)s of %(application)s: the admission "
                    "cannot be withdrawn. The money paid stays counted for this project."
                ),
                "money_paid_out",
                paid=eur(paid),
                grant=grant.code,
                application=application.code,
            )
    for grant in grants:
        if grant.net_amount > 0:
            return refuse(
                _(
                    "Grant %(grant)s of %(application)s is awarded (%(amount)s): revoke it first, then "
                    "withdraw the admission."
                ),
                "grant_awarded",
                grant=grant.code,
                amount=eur(grant.net_amount),
                application=application.code,
            )
    if Microcredit.objects.filter(
        application=application, status__in=MicrocreditStatus.committing()
    ).exists():
        return refuse(
            _(
                "A microcredit has been granted to %(application)s: the admission cannot be withdrawn."
            ),
            "microcredit_granted",
            application=application.code,
        )
    return None
