"""What restarts the retention period of a person's data (people/retention.py): a placement's
start and end; registered from PlacementsConfig.ready."""

from insieme.people import retention
from insieme.placements.models import Placement

retention.register_activity("placement_start", Placement, "person", "start_date")
retention.register_activity("placement_end", Placement, "person", "end_date")
