"""What the placements app tells the apps above it (`insieme.core.events`)."""

from typing import Any

from insieme.core.events import emit

PLACEMENT_RECORDED = "placement.recorded"


def placement_recorded[T](placement: T) -> T:
    """A placement (or its extension) was recorded: identifiers and dates, no personal data."""
    p: Any = placement
    emit(
        PLACEMENT_RECORDED,
        {
            "placement": {
                "id": p.pk,
                "code": p.code,
                "employer": p.employer_id,
                "contract_type": p.contract_type.code,
                "start_date": p.start_date.isoformat(),
                "end_date": p.end_date.isoformat() if p.end_date else None,
                "is_extension": p.is_extension,
                "application": p.application_id,
                "referral": p.referral_id,
            }
        },
        obj=p,
    )
    return placement
