"""What the apps above calls add to an applicant's page of their submitted application.

An app that builds on calls (evaluations: the feedback on a decided application; grants: the
award letter) registers a function in its AppConfig.ready; the function returns the panels it
adds, each a template and its context, for templates/calls/application.html. So the page
shows them while calls imports none of those apps.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from insieme.calls.models import Application

Panel = dict[str, Any]  # {"template": "app/_panel.html", ...what the template reads}
PanelPart = Callable[["Application", Any], list[Panel]]

_parts: list[PanelPart] = []


def add_to_application_page(part: PanelPart) -> PanelPart:
    """Register `part` (once, however often the app is readied)."""
    if part not in _parts:
        _parts.append(part)
    return part


def panels_of(application: "Application", user: Any) -> list[Panel]:
    """The panels all registered apps add for `application`, as `user` may see them."""
    panels: list[Panel] = []
    for part in _parts:
        panels.extend(part(application, user))
    return panels
