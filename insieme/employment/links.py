"""Where employment services lean on other apps: one small function per dependency.

Codice fiscale validation, consent and partner membership belong to the people and network apps;
keeping each use here makes switching to their final APIs a one-line change.
"""

from django.db.models import QuerySet
from django.utils import timezone

from insieme.network.models import Organisation
from insieme.people.fiscal_code import decode
from insieme.people.models import Person

CV_SHARING = "cv_sharing"


def clean_fiscal_code(value: str) -> str:
    """The normalised personal code (or temporary numeric code); ValidationError in Italian."""
    return decode(value).code


def has_cv_consent(person: Person) -> bool:
    """Whether the person agreed that their CV is shared with partner companies."""
    return person.registrations.filter(cv_consent_at__isnull=False).exists()


def record_cv_consent(person: Person) -> None:
    registration = person.registrations.order_by("-registered_on", "-pk").first()
    if registration and registration.cv_consent_at is None:
        registration.cv_consent_at = timezone.now()
        registration.save(update_fields=["cv_consent_at"])


def partner_organisations(user) -> QuerySet[Organisation]:
    """The organisations a partner user acts for (none until memberships exist)."""
    return Organisation.objects.none()
