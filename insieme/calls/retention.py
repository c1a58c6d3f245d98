"""Submitting an application is activity with a person (people/retention.py); registered from
CallsConfig.ready."""

from insieme.calls.models import Application
from insieme.people import retention

retention.register_activity("application", Application, "applicant_person", "submitted_at")
