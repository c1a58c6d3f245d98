"""The integration API (/api/v1/): one NinjaAPI, the routers of insieme.api, docs/api.md."""

from insieme.api import endpoints, registry
from insieme.api.core import InsiemeAPI, TokenAuth, TokenRateThrottle, install_error_handlers

api = InsiemeAPI(
    title="Insieme per il lavoro API",
    version="1",
    description=(
        "Read the programme's data and move applications through their workflow with a "
        "personal token: Authorization: Bearer <token>. A token sees exactly what its user "
        "sees in the browser. Guide: docs/api.md."
    ),
    urls_namespace="api:v1",
    auth=TokenAuth(),
    throttle=[TokenRateThrottle()],
    docs_url=None,  # our own page (templates/api/docs.html): no scripts from a CDN
)
install_error_handlers(api)
api.add_router("/", endpoints.router)
api.add_router("/", registry.router)
