from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.models import STAFF_ROLES
from insieme.notices import services
from insieme.notices.forms import PreferenceForm
from insieme.notices.models import Notice

PER_PAGE = 20


@login_required
@require_GET
def notice_list(request):
    notices = Notice.objects.filter(recipient=request.user)
    unread = request.GET.get("stato") == "da-leggere"
    if unread:
        notices = notices.unread()
    page = Paginator(notices, PER_PAGE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "notices/list.html",
        {"page": page, "notices": page.object_list, "only_unread": unread},
    )


@login_required
@require_POST
def mark_read(request, pk: int):
    notice = get_object_or_404(Notice, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, notice_ids=[notice.pk])
    return redirect("notices:list")


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notice marked as read.", "%(count)d notices marked as read.", count)
        % {"count": count},
    )
    return redirect("notices:list")


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    preference = services.preference_for(request.user)
    has_profile_phone = bool(getattr(getattr(request.user, "person", None), "phone", ""))
    initial = {
        "email_kinds": preference.email_kinds,
        "sms_reminders": preference.sms_reminders,
        "phone": preference.phone,
        "weekly_digest": preference.weekly_digest,
    }
    form = PreferenceForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        has_profile_phone=has_profile_phone,
    )
    if request.method == "POST" and form.is_valid():
        services.save_preference(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your notice preferences have been saved."))
        return redirect("notices:preferences")
    return render(
        request,
        "notices/preferences.html",
        {
            "form": form,
            "has_profile_phone": has_profile_phone,
            "is_staff_user": request.user.has_role(*STAFF_ROLES),
        },
    )
