"""Where employment services lean on other apps: one small function per dependency.

Consent belongs to the people app, partner membership to the
network app; keeping each use here keeps the dependency points few and easy to follow.
"""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from insieme.core.fiscal_code import decode
from insieme.network.models import Organisation
from insieme.people import services as people_services
from insieme.people.models import Consent, ConsentChannel, ConsentPurpose, Person

# The version of the privacy notice the public sign-up form shows.
SIGNUP_NOTICE_VERSION = "iscrizione-online-2026"


def clean_fiscal_code(value: str) -> str:
    """The normalised personal code (or temporary numeric code); ValidationError in Italian."""
    return decode(value).code


def has_cv_consent(person: Person) -> bool:
    """Whether the person agreed that their CV is shared with partner companies."""
    return people_services.has_consent(person, ConsentPurpose.CV_SHARING)


def cv_consent_in_force(person_field: str = "person") -> Exists:
    """For a queryset annotation: whether the row's person agrees to share the CV right now."""
    return Exists(
        Consent.objects.in_force().filter(
            person=OuterRef(person_field), purpose=ConsentPurpose.CV_SHARING
        )
    )


def job_offers_consent_in_force(person_field: str = "person") -> Exists:
    """For a queryset annotation: whether the row's person may be contacted for job offers."""
    return Exists(
        Consent.objects.in_force().filter(
            person=OuterRef(person_field), purpose=ConsentPurpose.JOB_OFFERS
        )
    )


def has_job_offers_consent(person: Person) -> bool:
    return people_services.has_consent(person, ConsentPurpose.JOB_OFFERS)


def record_cv_consent(person: Person, *, by, at_the_desk: bool = False) -> None:
    """Consent ticked on the sign-up form, by the person online or by an operator at the desk."""
    people_services.record_consent(
        person=person,
        purpose=ConsentPurpose.CV_SHARING,
        notice_version=SIGNUP_NOTICE_VERSION,
        given_on=timezone.localdate(),
        channel=ConsentChannel.ORAL if at_the_desk else ConsentChannel.ONLINE,
        by=by,
    )


def partner_organisations(user) -> QuerySet[Organisation]:
    """The organisations a partner user acts for."""
    return Organisation.objects.of_member(user)
