from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkbookConfig(AppConfig):
    """The programme workbook (DOMAIN.md): reading, checking and writing it, and its export.

    It writes the records of every domain app, and sits below `impact`, whose web import uses
    it: it never imports `impact`. A written import is announced with the `imported` signal
    (`insieme.workbook.signals`), on which `impact` records the `WorkbookImport` row.
    """

    name = "insieme.workbook"
    verbose_name = _("Programme workbook")
