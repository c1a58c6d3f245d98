"""What the calls app tells the apps above it (`insieme.core.events`): an application was
submitted, an application's outcome was decided. Each function builds the payload now
(identifiers and status, no personal data), records the event in the service's transaction and
returns its argument, so that a service can wrap the object it returns."""

from typing import Any

from insieme.core.events import emit

APPLICATION_SUBMITTED = "application.submitted"
OUTCOME_DECIDED = "application.outcome_decided"
INFORMATION_REQUEST_SENT = "information_request.sent"
INFORMATION_REQUEST_ANSWERED = "information_request.answered"


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


def _request_payload(request: Any) -> dict[str, Any]:
    return {
        "application": request.application_id,
        "call": request.application.call_id,
        "request": request.pk,
    }


def information_request_sent[T](request: T) -> T:
    emit(INFORMATION_REQUEST_SENT, _request_payload(request), obj=request)  # type: ignore[arg-type]
    return request


def information_request_answered[T](request: T) -> T:
    emit(INFORMATION_REQUEST_ANSWERED, _request_payload(request), obj=request)  # type: ignore[arg-type]
    return request
