"""Changes to the people registry. Every function runs atomically and records who acted."""

import datetime
import uuid
from decimal import Decimal

from auditlog.models import LogEntry
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import DecimalField, Exists, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.core.audit import log_event, service
from insieme.core.uploads import EXTENSIONS
from insieme.people.models import (
    Consent,
    ConsentPurpose,
    Document,
    Person,
    SpecialCategoryData,
)

PSEUDONYM_SURNAME = "Pseudonimizzato"


def has_consent(person: Person, purpose: str) -> bool:
    """Whether `person` has a consent in force for `purpose` (a ConsentPurpose value).

    Other apps call this before an action that needs it (e.g. sending a CV to a company).
    """
    return person.consents.in_force().filter(purpose=purpose).exists()


def require_consent(person: Person, purpose: str) -> None:
    """Refuse (ValidationError, in Italian) an action that needs a consent `person` has not given.

    E.g. employment's sending of a vacancy to a person needs ConsentPurpose.JOB_OFFERS.
    """
    if not has_consent(person, purpose):
        raise ValidationError(
            _("%(person)s has not given consent for: %(purpose)s. Record the consent first."),
            code="no_consent",
            params={"person": person, "purpose": ConsentPurpose(purpose).label},
        )


def newsletter_recipients():
    """The people who may receive newsletters now: consent in force and an e-mail address."""
    return (
        Person.objects.active()
        .filter(consents__purpose=ConsentPurpose.NEWSLETTER, consents__withdrawn_at__isnull=True)
        .exclude(email="")
        .order_by("last_name", "first_name", "pk")
    )


@service
def save_person(*, person: Person, by) -> Person:
    """Create or update a person from a validated form instance."""
    person.full_clean()
    person.save()
    return person


@service
def touch(*, person: Person, on: datetime.date | None = None, by) -> None:
    """Note activity with a person: the retention period restarts from `on` (today)."""
    day = on or timezone.localdate()
    if person.last_activity is None or person.last_activity < day:
        Person.objects.filter(pk=person.pk).update(last_activity=day)
        person.last_activity = day


@service
def record_consent(
    *,
    person: Person,
    purpose: str,
    notice_version: str,
    given_on: datetime.date,
    channel: str,
    by,
) -> Consent:
    """Record a consent; one already in force for the same purpose is replaced (withdrawn)."""
    person.consents.in_force().filter(purpose=purpose).update(withdrawn_at=timezone.now())
    return Consent.objects.create(
        person=person,
        purpose=purpose,
        notice_version=notice_version,
        given_on=given_on,
        channel=channel,
        recorded_by=by,
    )


@service
def withdraw_consent(*, consent: Consent, by) -> Consent:
    """Record the withdrawal; `by` is the operator, or the person themselves on their profile."""
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.save(update_fields=["withdrawn_at"])
        by_themselves = consent.person.account_id is not None and consent.person.account_id == (
            getattr(by, "pk", None)
        )
        log_event(
            consent.person,
            by=by,
            event="consent_withdrawn",
            details={"purpose": consent.purpose, "by_the_person": by_themselves},
        )
    return consent


# --- The person's own account -----------------------------------------------------------------


def _check_person_linkable(person: Person) -> None:
    if person.is_pseudonymised:
        raise ValidationError(
            _("The identifying data of this person were erased: no account can be linked."),
            code="pseudonymised",
        )
    if person.account_id is not None:
        raise ValidationError(
            _("This person is already linked to the account %(email)s: unlink it first."),
            code="already_linked",
            params={"email": person.account.email if person.account else ""},
        )


def _check_account_linkable(user) -> None:
    from insieme.accounts.models import STAFF_ROLES, Role

    if not user.has_role(Role.APPLICANT) or user.roles & (STAFF_ROLES | {Role.PARTNER}):
        raise ValidationError(
            _(
                "The account %(email)s belongs to staff or to a partner organisation: only a "
                "person's own account (role: applicant) can be linked to their record."
            ),
            code="not_an_applicant",
            params={"email": user.email},
        )
    if Person.objects.filter(account=user).exists():
        raise ValidationError(
            _("The account %(email)s is already linked to another person's record."),
            code="account_taken",
            params={"email": user.email},
        )


@service
def link_account(*, person: Person, email: str, by) -> tuple[Person, bool]:
    """Link `person` to the account with `email`, creating and inviting it if there is none.

    The caller (an operator) has checked the person's identity and that the address is theirs:
    a matching e-mail address alone proves nothing. Returns the person and whether an account
    was created (and the invitation e-mailed).
    """
    from insieme.accounts.models import Role, User
    from insieme.accounts.services import invite_user

    _check_person_linkable(person)
    email = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = invite_user(
            email=email,
            first_name=person.first_name,
            last_name=person.last_name,
            roles=[Role.APPLICANT],
            by=by,
        )
    else:
        _check_account_linkable(user)
    person.account = user
    person.save(update_fields=["account", "updated_at"])
    details = {"account": user.pk, "invited": created, "identity_checked_by": by.pk}
    log_event(person, by=by, event="account_linked", details=details)
    log_event(user, by=by, event="linked_to_person", details={"person": person.pk})
    return person, created


@service
def unlink_account(*, person: Person, by) -> None:
    user = person.account
    if user is None:
        return
    person.account = None
    person.save(update_fields=["account", "updated_at"])
    log_event(person, by=by, event="account_unlinked", details={"account": user.pk})
    log_event(user, by=by, event="unlinked_from_person", details={"person": person.pk})


@service
def add_document(
    *, person: Person, kind: str, upload: UploadedFile, content_type: str, by
) -> Document:
    name = upload.name or "documento"
    document = Document(
        person=person,
        kind=kind,
        original_name=name[-200:],
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by,
    )
    # The stored name has the extension of what the content is, not of what the name says.
    document.file.save(f"upload.{EXTENSIONS[content_type]}", upload, save=False)
    document.save()
    return document


@service
def delete_document(*, document: Document, by) -> None:
    storage, name = document.file.storage, document.file.name
    document.delete()
    if name:
        storage.delete(name)


@service
def save_special_category(
    *,
    person: Person,
    disability_68_99: bool,
    disability_percentage: int | None,
    health_notes: str,
    by,
) -> SpecialCategoryData:
    data, _created = SpecialCategoryData.objects.get_or_create(person=person)
    data.disability_68_99 = disability_68_99
    data.disability_percentage = disability_percentage
    data.health_notes = health_notes
    data.full_clean()
    data.save()
    return data


# --- Retention and erasure -------------------------------------------------------------------


def open_grants_filter(applicant: str = "applicant_person") -> Q:
    """People (or, with `applicant="applicant_organisation"`, organisations) with an application
    holding a grant not yet fully paid out."""
    from insieme.grants.models import Disbursement, Grant

    paid = Subquery(
        Disbursement.objects.filter(grant=OuterRef("pk"))
        .values("grant")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    open_grants = Grant.objects.annotate(
        paid=Coalesce(paid, Value(Decimal("0.00")), output_field=DecimalField())
    ).filter(
        **{f"application__{applicant}": OuterRef("pk")},
        amount_awarded__gt=Coalesce("amount_revoked", Value(Decimal("0.00")))
        + Coalesce("paid", Value(Decimal("0.00"))),
    )
    return Q(Exists(open_grants))


def legal_retention_reason(person: Person) -> str | None:
    """Why the data of `person` must be kept, or None."""
    if Person.objects.filter(pk=person.pk).filter(open_grants_filter()).exists():
        return str(
            _(
                "The person has an application with a grant that has not been fully paid out "
                "and reported: the data must be kept until it is."
            )
        )
    return None


def _mask_history(person: Person) -> None:
    """Replace the old values in the change history of `person` (the rows stay)."""
    for entry in LogEntry.objects.get_for_object(person):
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        entry.changes = {field: ["***", "***"] for field in changes}
        entry.object_repr = PSEUDONYM_SURNAME
        entry.save(update_fields=["changes", "object_repr"])


@service
def pseudonymise(*, person: Person, reason: str, by) -> Person:
    """Wipe what identifies `person`; keep the row and its links, so that figures do not change."""
    if person.is_pseudonymised:
        raise ValidationError(_("This person has already been pseudonymised."), code="done")
    retention = legal_retention_reason(person)
    if retention:
        raise ValidationError(retention, code="legal_retention")
    for document in person.documents.all():
        delete_document(document=document, by=by)
    SpecialCategoryData.objects.filter(person=person).delete()
    person.fiscal_code = "X" + uuid.uuid4().hex[:15].upper()
    person.fiscal_code_is_temporary = False
    person.last_name = PSEUDONYM_SURNAME
    person.first_name = str(person.pk)
    person.birth_date = None
    for field in (
        "birth_place_code",
        "birth_place",
        "address",
        "email",
        "phone",
        "languages",
        "driving_licence",
        "available_shifts",
        "constraints",
    ):
        setattr(person, field, "")
    person.available_hours = None
    person.own_transport = False
    person.account = None
    person.pseudonymised_at = timezone.now()
    person.save()
    _mask_history(person)
    log_event(person, by=by, event="pseudonymised", details={"reason": reason})
    return person


def retention_cutoff(today: datetime.date | None = None) -> datetime.date:
    today = today or timezone.localdate()
    return today - datetime.timedelta(days=settings.PEOPLE_RETENTION_DAYS)


def _latest(model, person_field: str, field: str) -> Subquery:
    return Subquery(
        model.objects.filter(**{person_field: OuterRef("pk")})
        .order_by()
        .values(person_field)
        .annotate(latest=Max(field))
        .values("latest")[:1]
    )


def past_retention(today: datetime.date | None = None) -> list[Person]:
    """People whose last activity is older than the retention period and not legally retained."""
    from insieme.calls.models import Application
    from insieme.employment.models import Interview, Registration
    from insieme.placements.models import Placement

    cutoff = retention_cutoff(today)
    people = (
        Person.objects.active()
        .exclude(open_grants_filter())
        .annotate(
            last_registration=_latest(Registration, "person", "registered_on"),
            last_interview=_latest(Interview, "person", "date"),
            last_placement_start=_latest(Placement, "person", "start_date"),
            last_placement_end=_latest(Placement, "person", "end_date"),
            last_application=_latest(Application, "applicant_person", "submitted_at"),
        )
        .order_by("pk")
    )
    result: list[Person] = []
    for person in people:
        dates = [
            person.activity_reference_date(),
            person.last_registration,
            person.last_interview,
            person.last_placement_start,
            person.last_placement_end,
            timezone.localdate(person.last_application) if person.last_application else None,
        ]
        if max(d for d in dates if d is not None) < cutoff:
            result.append(person)
    return result


# --- Merge -----------------------------------------------------------------------------------


MERGE_FILLABLE = (
    "birth_date",
    "sex",
    "birth_place_code",
    "birth_place",
    "residence_comune",
    "address",
    "email",
    "phone",
    "employment_condition",
    "education_level",
    "languages",
    "driving_licence",
    "available_hours",
    "available_shifts",
    "constraints",
    "last_activity",
)


def _merge_special_category(survivor: Person, duplicate: Person) -> None:
    """When both records hold special-category data, keep the union on the survivor."""
    kept = SpecialCategoryData.objects.filter(person=survivor).first()
    other = SpecialCategoryData.objects.filter(person=duplicate).first()
    if kept is None or other is None:
        return
    kept.disability_68_99 = kept.disability_68_99 or other.disability_68_99
    if kept.disability_percentage is None:
        kept.disability_percentage = other.disability_percentage
    if other.health_notes and other.health_notes not in kept.health_notes:
        kept.health_notes = "\n\n".join(n for n in (kept.health_notes, other.health_notes) if n)
    kept.save()
    other.delete()


@service
def merge_people(*, survivor: Person, duplicate: Person, by) -> Person:
    """Move everything of `duplicate` to `survivor`, then delete `duplicate`."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different people to merge."), code="same_person")
    if survivor.is_pseudonymised or duplicate.is_pseudonymised:
        raise ValidationError(_("A pseudonymised person cannot be merged."), code="pseudonymised")
    if survivor.account_id and duplicate.account_id:
        raise ValidationError(
            _("Both records are linked to an account: unlink one of them first."),
            code="two_accounts",
        )
    moved: dict[str, int] = {}
    if duplicate.account_id:
        # The login follows the surviving record (the link is one to one: free it first).
        survivor.account_id = duplicate.account_id
        Person.objects.filter(pk=duplicate.pk).update(account=None)
    # Consents in force for a purpose the survivor already covers become history.
    covered = survivor.consents.in_force().values("purpose")
    duplicate.consents.in_force().filter(purpose__in=covered).update(withdrawn_at=timezone.now())
    _merge_special_category(survivor, duplicate)
    for relation in Person._meta.related_objects:
        model, field = relation.related_model, relation.field.name
        if relation.one_to_many:
            count = model._base_manager.filter(**{field: duplicate}).update(**{field: survivor})
            if count:
                moved[model._meta.label] = count
        elif relation.one_to_one:
            rows = model._base_manager.filter(**{field: duplicate})
            if rows.exists() and not model._base_manager.filter(**{field: survivor}).exists():
                moved[model._meta.label] = rows.update(**{field: survivor})
        elif relation.many_to_many:
            accessor = relation.get_accessor_name()
            if accessor:
                related = list(getattr(duplicate, accessor).all())
                getattr(survivor, accessor).add(*related)
                if related:
                    moved[model._meta.label] = len(related)
    for name in MERGE_FILLABLE:
        if getattr(survivor, name) in (None, "") and getattr(duplicate, name) not in (None, ""):
            setattr(survivor, name, getattr(duplicate, name))
    if duplicate.last_activity and (
        survivor.last_activity is None or survivor.last_activity < duplicate.last_activity
    ):
        survivor.last_activity = duplicate.last_activity
    if survivor.fiscal_code_is_temporary and not duplicate.fiscal_code_is_temporary:
        # The definitive code replaces the temporary one; the history stays on the survivor.
        definitive = duplicate.fiscal_code
        duplicate.fiscal_code = "M" + uuid.uuid4().hex[:15].upper()
        duplicate.save(update_fields=["fiscal_code"])
        survivor.fiscal_code = definitive
        survivor.fiscal_code_is_temporary = False
    survivor.save()
    details = {"moved": moved}
    log_event(survivor, by=by, event="merged_in", details={**details, "merged_pk": duplicate.pk})
    log_event(
        duplicate, by=by, event="merged_into", details={**details, "survivor_pk": survivor.pk}
    )
    duplicate.delete()
    return survivor


# --- Special-category permission --------------------------------------------------------------


def special_category_permission():
    from django.contrib.auth.models import Permission

    return Permission.objects.get(
        content_type__app_label="people", codename="view_special_category"
    )


@service
def set_special_category_access(*, user, granted: bool, by) -> None:
    """Grant or revoke the permission to read special-category data, for one user."""
    permission = special_category_permission()
    if granted:
        user.user_permissions.add(permission)
    else:
        user.user_permissions.remove(permission)
    log_event(
        user,
        by=by,
        event="special_category_access_granted" if granted else "special_category_access_revoked",
    )
