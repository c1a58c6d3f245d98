"""The grants and microcredits panel of a project's page (registered in GrantsConfig.ready)."""

from typing import Any

from insieme.grants.models import Grant, Microcredit
from insieme.projects.models import Project


def grants_of_project(project: Project) -> dict[str, Any]:
    grants = Grant.objects.filter(application=project.application).select_related("fund")
    return {
        "grants": grants.with_figures(),
        "microcredits": Microcredit.objects.filter(application=project.application).select_related(
            "lender"
        ),
    }
