"""Placements and their follow-ups."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.core import rules
from insieme.employment.models import Referral
from insieme.employment.views.common import _data, _form_error
from insieme.people.models import Person
from insieme.placements import services
from insieme.placements.forms import FollowUpForm, PlacementForm
from insieme.placements.models import FollowUp, Placement


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def placement_new(request, pk: int):
    item = get_object_or_404(Person, pk=pk)
    referral = None
    if request.GET.get("segnalazione", "").isdigit():
        referral = (
            Referral.objects.filter(pk=request.GET["segnalazione"], person=item)
            .select_related("vacancy__organisation", "vacancy__contract_type")
            .first()
        )
    initial = {}
    if referral is not None:
        initial = {
            "employer": referral.vacancy.organisation,
            "contract_type": referral.vacancy.contract_type,
            "weekly_hours": referral.vacancy.weekly_hours,
            "start_date": referral.outcome_on,
        }
    form = PlacementForm(_data(request), initial=initial, person=item)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.record_placement(
                person=item, referral=referral, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            if placement.is_planned:
                messages.success(
                    request,
                    _(
                        "Placement recorded as planned: it counts in the figures from its start "
                        "date. Follow-ups at 3, 6 and 12 months from then."
                    ),
                )
            else:
                messages.success(
                    request, _("Placement recorded: follow-ups at 3, 6 and 12 months.")
                )
            return redirect(reverse("employment:person", args=[item.pk]) + "#inserimenti")
    return render(
        request,
        "placements/placement_form.html",
        {"person": item, "form": form, "referral": referral},
    )


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def follow_up(request, pk: int):
    item = get_object_or_404(
        FollowUp.objects.filter(
            placement__in=Placement.objects.visible_to(request.user)
        ).select_related("placement__person", "placement__employer"),
        pk=pk,
    )
    form = FollowUpForm(_data(request), instance=FollowUp.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(
                follow_up=item,
                still_employed=form.cleaned_data["still_employed"],
                same_contract=form.cleaned_data["same_contract"],
                notes=form.cleaned_data["notes"],
                by=request.user,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect(
                reverse("employment:person", args=[item.placement.person_id]) + "#inserimenti"
            )
    return render(
        request,
        "placements/follow_up.html",
        {
            "follow_up": item,
            "form": form,
            "decision": rules.can(request.user, "follow_up.record", item),
        },
    )
