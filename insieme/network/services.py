"""Writes to the organisation registry. Each runs in a transaction with `by` as the audit actor
(django-auditlog records the field changes of every model here)."""

from insieme.accounts.models import User
from insieme.core.audit import log_event, service
from insieme.network.models import Agreement, ContactPerson, Organisation, OrganisationMember


@service
def save_organisation(*, organisation: Organisation, by: User) -> Organisation:
    """Create or update an organisation that a form has already validated."""
    organisation.full_clean()
    organisation.save()
    return organisation


@service
def save_contact(*, contact: ContactPerson, by: User) -> ContactPerson:
    contact.full_clean()
    contact.save()
    return contact


@service
def remove_contact(*, contact: ContactPerson, by: User) -> None:
    contact.delete()


@service
def save_agreement(*, agreement: Agreement, by: User) -> Agreement:
    agreement.full_clean()
    agreement.save()
    return agreement


@service
def remove_agreement(*, agreement: Agreement, by: User) -> None:
    agreement.delete()


@service
def link_member(*, organisation: Organisation, user: User, by: User) -> OrganisationMember:
    """Let `user` (a partner's or funder's account) act for `organisation`."""
    member, created = OrganisationMember.objects.get_or_create(organisation=organisation, user=user)
    if created:
        log_event(organisation, by=by, event="member_linked", details={"user": user.pk})
    return member


@service
def unlink_member(*, member: OrganisationMember, by: User) -> None:
    log_event(member.organisation, by=by, event="member_unlinked", details={"user": member.user_id})
    member.delete()
