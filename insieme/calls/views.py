from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from weasyprint import HTML

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.calls import services
from insieme.calls import worklist as calls_worklist
from insieme.calls.forms import (
    CALL_LISTS,
    ApplicationFilterForm,
    AttachmentForm,
    CallForm,
    InformationRequestForm,
    QuestionForm,
    ReplyForm,
    ScreeningForm,
    SectionForm,
    StartApplicationForm,
)
from insieme.calls.limits import accept_attribute, limits_text
from insieme.calls.models import (
    Application,
    ApplicationStatus,
    Attachment,
    Call,
    FormSection,
    InformationRequest,
    Question,
    QuestionKind,
)
from insieme.calls.page import panels_of
from insieme.calls.schema import answers_form_class, display, question_schema
from insieme.core.audit import history, log_access
from insieme.core.listing import Listing, code_in_query_redirect, paginate, posted_search

STAFF = (Role.OPERATOR, Role.ADMIN)


def error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# Public pages ------------------------------------------------------------------------------


@require_GET
def public_list(request):
    now = timezone.now()
    calls = Call.objects.published().filter(closes_at__gte=now).order_by("closes_at")
    return render(request, "calls/public_list.html", {"calls": calls, "now": now})


@require_GET
def public_detail(request, pk):
    call = get_object_or_404(Call.objects.published(), pk=pk)
    return render(
        request,
        "calls/public_detail.html",
        {
            "call": call,
            "is_open": call.accepts_submissions(),
            "items": call.eligibility_items.all(),
            "documents": call.required_documents.all(),
            "criteria": call.criteria.all(),
            "faqs": call.faqs.all(),
        },
    )


# Operators: calls and their forms ----------------------------------------------------------


@role_required(*STAFF)
@require_GET
def manage_list(request):
    calls: QuerySet = Call.objects.annotate(
        submitted=Count("applications", filter=~Q(applications__status=ApplicationStatus.DRAFT))
    ).order_by("-edition", "code", "pk")
    # The filters the home's worklist links to (calls/worklist.py counts the same rows).
    focus = request.GET.get("filtro", "")
    focused = calls_worklist.filtered_calls(calls.all(), focus, request.user)
    if focused is not None:
        calls = focused
    else:
        focus = ""
    page = paginate(request, calls)
    return render(request, "calls/manage_list.html", {"calls": page, "page": page, "focus": focus})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def call_create(request):
    form = CallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            call = services.save_call(form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Call created. Now define its form and lists."))
            return redirect("calls:manage", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form})


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def call_edit(request, pk):
    call = get_object_or_404(Call, pk=pk)
    form = CallForm(request.POST or None, instance=call)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_call(form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Call saved."))
            return redirect("calls:manage", pk=call.pk)
    return render(request, "calls/call_form.html", {"form": form, "call": call})


@role_required(*STAFF)
@require_GET
def call_manage(request, pk):
    # A protocol number has digits: typed in the address it is moved out of it, as on other lists.
    return code_in_query_redirect(request) or _manage_page(request, pk)


def _manage_page(request, pk):
    call = get_object_or_404(Call, pk=pk)
    submitted = call.applications.submitted()
    filters = ApplicationFilterForm(request.GET or None)
    listing = Listing.from_request(
        request,
        filters.filter(submitted.for_list()),
        search_fields=ApplicationFilterForm.SEARCH_FIELDS,
        sort_fields=ApplicationFilterForm.SORTS,
        default_sort=ApplicationFilterForm.DEFAULT_SORT,
    )
    if listing.code_search:
        # The box shows what was typed; the address keeps only the token.
        filters = ApplicationFilterForm({**request.GET.dict(), "q": listing.query})
    # Counted over every submitted application of the call, whatever the filters and the page.
    counts = dict(submitted.values_list("status").annotate(n=Count("pk")).order_by())
    context = {
        "call": call,
        "filters": filters,
        "listing": listing,
        "page": listing.page,
        "status_counts": [
            (value, label, counts[value])
            for value, label in ApplicationStatus.choices
            if counts.get(value)
        ],
        "submitted_count": sum(counts.values()),
        "lists": {kind: label for kind, (label, _f) in CALL_LISTS.items()},
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "calls/manage.html#applications", context)
    return render(request, "calls/manage.html", context)


@role_required(*STAFF)
@require_POST
def call_manage_search(request, pk):
    """The applications' search form is POSTed (see `insieme.core.listing.posted_search`)."""
    get_object_or_404(Call, pk=pk)
    return posted_search(request, reverse("calls:manage", args=[pk]), lambda r: _manage_page(r, pk))


@role_required(*STAFF)
@require_POST
def call_publish(request, pk):
    call = get_object_or_404(Call, pk=pk)
    try:
        services.publish_call(call, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The call is published."))
    return redirect("calls:manage", pk=call.pk)


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def call_list_edit(request, pk, kind):
    call = get_object_or_404(Call, pk=pk)
    if kind not in CALL_LISTS:
        raise Http404
    label, formset_class = CALL_LISTS[kind]
    try:
        services.ensure_list_editable(call, kind, by=request.user)
    except ValidationError as error:
        if request.method == "POST":
            messages.error(request, error_text(error))
            return redirect("calls:manage", pk=call.pk)
        locked = error_text(error)
    else:
        locked = ""
    formset = formset_class(request.POST or None, instance=call, prefix=kind)
    if request.method == "POST" and formset.is_valid():
        services.save_call_list(call, kind, formset, by=request.user)
        messages.success(request, _("Saved."))
        return redirect("calls:manage", pk=call.pk)
    return render(
        request,
        "calls/list_form.html",
        {"call": call, "formset": formset, "label": label, "locked": locked},
    )


def builder_context(call: Call, *, section_form=None, question_form=None) -> dict:
    """The form builder's page: each question with the limits the applicant will read."""
    sections = [
        {
            "section": section,
            "questions": [
                (q, limits_text(question_schema(q), call.max_request))
                for q in section.questions.all()
            ],
        }
        for section in call.form_sections.prefetch_related("questions")
    ]
    return {
        "call": call,
        "sections": sections,
        "section_form": section_form or SectionForm(),
        "question_form": question_form or QuestionForm(call=call),
        "versions": call.form_versions.all(),
    }


@role_required(*STAFF)
@require_GET
def form_builder(request, pk):
    call = get_object_or_404(Call, pk=pk)
    return render(request, "calls/form_builder.html", builder_context(call))


@role_required(*STAFF)
@require_POST
def section_add(request, pk):
    call = get_object_or_404(Call, pk=pk)
    form = SectionForm(request.POST)
    try:
        services.ensure_form_editable(call, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("calls:form_builder", pk=call.pk)
    if form.is_valid():
        form.instance.call = call
        try:
            services.save_form_item(form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Section added."))
            return redirect("calls:form_builder", pk=call.pk)
    return render(
        request,
        "calls/form_builder.html",
        builder_context(call, section_form=form),
        status=400,
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def section_edit(request, pk, section_pk):
    call = get_object_or_404(Call, pk=pk)
    section = get_object_or_404(FormSection, pk=section_pk, call=call)
    form = SectionForm(request.POST or None, instance=section)
    if request.method == "POST":
        try:
            services.ensure_form_editable(call, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("calls:form_builder", pk=call.pk)
        if "delete" in request.POST:
            try:
                services.delete_form_item(section, by=request.user)
            except ValidationError as error:
                messages.error(request, error_text(error))
                return redirect("calls:section_edit", pk=call.pk, section_pk=section.pk)
            messages.success(request, _("Section deleted."))
            return redirect("calls:form_builder", pk=call.pk)
        if form.is_valid():
            try:
                services.save_form_item(form.save(commit=False), by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Section saved."))
                return redirect("calls:form_builder", pk=call.pk)
    return render(
        request,
        "calls/section_form.html",
        {"call": call, "form": form, "section": section},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
def question_edit(request, pk, question_pk=None):
    call = get_object_or_404(Call, pk=pk)
    question = (
        get_object_or_404(Question, pk=question_pk, section__call=call) if question_pk else None
    )
    form = QuestionForm(request.POST or None, instance=question, call=call)
    if request.method == "POST":
        try:
            services.ensure_form_editable(call, by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
            return redirect("calls:form_builder", pk=call.pk)
        if form.is_valid():
            try:
                services.save_form_item(form.save(commit=False), by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Question saved."))
                return redirect("calls:form_builder", pk=call.pk)
    return render(
        request,
        "calls/question_form.html",
        {"call": call, "form": form, "question": question},
        status=400 if form.errors else 200,
    )


@role_required(*STAFF)
@require_POST
def question_delete(request, pk, question_pk):
    call = get_object_or_404(Call, pk=pk)
    question = get_object_or_404(Question, pk=question_pk, section__call=call)
    try:
        services.delete_form_item(question, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("Question deleted."))
    return redirect("calls:form_builder", pk=call.pk)


# Operators: one application ----------------------------------------------------------------


def answered(application: Application) -> list[dict]:
    """Sections with each question's answer, as the application's own form version shows them."""
    if application.form_version is None:
        return []
    attachments = {a.question_key: a for a in application.attachments.all()}
    sections = []
    for section in application.form_version.schema["sections"]:
        rows = []
        for q in section["questions"]:
            rows.append(
                {
                    "question": q,
                    "value": display(q, application.answers.get(q["key"])),
                    "attachment": attachments.get(q["key"]),
                }
            )
        sections.append({"title": section["title"], "rows": rows})
    return sections


@role_required(*STAFF)
@require_GET
def application_review(request, pk):
    application = get_object_or_404(
        Application.objects.submitted().for_list().select_related("form_version", "owner"), pk=pk
    )
    log_access(application, by=request.user, what="application")
    return render(request, "calls/review.html", review_context(application))


def review_context(application, screening_form=None, info_form=None) -> dict:
    checks = {c.item_id: c for c in application.eligibility_checks.all()}
    items = list(application.call.eligibility_items.all())
    initial = {}
    for item in items:
        if item.pk in checks:
            initial[f"met_{item.pk}"] = "si" if checks[item.pk].met else "no"
            initial[f"reason_{item.pk}"] = checks[item.pk].reason
    return {
        "application": application,
        "sections": answered(application),
        "checks": [(item, checks.get(item.pk)) for item in items],
        "screening_form": screening_form or ScreeningForm(items=items, initial=initial),
        "info_form": info_form or InformationRequestForm(),
        "requests": application.information_requests.all(),
        "history": history(application)[:20],
        "assignments": application.assignments.select_related("evaluator").prefetch_related(
            "scores__criterion"
        ),
    }


@role_required(*STAFF)
@require_POST
def application_screen(request, pk):
    application = get_object_or_404(Application.objects.submitted().for_list(), pk=pk)
    form = ScreeningForm(request.POST, items=application.call.eligibility_items.all())
    if form.is_valid():
        try:
            services.record_screening(application, form.results(), by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Screening recorded."))
            return redirect("calls:review", pk=application.pk)
    return render(
        request, "calls/review.html", review_context(application, screening_form=form), status=400
    )


@role_required(*STAFF)
@require_POST
def application_request_info(request, pk):
    application = get_object_or_404(Application.objects.submitted().for_list(), pk=pk)
    form = InformationRequestForm(request.POST)
    if form.is_valid():
        try:
            services.request_information(
                application,
                by=request.user,
                message=form.cleaned_data["message"],
                reply_by=form.cleaned_data["reply_by"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Request sent to the applicant."))
            return redirect("calls:review", pk=application.pk)
    return render(
        request, "calls/review.html", review_context(application, info_form=form), status=400
    )


# Applicants ------------------------------------------------------------------------------


@role_required(Role.APPLICANT)
@require_http_methods(["GET", "POST"])
def apply(request, pk):
    call = get_object_or_404(Call.objects.published(), pk=pk)
    form = StartApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            application = services.start_application(
                call,
                by=request.user,
                title=data["title"],
                as_organisation=data["applicant_kind"] == form.AS_ORGANISATION,
                fiscal_code=data["fiscal_code"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                organisation_name=data["organisation_name"],
                legal_form=data["legal_form"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your draft is ready: it is saved as you write."))
            return redirect("calls:application", pk=application.pk)
    return render(
        request,
        "calls/apply.html",
        {
            "call": call,
            "form": form,
            "is_open": call.accepts_submissions(),
            "drafts": Application.objects.filter(
                owner=request.user, call=call, status=ApplicationStatus.DRAFT
            ),
        },
        status=400 if form.errors else 200,
    )


@role_required(Role.APPLICANT)
@require_GET
def my_applications(request):
    applications = Application.objects.filter(owner=request.user).for_list()
    return render(request, "calls/my_applications.html", {"applications": applications})


def own_application(request, pk) -> Application:
    return get_object_or_404(
        Application.objects.filter(owner=request.user).for_list().select_related("form_version"),
        pk=pk,
    )


def draft_context(application: Application, answers_form=None) -> dict:
    assert application.form_version is not None
    schema = application.form_version.schema
    # Shown with every limit of a finished answer (required, minimum length): the autosave
    # keeps what is valid so far, the submission asks for the rest.
    form = answers_form or answers_form_class(schema, partial=False)(initial=application.answers)
    attachments = {a.question_key: a for a in application.attachments.all()}
    sections = [
        {
            "title": section["title"],
            "description": section["description"],
            "items": [
                {
                    "question": q,
                    "field": form[q["key"]] if q["kind"] != QuestionKind.FILE else None,
                    "attachment": attachments.get(q["key"]),
                    "accept": accept_attribute(q) if q["kind"] == QuestionKind.FILE else "",
                    "limits": (
                        limits_text(q, schema.get("max_request"))
                        if q["kind"] == QuestionKind.FILE
                        else ""
                    ),
                }
                for q in section["questions"]
            ],
        }
        for section in schema["sections"]
    ]
    return {
        "application": application,
        "sections": sections,
        "missing": services.missing_items(application),
        "attachment_form": AttachmentForm(),
        "is_open": application.call.accepts_submissions(),
        "saved_at": timezone.localtime(application.updated_at),
    }


@role_required(Role.APPLICANT)
@require_GET
def application_detail(request, pk):
    application = own_application(request, pk)
    if application.is_draft:
        services.refresh_form_version(application)
        return render(request, "calls/draft.html", draft_context(application))
    return render(
        request,
        "calls/application.html",
        {
            "application": application,
            "sections": answered(application),
            "requests": application.information_requests.all(),
            "reply_form": ReplyForm(),
            "panels": panels_of(application, request.user),
        },
    )


@role_required(Role.APPLICANT)
@require_POST
def autosave(request, pk):
    application = own_application(request, pk)
    try:
        errors = services.save_answers(application, request.POST, by=request.user)
    except ValidationError as error:
        if request.htmx:
            return HttpResponse(error_text(error), status=409)
        messages.error(request, error_text(error))
        return redirect("calls:application", pk=application.pk)
    application.refresh_from_db()
    context = draft_context(application)
    # The applicant reads which question is wrong, not an internal field name.
    assert application.form_version is not None
    labels = {q["key"]: q["label"] for q in application.form_version.questions()}
    named = [
        f"{labels.get(name, _('Project title'))}: {message}"
        for name, field_errors in errors.items()
        for message in field_errors
    ]
    context["errors"] = named
    if request.htmx:
        return render(request, "calls/draft.html#status", context)
    if errors:
        messages.warning(
            request,
            _("Some answers were not saved, correct them: %(errors)s")
            % {"errors": "; ".join(named)},
        )
    else:
        messages.success(request, _("Draft saved."))
    return redirect("calls:application", pk=application.pk)


@role_required(Role.APPLICANT)
@require_POST
def attach(request, pk, key):
    application = own_application(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.attach_file(application, key, form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("File attached."))
    else:
        messages.error(request, _("Choose a file to attach."))
    return redirect("calls:application", pk=application.pk)


@role_required(Role.APPLICANT)
@require_POST
def submit(request, pk):
    application = own_application(request, pk)
    try:
        services.submit_application(application, by=request.user)
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("calls:application", pk=application.pk)
    messages.success(
        request,
        _("Application submitted: your protocol number is %(code)s.") % {"code": application.code},
    )
    return redirect("calls:application", pk=application.pk)


@role_required(Role.APPLICANT)
@require_POST
def withdraw(request, pk):
    application = own_application(request, pk)
    try:
        services.withdraw_application(application, by=request.user)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Application withdrawn."))
    return redirect("calls:application", pk=application.pk)


@role_required(Role.APPLICANT)
@require_POST
def reply(request, pk, request_pk):
    application = own_application(request, pk)
    info_request = get_object_or_404(application.information_requests, pk=request_pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.reply_to_request(
                info_request,
                form.cleaned_data["reply"],
                by=request.user,
                upload=form.cleaned_data["file"],
            )
        except ValidationError as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("Reply sent."))
    else:
        messages.error(request, _("Write your reply."))
    return redirect("calls:application", pk=application.pk)


@login_required
@require_GET
def receipt_pdf(request, pk):
    application = get_object_or_404(
        Application.objects.visible_to(request.user)
        .submitted()
        .for_list()
        .select_related("form_version"),
        pk=pk,
    )
    html = render_to_string(
        "calls/receipt_pdf.html",
        {"application": application, "sections": answered(application)},
        request=request,
    )
    pdf = HTML(string=html).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ricevuta-{application.code}.pdf"'
    return response


@login_required
@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(
        Attachment.objects.filter(
            application__in=Application.objects.visible_to(request.user)
        ).select_related("application"),
        pk=pk,
    )
    if request.user.has_role(*STAFF):
        log_access(attachment.application, by=request.user, what="attachment")
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_GET
def reply_file(request, pk):
    """The file of an applicant's reply: the office and the applicant, never a public URL."""
    info_request = get_object_or_404(
        InformationRequest.objects.filter(
            application__in=Application.objects.visible_to(request.user)
        ).exclude(reply_file=""),
        pk=pk,
    )
    if request.user.has_role(*STAFF):
        log_access(info_request.application, by=request.user, what="attachment")
    return FileResponse(
        info_request.reply_file.open("rb"),
        as_attachment=True,
        filename=info_request.reply_file_name,
        content_type=info_request.reply_file_type,
    )
