"""Writes to the organisation registry. Each runs in a transaction with `by` as the audit actor
(django-auditlog records the field changes of every model here)."""

import uuid

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db.models import Q, UniqueConstraint
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.accounts.models import User
from insieme.core import rules
from insieme.core.audit import log_event, service
from insieme.network.models import Agreement, ContactPerson, Organisation, OrganisationMember
from insieme.people import retention


@service
def save_organisation(*, organisation: Organisation, by: User) -> Organisation:
    """Create or update an organisation that a form has already validated."""
    if organisation.pk is None:
        rules.require(by, "organisation.create")
    else:
        rules.require(by, "organisation.edit", organisation)
    organisation.full_clean()
    organisation.save()
    return organisation


@service
def save_contact(*, contact: ContactPerson, by: User) -> ContactPerson:
    rules.require(by, "contact.edit", contact.organisation)
    contact.full_clean()
    contact.save()
    return contact


@service
def remove_contact(*, contact: ContactPerson, by: User) -> None:
    rules.require(by, "contact.edit", contact.organisation)
    contact.delete()


@service
def save_agreement(*, agreement: Agreement, by: User) -> Agreement:
    rules.require(by, "agreement.edit", agreement.organisation)
    agreement.full_clean()
    agreement.save()
    return agreement


@service
def remove_agreement(*, agreement: Agreement, by: User) -> None:
    rules.require(by, "agreement.edit", agreement.organisation)
    agreement.delete()


@service
def link_member(*, organisation: Organisation, user: User, by: User) -> OrganisationMember:
    """Let `user` (a partner's or funder's account) act for `organisation`."""
    rules.require(by, "member.link", organisation)
    member, created = OrganisationMember.objects.get_or_create(organisation=organisation, user=user)
    if created:
        log_event(organisation, by=by, event="member_linked", details={"user": user.pk})
    return member


@service
def unlink_member(*, member: OrganisationMember, by: User) -> None:
    rules.require(by, "member.unlink", member.organisation)
    log_event(member.organisation, by=by, event="member_unlinked", details={"user": member.user_id})
    member.delete()


# --- Merge -----------------------------------------------------------------------------------


MERGE_FILLABLE = (
    "legal_form",
    "comune",
    "ateco_code",
    "address",
    "website",
    "email",
    "phone",
    "joined_on",
    "notes",
)
MERGE_FLAGS = ("third_sector", "is_partner", "is_employer", "is_training", "is_funder")


def _unique_sets(model, field: str) -> list[tuple[list[str], Q | None]]:
    """The other fields that must stay unique together with `field` on `model`."""
    sets: list[tuple[list[str], Q | None]] = [
        ([name for name in fields if name != field], None)
        for fields in model._meta.unique_together
        if field in fields
    ]
    for constraint in model._meta.constraints:
        fields = getattr(constraint, "fields", ())
        if isinstance(constraint, UniqueConstraint) and field in fields:
            sets.append(([name for name in fields if name != field], constraint.condition))
    return sets


def merge_conflicts(survivor: Organisation, duplicate: Organisation) -> list[str]:
    """What the two records both hold that may exist only once (e.g. the same user linked to
    both): the names of those kinds of records."""
    conflicts: list[str] = []
    for relation in Organisation._meta.related_objects:
        model, field = relation.related_model, relation.field.name
        manager = model._base_manager
        if relation.one_to_one:
            both = (
                manager.filter(**{field: duplicate}).exists()
                and manager.filter(**{field: survivor}).exists()
            )
            if both:
                conflicts.append(str(model._meta.verbose_name_plural))
            continue
        if not relation.one_to_many:
            continue
        for others, condition in _unique_sets(model, field):
            rows = manager.filter(condition) if condition is not None else manager.all()
            kept = rows.filter(**{field: survivor})
            dropped = rows.filter(**{field: duplicate})
            if others:
                clash = bool(set(kept.values_list(*others)) & set(dropped.values_list(*others)))
            else:
                clash = kept.exists() and dropped.exists()
            if clash:
                conflicts.append(str(model._meta.verbose_name_plural))
                break
    return conflicts


@service
def merge_organisations(
    *, survivor: Organisation, duplicate: Organisation, by: User
) -> Organisation:
    """Move everything of `duplicate` (contacts, agreements, users, applications, grants,
    vacancies, placements…) to `survivor`, then delete `duplicate`."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(
            _("Choose two different organisations to merge."), code="same_organisation"
        )
    rules.require(by, "organisation.merge", survivor)
    rules.require(by, "organisation.merge", duplicate)
    conflicts = merge_conflicts(survivor, duplicate)
    if conflicts:
        raise ValidationError(
            _(
                "Both records hold %(what)s that can exist only once: remove the repeated one "
                "from one of the two records, then merge."
            ),
            code="conflict",
            params={"what": ", ".join(conflicts)},
        )
    moved: dict[str, int] = {}
    for relation in Organisation._meta.related_objects:
        model, field = relation.related_model, relation.field.name
        if relation.one_to_many or relation.one_to_one:
            count = model._base_manager.filter(**{field: duplicate}).update(**{field: survivor})
            if count:
                moved[f"{model._meta.label}.{field}"] = count
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
    if duplicate.joined_on and survivor.joined_on and duplicate.joined_on < survivor.joined_on:
        survivor.joined_on = duplicate.joined_on
    for name in MERGE_FLAGS:
        setattr(survivor, name, getattr(survivor, name) or getattr(duplicate, name))
    survivor.save()
    details = {"moved": moved}
    log_event(survivor, by=by, event="merged_in", details={**details, "merged_pk": duplicate.pk})
    log_event(
        duplicate, by=by, event="merged_into", details={**details, "survivor_pk": survivor.pk}
    )
    duplicate.delete()
    return survivor


# --- Erasure of a sole trader's identifying data -----------------------------------------------


PSEUDONYM_NAME = "Pseudonimizzato"


def legal_retention_reason(organisation: Organisation) -> str | None:
    """Why the data of `organisation` must be kept, or None (see people/retention.py)."""
    return retention.hold_reason(
        Organisation.objects.all(), organisation.pk, retention.ORGANISATION
    )


def _mask_history(entries, label: str) -> None:
    """Replace the old values in these change-history entries (the rows stay)."""
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        entry.changes = {field: ["***", "***"] for field in changes}
        entry.object_repr = label
        entry.save(update_fields=["changes", "object_repr"])


@service
def pseudonymise_organisation(*, organisation: Organisation, reason: str, by: User) -> Organisation:
    """Wipe what identifies a sole trader (its code is the owner's personal code); keep the row
    and its links, so that counts and money do not change."""
    rules.require(by, "organisation.pseudonymise", organisation)
    retention = legal_retention_reason(organisation)
    if retention:
        raise ValidationError(retention, code="legal_retention")
    contacts = [str(pk) for pk in organisation.contacts.values_list("pk", flat=True)]
    organisation.contacts.all().delete()
    _mask_history(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(ContactPerson), object_pk__in=contacts
        ),
        PSEUDONYM_NAME,
    )
    organisation.fiscal_code = "X" + uuid.uuid4().hex[:15].upper()
    organisation.name = f"{PSEUDONYM_NAME} {organisation.pk}"
    for field in ("address", "website", "email", "phone", "notes"):
        setattr(organisation, field, "")
    organisation.pseudonymised_at = timezone.now()
    organisation.save()
    _mask_history(LogEntry.objects.get_for_object(organisation), PSEUDONYM_NAME)
    log_event(organisation, by=by, event="pseudonymised", details={"reason": reason})
    return organisation
