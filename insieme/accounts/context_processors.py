from insieme.accounts.navigation import entries_for


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_entries": entries_for(user) if user is not None else [],
        "programme_name": "Insieme per il lavoro",
    }
