from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from insieme.accounts.navigation import entries_for
from insieme.core.worklist import search_sources


def navigation(request):
    user = getattr(request, "user", None)
    sources = search_sources(user) if user is not None and user.is_authenticated else []
    return {
        "nav_entries": entries_for(user) if user is not None else [],
        "programme_name": "Insieme per il lavoro",
        # The header's search box, with what it searches for this user (funders: no people).
        "search_label": format_lazy(
            _("Search {sources}"), sources=", ".join(str(s.label).lower() for s in sources)
        )
        if sources
        else "",
    }
