"""Appointments: moving and cancelling an interview, the free times an operator offers, and the
person's own page where they book or cancel one (it works on a phone)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.core import rules
from insieme.employment import services, slots
from insieme.employment.forms import AppointmentForm, CancelAppointmentForm
from insieme.employment.models import Interview, InterviewStatus, Slot
from insieme.employment.views.common import _data, _form_error


def _told(request, emailed: bool, done: str, person) -> None:
    """Say what happened, and that an e-mail went only when one was queued."""
    if emailed:
        messages.success(
            request, _("%(done)s %(person)s receives an e-mail.") % {"done": done, "person": person}
        )
    else:
        messages.warning(
            request,
            _("%(done)s No e-mail was sent (no address on file): tell %(person)s by phone.")
            % {"done": done, "person": person},
        )


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def interview_reschedule(request, pk: int):
    item = get_object_or_404(Interview.objects.select_related("person", "operator"), pk=pk)
    decision = rules.can(request.user, "interview.reschedule", item)
    initial = {
        "date": item.date,
        "time": item.time,
        "duration_minutes": item.duration_minutes,
        "place": item.place,
        "video_url": item.video_url,
    }
    form = AppointmentForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            emailed = services.reschedule_interview(
                interview=item, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            _told(request, emailed, _("Appointment moved."), item.person)
            return redirect("employment:person", pk=item.person_id)
    return render(
        request,
        "employment/interview_reschedule.html",
        {"interview": item, "form": form, "decision": decision},
    )


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def interview_cancel(request, pk: int):
    item = get_object_or_404(Interview.objects.select_related("person", "operator"), pk=pk)
    decision = rules.can(request.user, "interview.cancel", item)
    form = CancelAppointmentForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            emailed = services.cancel_interview(
                interview=item, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            _told(request, emailed, _("Appointment cancelled."), item.person)
            return redirect("employment:person", pk=item.person_id)
    return render(
        request,
        "employment/interview_cancel.html",
        {"interview": item, "form": form, "decision": decision},
    )


# The office's free times


@role_required(Role.OPERATOR)
@require_http_methods(["GET", "POST"])
def slot_list(request):
    form = AppointmentForm(_data(request), prefix="slot")
    if request.method == "POST" and form.is_valid():
        try:
            slot = slots.publish_slot(operator=request.user, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(
                request,
                _("Time offered: %(date)s at %(time)s. People with an account can book it.")
                % {"date": slot.date.strftime("%d/%m/%Y"), "time": slot.time.strftime("%H:%M")},
            )
            return redirect("employment:slots")
    mine = Slot.objects.upcoming().filter(operator=request.user).select_related("interview__person")
    return render(request, "employment/slots.html", {"slots": mine, "form": form})


@role_required(Role.OPERATOR)
@require_POST
def slot_withdraw(request, pk: int):
    slot = get_object_or_404(Slot, pk=pk, operator=request.user)
    try:
        slots.withdraw_slot(slot=slot, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Time withdrawn."))
    return redirect("employment:slots")


# The person's own page


def _mine(request):
    person = slots.own_person(request.user)
    if person is None:
        return None, [], []
    today = timezone.localdate()
    upcoming = list(
        Interview.objects.filter(person=person, status=InterviewStatus.BOOKED, date__gte=today)
        .select_related("operator", "person")
        .order_by("date", "time", "pk")
    )
    free = list(Slot.objects.free().upcoming().select_related("operator")[:60])
    return person, upcoming, free


@role_required(Role.APPLICANT)
@require_GET
def my_appointments(request):
    person, upcoming, free = _mine(request)
    cancellable = {
        item.pk for item in upcoming if rules.can(request.user, "interview.cancel_own", item)
    }
    return render(
        request,
        "employment/my_appointments.html",
        {
            "person": person,
            "upcoming": upcoming,
            "free": free,
            "cancellable": cancellable,
            "cancel_form": CancelAppointmentForm(),
        },
    )


@role_required(Role.APPLICANT)
@require_POST
def book_slot(request, pk: int):
    slot = get_object_or_404(Slot.objects.select_related("operator"), pk=pk)
    try:
        booking = slots.book_slot(slot=slot, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        when = _("%(date)s at %(time)s") % {
            "date": slot.date.strftime("%d/%m/%Y"),
            "time": slot.time.strftime("%H:%M"),
        }
        if booking.emailed:
            messages.success(
                request,
                _(
                    "Appointment booked for %(when)s. We have sent you an e-mail with the "
                    "calendar file."
                )
                % {"when": when},
            )
        else:
            messages.success(
                request,
                _(
                    "Appointment booked for %(when)s. We have no e-mail address of yours: note "
                    "the date."
                )
                % {"when": when},
            )
    return redirect("employment:my_appointments")


@role_required(Role.APPLICANT)
@require_POST
def cancel_own(request, pk: int):
    person = slots.own_person(request.user)
    item = get_object_or_404(Interview.objects.select_related("person"), pk=pk, person=person)
    form = CancelAppointmentForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        emailed = services.cancel_interview(interview=item, reason=reason, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if emailed:
            messages.success(
                request, _("Appointment cancelled. We have sent you an e-mail to confirm it.")
            )
        else:
            messages.success(request, _("Appointment cancelled."))
    return redirect("employment:my_appointments")


__all__ = [
    "book_slot",
    "cancel_own",
    "interview_cancel",
    "interview_reschedule",
    "my_appointments",
    "slot_list",
    "slot_withdraw",
]
