"""The integration API (/api/v1/): one NinjaAPI, the routers of insieme.api, docs/api.md."""

from insieme.api import actions, assignments, endpoints, intake, payments, registry  # noqa: F401 (actions: see below)
from insieme.api.core import (
    InsiemeAPI,
    ObjectParser,
    TokenAuth,
    TokenRateThrottle,
    install_error_handlers,
)

api = InsiemeAPI(
    title="Insieme per il lavoro API",
    version="1",
    description=(
        "Read the programme's data and make the changes of state of its web pages (screening, "
        "evaluators' declarations and scores, committee decision, the waiting list's contact "
        "attempts, interview bookings, referral outcomes, placements, follow-ups, vacancies, tranche "
        "payments, reductions of grants to their approved expenses) with a "
        "personal token: Authorization: Bearer <token>. A token sees and does exactly what its "
        "user sees and does in the browser. Guide: docs/api.md."
    ),
    urls_namespace="api:v1",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    parser=ObjectParser(),
    docs_url=None,  # our own page (templates/api/docs.html): no scripts from a CDN
)
install_error_handlers(api)
api.add_router("/", endpoints.router)
# actions.py adds the write endpoints to registry.router (imported above, before this line).
api.add_router("/", registry.router)
api.add_router("/", assignments.router)
api.add_router("/", intake.router)
api.add_router("/", payments.router)
