"""Sign-ups, interviews and placements are activity with a person (people/retention.py);
registered from EmploymentConfig.ready."""

from insieme.employment.models import Interview, Placement, Registration
from insieme.people import retention

retention.register_activity("registration", Registration, "person", "registered_on")
retention.register_activity("interview", Interview, "person", "date")
retention.register_activity("placement_start", Placement, "person", "start_date")
retention.register_activity("placement_end", Placement, "person", "end_date")
