"""Write services of placements: recording a placement plans its follow-ups; a follow-up is
recorded once done. Every change of state goes through here, audited."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from insieme.calls.models import Application
from insieme.core import rules
from insieme.core.audit import service
from insieme.core.models import ContractType
from insieme.employment.models import Referral, ReferralOutcome
from insieme.employment.services import add_months, with_code
from insieme.network.models import Organisation
from insieme.people.models import Person
from insieme.placements import events
from insieme.placements import rules as placement_rules
from insieme.placements.models import FOLLOW_UP_MONTHS, FollowUp, Placement


@service
def record_placement(
    *,
    person: Person,
    employer: Organisation,
    contract_type: ContractType,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    weekly_hours: Decimal | None = None,
    is_extension: bool = False,
    extends: Placement | None = None,
    application: Application | None = None,
    referral: Referral | None = None,
    host_tutor: str = "",
    programme_tutor: Any = None,
    monthly_stipend: Decimal | None = None,
    by: Any,
) -> Placement:
    """Record a placement (a traineeship when the contract is `tirocinio`) and plan its follow-ups.

    One starting after today is recorded as planned: the figures count it from its start.
    """
    rules.require(by, "placement.record", person)
    if extends is not None:
        is_extension = True
    placement = Placement(
        person=person,
        employer=employer,
        contract_type=contract_type,
        start_date=start_date,
        end_date=end_date,
        weekly_hours=weekly_hours,
        is_extension=is_extension,
        extends=extends,
        application=application,
        referral=referral,
        host_tutor=host_tutor,
        programme_tutor=programme_tutor,
        monthly_stipend=monthly_stipend,
        recorded_by=by,
    )
    # The model's rules (weekly hours, dates, stipend), the same the forms and the import apply.
    placement.full_clean(exclude=["code"], validate_unique=False, validate_constraints=False)
    with_code(placement)
    if referral is not None and referral.outcome != ReferralOutcome.HIRED:
        rules.transition(
            referral,
            "referral.hire",
            by=by,
            refusal_reason="",
            outcome_on=referral.outcome_on or timezone.localdate(),
        )
    FollowUp.objects.bulk_create(
        FollowUp(placement=placement, months=months, due_on=add_months(start_date, months))
        for months in FOLLOW_UP_MONTHS
    )
    return events.placement_recorded(placement)


@service
def record_follow_up(
    *,
    follow_up: FollowUp,
    still_employed: bool,
    same_contract: bool | None,
    notes: str = "",
    date: datetime.date | None = None,
    by: Any,
) -> FollowUp:
    """Record a follow-up done `date` (today): not in the future, not before it opens."""
    rules.require(by, "follow_up.record", follow_up)
    day = date or timezone.localdate()
    if day > timezone.localdate():
        raise ValidationError(
            _("A follow-up is recorded once done: choose a date up to today."),
            code="follow_up_in_future",
        )
    if (refusal := placement_rules.not_before_due(follow_up, day)) is not None:
        raise refusal.error()
    follow_up.still_employed = still_employed
    follow_up.same_contract = same_contract if still_employed else False
    follow_up.notes = notes
    follow_up.done_on = day
    follow_up.done_by = by
    follow_up.save()
    return follow_up
