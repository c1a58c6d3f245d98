from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbookConfig(AppConfig):
    """The programme workbook (DOMAIN.md): reading, checking and writing it, and its export.

    It writes the records of every domain app, and sits below `impact`, whose web import and
    `import_workbook` command use it: it never imports `impact`. The caller records a written
    import through the importer's `record` argument (impact: `WorkbookImport`, audited).
    """

    name = "insieme.workbook"
    verbose_name = _("Programme workbook")
