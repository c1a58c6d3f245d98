import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.models import Role
from insieme.accounts.permissions import role_required
from insieme.core import fiscal_code, rules
from insieme.core.audit import history, log_access
from insieme.core.listing import (
    EXPORT_FORMATS,
    FORMAT_PARAM,
    Listing,
    code_in_query_redirect,
    export_response,
    folded,
    normalise_text,
    posted_search,
)
from insieme.core.models import Comune
from insieme.people import exports, services, timeline
from insieme.people import rules as people_rules
from insieme.people.forms import (
    ConsentForm,
    DocumentForm,
    LinkAccountForm,
    MergeForm,
    PersonForm,
    PseudonymiseForm,
    SearchForm,
    SpecialCategoryForm,
    show_error,
)
from insieme.people.models import (
    Consent,
    ConsentPurpose,
    Document,
    DocumentKind,
    Person,
    SpecialCategoryData,
)

# The coarse doors of the pages; the rules themselves are in people/rules.py.
EDITORS = tuple(people_rules.EDITORS)
READERS = tuple(people_rules.READERS)


def _require(request, name: str, obj=None) -> None:
    """The gate's answer as a page's door: any refusal is a 403 here."""
    if not rules.can(request.user, name, obj):
        raise PermissionDenied


def _visible_person(request, pk: int) -> Person:
    return get_object_or_404(Person.objects.visible_to(request.user), pk=pk)


EXPORT_FILENAME = "persone"


def _listing(request) -> tuple[SearchForm, Listing]:
    form = SearchForm(request.GET or None)
    people = form.filter(Person.objects.visible_to(request.user).for_list())
    listing = Listing.from_request(
        request,
        people,
        search_fields=SearchForm.SEARCH_FIELDS,
        sort_fields=SearchForm.SORTS,
        default_sort=SearchForm.DEFAULT_SORT,
        sort_param="ordine",
    )
    if listing.code_search:
        # The box shows what was typed; the address keeps only the token.
        form = SearchForm({**request.GET.dict(), "q": listing.query})
    return form, listing


@role_required(*READERS)
@require_GET
def person_list(request):
    return code_in_query_redirect(request) or _list_page(request)


def _list_page(request):
    form, listing = _listing(request)
    context = {
        "form": form,
        "listing": listing,
        "page": listing.page,
        "can_edit": request.user.has_role(*EDITORS),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "people/list.html#results", context)
    return render(request, "people/list.html", context)


@role_required(*READERS)
@require_POST
def person_search(request):
    """The search form is POSTed, so that a codice fiscale typed in it never reaches a URL
    (see `insieme.core.listing.posted_search`)."""
    return posted_search(request, reverse("people:list"), _list_page)


@role_required(*READERS)
@require_GET
def person_export(request):
    fmt = request.GET.get(FORMAT_PARAM, "csv")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    if code_in_query_redirect(request):
        raise Http404
    _form, listing = _listing(request)
    return export_response(
        listing.queryset,
        exports.columns_for(request.user),
        fmt=fmt,
        filename=EXPORT_FILENAME,
        by=request.user,
        details=listing.audit_details(),
    )


@role_required(*READERS)
@require_GET
def comune_options(request):
    """<option> elements for the comune datalist, matching what has been typed."""
    typed = ""
    for key in ("residence_comune", "comune", "q"):
        typed = request.GET.get(key, "") or typed
    text = normalise_text(typed)
    comuni = Comune.objects.none()
    if len(text) >= 2:
        comuni = (
            Comune.objects.annotate(folded=folded("name"))
            .filter(folded__startswith=text)
            .order_by("name")[:15]
        )
    return render(request, "people/comune_options.html", {"comuni": comuni})


@role_required(*EDITORS)
@require_POST
def check_code(request):
    """What the typed code says (birth date, sex, place), or what is wrong with it.

    A POST, so that the code never appears in a URL or an access log.
    """
    value = request.POST.get("fiscal_code", "")
    decoded, error = None, None
    if fiscal_code.normalise(value):
        try:
            decoded = fiscal_code.decode(value)
        except ValidationError as exc:
            error = exc.messages[0]
    return render(request, "people/code_info.html", {"decoded": decoded, "error": error})


def _form_page(request, form, person=None):
    return render(request, "people/form.html", {"form": form, "person": person})


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.save_person(person=form.save(commit=False), by=request.user)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("%(person)s has been registered.") % {"person": person})
            return redirect("people:detail", pk=person.pk)
    return _form_page(request, form)


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = _visible_person(request, pk)
    _require(request, "person.edit", person)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.save_person(person=form.save(commit=False), by=request.user)
        except ValidationError as error:
            show_error(form, error)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:detail", pk=person.pk)
    return _form_page(request, form, person)


@login_required
@require_GET
def person_detail(request, pk: int):
    person = get_object_or_404(
        Person.objects.visible_to(request.user)
        .select_related("residence_comune", "account")
        .prefetch_related(
            Prefetch("consents", queryset=Consent.objects.select_related("recorded_by")),
            Prefetch("documents", queryset=Document.objects.all()),
        ),
        pk=pk,
    )
    can_edit = request.user.has_role(*EDITORS)
    if not request.user.has_role(*READERS) and person.account_id == request.user.pk:
        return redirect("people:mine")
    if not request.user.has_role(*READERS):
        # A partner sees a referred candidate's profile and, with the consent, their CV.
        return render(
            request,
            "people/detail_partner.html",
            {"person": person, "cvs": _shared_cvs(request.user, person)},
        )
    context = {
        "person": person,
        "can_edit": can_edit,
        "can_see_special": bool(rules.can(request.user, "special_category.read", person)),
        "events": timeline.events_for(person),
        "documents": _documents_for(request.user, person),
        "consent_form": ConsentForm() if can_edit else None,
        "document_form": DocumentForm() if can_edit else None,
        "account_form": LinkAccountForm(initial={"email": person.email}) if can_edit else None,
        "history": list(history(person)[:20]) if can_edit else [],
    }
    return render(request, "people/detail.html", context)


# --- Consents ---------------------------------------------------------------------------------


@role_required(*EDITORS)
@require_POST
def consent_add(request, pk: int):
    person = _visible_person(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid():
        services.record_consent(person=person, by=request.user, **form.cleaned_data)
        if not request.htmx:
            messages.success(request, _("Consent recorded."))
            return redirect(reverse("people:detail", args=[person.pk]) + "#consensi")
        form = ConsentForm()
    elif not request.htmx:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return redirect(reverse("people:detail", args=[person.pk]) + "#consensi")
    return render(
        request,
        "people/detail.html#consents",
        {"person": person, "consent_form": form, "can_edit": True},
    )


@role_required(*EDITORS)
@require_POST
def consent_withdraw(request, pk: int, consent_pk: int):
    person = _visible_person(request, pk)
    consent = get_object_or_404(person.consents, pk=consent_pk)
    services.withdraw_consent(consent=consent, by=request.user)
    if request.htmx:
        return render(
            request,
            "people/detail.html#consents",
            {"person": person, "consent_form": ConsentForm(), "can_edit": True},
        )
    messages.success(request, _("Consent withdrawn."))
    return redirect(reverse("people:detail", args=[person.pk]) + "#consensi")


# --- Documents --------------------------------------------------------------------------------


@role_required(*EDITORS)
@require_POST
def document_upload(request, pk: int):
    person = _visible_person(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.add_document(
            person=person,
            kind=form.cleaned_data["kind"],
            upload=form.cleaned_data["file"],
            content_type=form.content_type,
            by=request.user,
        )
        messages.success(request, _("Document uploaded."))
    else:
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    return redirect(reverse("people:detail", args=[person.pk]) + "#documenti")


def _shared_cvs(user, person: Person) -> list[Document]:
    """The CVs `user` may read: the rule is declared once, "person.read_cv" (employment/rules.py)."""
    if not rules.can(user, "person.read_cv", person):
        return []
    return [d for d in person.documents.all() if d.kind == DocumentKind.CV]


def _documents_for(user, person: Person) -> list[Document]:
    """The documents `user` reads on the person's page: a CV only where "person.read_cv" allows."""
    cvs = {d.pk for d in _shared_cvs(user, person)}
    return [d for d in person.documents.all() if d.kind != DocumentKind.CV or d.pk in cvs]


@login_required
@require_GET
def document_download(request, pk: int, document_pk: int):
    person = _visible_person(request, pk)
    documents = person.documents.all()
    if not request.user.has_role(*READERS) and person.account_id != request.user.pk:
        documents = documents.filter(pk__in=[d.pk for d in _shared_cvs(request.user, person)])
    else:
        documents = documents.filter(pk__in=[d.pk for d in _documents_for(request.user, person)])
    document = get_object_or_404(documents, pk=document_pk)
    log_access(person, by=request.user, what=f"document:{document.pk}")
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@role_required(*EDITORS)
@require_POST
def document_delete(request, pk: int, document_pk: int):
    person = _visible_person(request, pk)
    document = get_object_or_404(person.documents, pk=document_pk)
    services.delete_document(document=document, by=request.user)
    messages.success(request, _("Document deleted."))
    return redirect(reverse("people:detail", args=[person.pk]) + "#documenti")


# --- Special-category data --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def special_category(request, pk: int):
    person = _visible_person(request, pk)
    _require(request, "special_category.read", person)
    data = SpecialCategoryData.objects.filter(person=person).first()
    can_edit = bool(rules.can(request.user, "special_category.write", person))
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = SpecialCategoryForm(request.POST)
        if form.is_valid():
            services.save_special_category(person=person, by=request.user, **form.cleaned_data)
            messages.success(request, _("Special-category data saved."))
            return redirect("people:special_category", pk=person.pk)
    else:
        log_access(person, by=request.user, what="special_category")
        initial = (
            {
                "disability_68_99": data.disability_68_99,
                "disability_percentage": data.disability_percentage,
                "health_notes": data.health_notes,
            }
            if data
            else {}
        )
        form = SpecialCategoryForm(initial=initial)
    return render(
        request,
        "people/special_category.html",
        {"person": person, "data": data, "form": form, "can_edit": can_edit},
    )


# --- GDPR: access, erasure, merge -------------------------------------------------------------


@role_required(*EDITORS)
@require_GET
def access_export(request, pk: int, fmt: str):
    if fmt not in {"json", "pdf"}:
        raise Http404
    person = _visible_person(request, pk)
    return _access_response(
        request,
        person,
        fmt,
        include_special=bool(rules.can(request.user, "special_category.read", person)),
    )


def _access_response(request, person: Person, fmt: str, *, include_special: bool):
    """Everything held on `person` as a JSON or PDF attachment; the reading is logged."""
    report = exports.access_report(person, include_special=include_special)
    log_access(person, by=request.user, what=f"access_export:{fmt}")
    stamp = timezone.localdate().isoformat()
    if fmt == "json":
        response = HttpResponse(
            json.dumps(report, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    else:
        from weasyprint import HTML

        html = render_to_string(
            "people/access_report.html",
            {"person": person, "report": report, "include_special": include_special},
            request=request,
        )
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="persona-{person.pk}-{stamp}.{fmt}"'
    return response


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def pseudonymise(request, pk: int):
    person = _visible_person(request, pk)
    retention = services.legal_retention_reason(person)
    form = PseudonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pseudonymise(
                person=person, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The person's identifying data have been erased."))
            return redirect("people:detail", pk=person.pk)
    return render(
        request,
        "people/pseudonymise.html",
        {"person": person, "form": form, "retention": retention},
    )


@role_required(*EDITORS)
@require_http_methods(["GET", "POST"])
def merge(request, pk: int):
    person = _visible_person(request, pk)
    candidates = Person.objects.visible_to(request.user).active().exclude(pk=person.pk)
    # Finding the other record is a POST too: the search may be a codice fiscale.
    searching = request.method == "POST" and "other" not in request.POST
    text = request.POST.get("q", "").strip() if searching else ""
    found = list(candidates.search(text).select_related("residence_comune")[:10]) if text else []
    merging = request.method == "POST" and not searching
    form = MergeForm(request.POST if merging else None, person=person, candidates=candidates)
    other = None
    chosen = request.POST.get("other", "") if merging else request.GET.get("altro", "")
    if chosen.isdigit():
        other = candidates.filter(pk=int(chosen)).first()
    if merging and form.is_valid():
        other = form.cleaned_data["other"]
        keep_this = form.cleaned_data["survivor"] == "this"
        survivor, duplicate = (person, other) if keep_this else (other, person)
        try:
            services.merge_people(survivor=survivor, duplicate=duplicate, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The two records have been merged."))
            return redirect("people:detail", pk=survivor.pk)
    if request.htmx and not request.htmx.boosted:
        return render(
            request, "people/merge.html#candidates", {"person": person, "found": found, "q": text}
        )
    return render(
        request,
        "people/merge.html",
        {"person": person, "form": form, "found": found, "other": other, "q": text},
    )


# --- Who may read special-category data (administrators) --------------------------------------


@role_required(Role.ADMIN)
@require_http_methods(["GET", "POST"])
def special_category_access(request):
    from django.contrib.auth.models import Group

    from insieme.accounts.models import User

    staff = User.objects.filter(
        is_active=True, groups__name__in=[Role.OPERATOR.value, Role.ADMIN.value]
    ).distinct()
    if request.method == "POST":
        user_pk = request.POST.get("user", "")
        if not user_pk.isdigit():
            raise Http404
        user = get_object_or_404(staff, pk=int(user_pk))
        granted = request.POST.get("grant") == "1"
        services.set_special_category_access(user=user, granted=granted, by=request.user)
        messages.success(
            request,
            (
                _("%(user)s can now read special-category data.")
                if granted
                else _("%(user)s can no longer read special-category data.")
            )
            % {"user": user},
        )
        return redirect("people:special_category_access")
    permission = services.special_category_permission()
    holders = set(
        User.objects.filter(user_permissions=permission).values_list("pk", flat=True)
    ) | set(User.objects.filter(groups__permissions=permission).values_list("pk", flat=True))
    rows = [
        {"user": user, "granted": user.pk in holders or user.is_superuser}
        for user in staff.prefetch_related(Prefetch("groups", queryset=Group.objects.only("name")))
    ]
    return render(request, "people/special_category_access.html", {"rows": rows})


# --- The person's own account ------------------------------------------------------------------


@role_required(*EDITORS)
@require_POST
def account_link(request, pk: int):
    person = _visible_person(request, pk)
    form = LinkAccountForm(request.POST)
    if form.is_valid():
        try:
            person, invited = services.link_account(
                person=person, email=form.cleaned_data["email"], by=request.user
            )
        except ValidationError as refusal:
            for message in refusal.messages:
                messages.error(request, message)
        else:
            email = person.account.email if person.account else ""
            messages.success(
                request,
                (
                    _("Account created for %(email)s and linked: the person has been e-mailed.")
                    if invited
                    else _("%(person)s is now linked to the account %(email)s.")
                )
                % {"person": person, "email": email},
            )
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
    return redirect(reverse("people:detail", args=[person.pk]) + "#account")


@role_required(*EDITORS)
@require_POST
def account_unlink(request, pk: int):
    person = _visible_person(request, pk)
    services.unlink_account(person=person, by=request.user)
    messages.success(request, _("The account is no longer linked to this person."))
    return redirect(reverse("people:detail", args=[person.pk]) + "#account")


def _own_person(request) -> Person | None:
    if not request.user.is_authenticated:
        return None
    return (
        Person.objects.visible_to(request.user)
        .filter(account=request.user)
        .select_related("residence_comune")
        .prefetch_related("consents", "documents")
        .first()
    )


@login_required
@require_GET
def my_profile(request):
    """The data the programme holds on the user, once an operator has linked their record."""
    person = _own_person(request)
    special = None
    if person is not None:
        special = SpecialCategoryData.objects.filter(person=person).first()
        if special is not None:
            # Special-category data are logged on every reading, by their owner too.
            log_access(person, by=request.user, what="special_category")
    return render(request, "people/mine.html", {"person": person, "special": special})


@login_required
@require_POST
def my_consent_withdraw(request, consent_pk: int):
    person = _own_person(request)
    if person is None:
        raise Http404
    consent = get_object_or_404(person.consents.in_force(), pk=consent_pk)
    services.withdraw_consent(consent=consent, by=request.user)
    messages.success(
        request,
        _("You have withdrawn your consent for: %(purpose)s.")
        % {"purpose": consent.get_purpose_display()},
    )
    return redirect(reverse("people:mine") + "#consensi")


@login_required
@require_GET
def my_data(request, fmt: str):
    if fmt not in {"json", "pdf"}:
        raise Http404
    person = _own_person(request)
    if person is None:
        raise Http404
    # Their own data, special-category data included (GDPR art. 15).
    return _access_response(request, person, fmt, include_special=True)


# --- Newsletter ---------------------------------------------------------------------------------


NEWSLETTER_COLUMNS = [
    (gettext_lazy("surname"), "last_name"),
    (gettext_lazy("name"), "first_name"),
    (gettext_lazy("e-mail"), "email"),
]


@role_required(*EDITORS)
@require_GET
def newsletter_export(request):
    """The mailing list: contacts of the people whose newsletter consent is in force, logged."""
    fmt = request.GET.get(FORMAT_PARAM, "csv")
    if fmt not in EXPORT_FORMATS:
        raise Http404
    return export_response(
        services.newsletter_recipients(),
        NEWSLETTER_COLUMNS,
        fmt=fmt,
        filename="lista-newsletter",
        by=request.user,
        details={"purpose": ConsentPurpose.NEWSLETTER.value},
    )
