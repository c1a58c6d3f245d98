"""A grant not fully paid out holds its applicant's data past the retention period
(people/retention.py); registered from GrantsConfig.ready."""

from decimal import Decimal

from django.db.models import DecimalField, Exists, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from insieme.grants.models import Disbursement, Grant
from insieme.people import retention

APPLICANT_FIELDS = {
    retention.PERSON: "applicant_person",
    retention.ORGANISATION: "applicant_organisation",
}


def open_grants_filter(kind: str) -> Q:
    """People (or organisations) with an application holding a grant not yet fully paid out."""
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
        **{f"application__{APPLICANT_FIELDS[kind]}": OuterRef("pk")},
        amount_awarded__gt=Coalesce("amount_revoked", Value(Decimal("0.00")))
        + Coalesce("paid", Value(Decimal("0.00"))),
    )
    return Q(Exists(open_grants))


def open_grants_reason(kind: str) -> str:
    if kind == retention.ORGANISATION:
        return _(
            "The organisation has an application with a grant that has not been fully paid "
            "out and reported: the data must be kept until it is."
        )
    return _(
        "The person has an application with a grant that has not been fully paid out "
        "and reported: the data must be kept until it is."
    )


retention.register_hold("grants.open_grants", open_grants_filter, open_grants_reason)
