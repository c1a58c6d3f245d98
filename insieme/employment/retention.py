"""Sign-ups and interviews are activity with a person (people/retention.py);
registered from EmploymentConfig.ready."""

from insieme.employment.models import Interview, Registration
from insieme.people import retention

retention.register_activity("registration", Registration, "person", "registered_on")
retention.register_activity("interview", Interview, "person", "date")
