"""What the calls app tells the apps above it (`insieme.core.events`): an application was
submitted, an application's outcome was decided. Each function builds the payload now
(identifiers and status, no personal data), records the event in the service's transaction and
returns its argument, so that a service can wrap the object it returns."""

from typing import Any

from insieme.core.events import emit

APPLICATION_SUBMITTED = "application.submitted"
OUTCOME_DECIDED = "application.outcome_decided"


def application_payload(application: Any) -> dict[str, Any]:
    return {
        "application": {
            "id": application.pk,
            "code": application.code,
            "call": application.call_id,
            "status": application.status,
            "outcome_date": (
                application.outcome_date.isoformat() if application.outcome_date else None
            ),
        }
    }


def application_submitted[T](application: T) -> T:
    emit(APPLICATION_SUBMITTED, application_payload(application), obj=application)  # type: ignore[arg-type]
    return application


def outcome_decided[T](application: T) -> T:
    """Withdrawn, not eligible, selected or not: the application's outcome is known."""
    emit(OUTCOME_DECIDED, application_payload(application), obj=application)  # type: ignore[arg-type]
    return application
