from django.contrib import messages
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from insieme.accounts import services
from insieme.accounts.forms import InviteForm
from insieme.accounts.models import Role, User
from insieme.accounts.permissions import role_required
from insieme.accounts.worklist import NEVER_SIGNED_IN
from insieme.core import rules


@role_required(Role.ADMIN)
def user_list(request):
    from django.contrib.auth.models import Group

    users = User.objects.prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
    role = request.GET.get("ruolo", "")
    if role in Role.values:
        users = users.filter(groups__name=role)
    # ?filtro=mai_entrati: the accounts the home's worklist counts.
    never = request.GET.get("filtro") == NEVER_SIGNED_IN
    if never:
        users = users.filter(is_active=True, last_login__isnull=True)
    return render(
        request,
        "accounts/user_list.html",
        {"users": users, "roles": Role.choices, "selected_role": role, "never": never},
    )


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = services.invite_user(
            email=form.cleaned_data["email"],
            first_name=form.cleaned_data["first_name"],
            last_name=form.cleaned_data["last_name"],
            roles=form.cleaned_roles(),
            by=request.user,
        )
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
        return redirect("accounts:user_list")
    return render(request, "accounts/invite.html", {"form": form})


@role_required(Role.ADMIN)
@require_POST
def toggle_active(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    decision = rules.can(request.user, "user.set_active", user)
    if not decision:
        messages.error(request, decision.reason)
    else:
        services.set_active(user=user, active=not user.is_active, by=request.user)
        messages.success(
            request,
            (
                _("%(user)s can log in again.")
                if user.is_active
                else _("%(user)s can no longer log in.")
            )
            % {"user": user},
        )
    return redirect("accounts:user_list")
