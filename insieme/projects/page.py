"""What the apps above projects add to a project's page.

An app that builds on projects (grants: its grants and microcredits) registers a function in its
AppConfig.ready; the function returns more context for templates/projects/project_detail.html.
So the page shows their panels while projects imports none of them.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from insieme.projects.models import Project

ContextPart = Callable[["Project"], dict[str, Any]]

_parts: list[ContextPart] = []


def add_to_project_page(part: ContextPart) -> ContextPart:
    """Register `part` (once, however often the app is readied)."""
    if part not in _parts:
        _parts.append(part)
    return part


def context_of(project: "Project") -> dict[str, Any]:
    """The context all registered apps add for `project`."""
    context: dict[str, Any] = {}
    for part in _parts:
        context.update(part(project))
    return context
