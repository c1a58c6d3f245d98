import functools

from insieme.notices.models import Notice


def unread_notices(request):
    """The header's bell: the unread count, one indexed COUNT, run only by a page that shows it
    (the template calls it, once: `{% with unread=unread_notices %}`)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def count() -> int:
        return Notice.objects.filter(recipient=user, read_at__isnull=True).count()

    return {"unread_notices": count}
