from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.permissions import role_required
from insieme.core import rules
from insieme.core.listing import (
    EXPORT_FORMATS,
    Listing,
    code_in_query_redirect,
    export_response,
    folded,
    normalise_text,
    posted_search,
)
from insieme.core.models import Comune
from insieme.network import activities, services
from insieme.network.forms import (
    AgreementForm,
    ContactPersonForm,
    MemberForm,
    MergeForm,
    OrganisationFilterForm,
    OrganisationForm,
    PseudonymiseForm,
)
from insieme.network.models import (
    MANAGER_ROLES,
    MEMBER_ROLES,
    SEE_ALL_ROLES,
    Agreement,
    ContactPerson,
    Organisation,
    OrganisationMember,
)
from insieme.network.timeline import timeline

LIST_ROLES = (*SEE_ALL_ROLES, *MEMBER_ROLES)
SEARCH_FIELDS = ["name", "fiscal_code", "comune__name"]
SORT_FIELDS: dict[str, str | tuple[str, ...]] = {
    "nome": "name",
    "codice": "fiscal_code",
    "comune": ("comune__name", "name"),
    "forma": ("legal_form", "name"),
    "adesione": ("joined_on", "name"),
}
EXPORT_COLUMNS = [
    (gettext_lazy("Organisation name"), "name"),
    (gettext_lazy("Codice fiscale / partita IVA"), "fiscal_code"),
    (gettext_lazy("Legal form"), "get_legal_form_display"),
    (gettext_lazy("Third-sector entity (RUNTS)"), "third_sector"),
    (gettext_lazy("Roles in the network"), "role_labels"),
    (gettext_lazy("ATECO code"), "ateco_code"),
    (gettext_lazy("Economic activity"), "ateco_title"),
    (gettext_lazy("Comune"), "comune.name"),
    (gettext_lazy("Province"), "comune.province"),
    (gettext_lazy("Address"), "address"),
    (gettext_lazy("Website"), "website"),
    (gettext_lazy("E-mail"), "email"),
    (gettext_lazy("Phone"), "phone"),
    (gettext_lazy("Member since"), "joined_on"),
]


def _filtered(request):
    visible = Organisation.objects.visible_to(request.user)
    comuni = Comune.objects.filter(pk__in=visible.values("comune")).order_by("name")
    filters = OrganisationFilterForm(request.GET or None, comuni=comuni)
    queryset = filters.filter(visible.for_list())
    listing = Listing.from_request(
        request,
        queryset,
        search_fields=SEARCH_FIELDS,
        sort_fields=SORT_FIELDS,
        default_sort="nome",
    )
    if listing.code_search:
        # The box shows what was typed; the address keeps only the token.
        filters = OrganisationFilterForm({**request.GET.dict(), "q": listing.query}, comuni=comuni)
    return filters, listing


@role_required(*LIST_ROLES)
@require_GET
def organisation_list(request):
    # A sole trader's code is its owner's codice fiscale: codes stay out of URLs here too.
    return code_in_query_redirect(request) or _list_page(request)


def _list_page(request):
    filters, listing = _filtered(request)
    context = {
        "filters": filters,
        "listing": listing,
        "page": listing.page,
        "can_manage": bool(rules.can(request.user, "organisation.create")),
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, "network/list.html#results", context)
    return render(request, "network/list.html", context)


@role_required(*LIST_ROLES)
@require_POST
def organisation_search(request):
    """The search form is POSTed (see `insieme.core.listing.posted_search`)."""
    return posted_search(request, reverse("network:list"), _list_page)


def _require(request, name: str, organisation: Organisation | None = None) -> None:
    """The gate's answer as a page's door: any refusal is a 403 here (the API says 409 for a
    refusal by the record's state)."""
    if not rules.can(request.user, name, organisation):
        raise PermissionDenied


@role_required(*MANAGER_ROLES)
@require_GET
def organisation_export(request, fmt: str):
    _require(request, "organisation.export")
    if fmt not in EXPORT_FORMATS or code_in_query_redirect(request):
        raise Http404
    _filters, listing = _filtered(request)
    return export_response(
        listing.queryset,
        EXPORT_COLUMNS,
        fmt=fmt,
        filename=_("organisations").replace(" ", "-"),
        by=request.user,
        details=listing.audit_details(),
    )


@role_required(*MEMBER_ROLES)
@require_GET
def my_organisation(request):
    mine = list(Organisation.objects.of_member(request.user)[:2])
    if len(mine) == 1:
        return redirect("network:detail", pk=mine[0].pk)
    if mine:
        return redirect("network:list")
    return render(request, "network/mine_none.html")


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    _require(request, "organisation.create")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = services.save_organisation(organisation=form.instance, by=request.user)
        messages.success(request, _("%(name)s registered.") % {"name": organisation.name})
        return redirect("network:detail", pk=organisation.pk)
    return render(request, "network/form.html", {"form": form, "organisation": None})


def _visible(request, pk: int) -> Organisation:
    return get_object_or_404(Organisation.objects.visible_to(request.user), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk: int):
    organisation = _visible(request, pk)
    _require(request, "organisation.edit", organisation)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.save_organisation(organisation=form.instance, by=request.user)
        messages.success(request, _("Changes saved."))
        return redirect("network:detail", pk=organisation.pk)
    return render(request, "network/form.html", {"form": form, "organisation": organisation})


def _contacts_context(request, organisation: Organisation, form=None) -> dict:
    return {
        "organisation": organisation,
        "contacts": list(organisation.contacts.all()),
        "can_edit_contacts": bool(rules.can(request.user, "contact.edit", organisation)),
        "contact_form": form or ContactPersonForm(),
    }


@login_required
@require_GET
def organisation_detail(request, pk: int):
    organisation = _visible(request, pk)
    user = request.user
    decisions = rules.allowed_actions(
        user,
        organisation,
        ["organisation.edit", "organisation.merge", "organisation.pseudonymise"],
    )
    context = {
        "organisation": organisation,
        "can_edit": bool(decisions["organisation.edit"]),
        "show_contacts": organisation.contacts_visible_to(user),
        "show_fiscal_code": organisation.fiscal_code_visible_to(user),
        "agreements": list(organisation.agreements.all()),
        "events": timeline(organisation, user),
        # The list of members stays readable on an erased record; changing it does not.
        "can_manage_members": user.has_role(*rules.action("member.link").roles),
        "can_merge": bool(decisions["organisation.merge"]),
        "can_pseudonymise": bool(decisions["organisation.pseudonymise"]),
    }
    if context["show_contacts"]:
        context.update(_contacts_context(request, organisation))
    if context["can_manage_members"]:
        context["members"] = list(organisation.members.select_related("user"))
        context["member_form"] = MemberForm(organisation=organisation)
    return render(request, "network/detail.html", context)


def _contacts_owner(request, pk: int) -> Organisation:
    organisation = _visible(request, pk)
    _require(request, "contact.edit", organisation)
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def contact_add(request, pk: int):
    organisation = _contacts_owner(request, pk)
    form = ContactPersonForm(
        request.POST or None, instance=ContactPerson(organisation=organisation)
    )
    if request.method == "POST" and form.is_valid():
        services.save_contact(contact=form.instance, by=request.user)
        if request.htmx:
            return render(
                request,
                "network/detail.html#contacts",
                _contacts_context(request, organisation) | {"saved": True},
            )
        messages.success(request, _("Contact person added."))
        return redirect("network:detail", pk=organisation.pk)
    if request.htmx:
        return render(
            request, "network/detail.html#contacts", _contacts_context(request, organisation, form)
        )
    return render(
        request, "network/contact_form.html", {"form": form, "organisation": organisation}
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request, pk: int, contact_pk: int):
    organisation = _contacts_owner(request, pk)
    contact = get_object_or_404(organisation.contacts, pk=contact_pk)
    form = ContactPersonForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        services.save_contact(contact=form.instance, by=request.user)
        messages.success(request, _("Changes saved."))
        return redirect("network:detail", pk=organisation.pk)
    return render(
        request,
        "network/contact_form.html",
        {"form": form, "organisation": organisation, "contact": contact},
    )


@login_required
@require_POST
def contact_delete(request, pk: int, contact_pk: int):
    organisation = _contacts_owner(request, pk)
    contact = get_object_or_404(organisation.contacts, pk=contact_pk)
    services.remove_contact(contact=contact, by=request.user)
    if request.htmx:
        return render(
            request, "network/detail.html#contacts", _contacts_context(request, organisation)
        )
    messages.success(request, _("Contact person removed."))
    return redirect("network:detail", pk=organisation.pk)


def _managed(request, pk: int, name: str) -> Organisation:
    organisation = _visible(request, pk)
    _require(request, name, organisation)
    return organisation


@login_required
@require_http_methods(["GET", "POST"])
def agreement_add(request, pk: int):
    organisation = _managed(request, pk, "agreement.edit")
    return _agreement_form(request, organisation, Agreement(organisation=organisation))


@login_required
@require_http_methods(["GET", "POST"])
def agreement_edit(request, pk: int, agreement_pk: int):
    organisation = _managed(request, pk, "agreement.edit")
    agreement = get_object_or_404(organisation.agreements, pk=agreement_pk)
    return _agreement_form(request, organisation, agreement)


def _agreement_form(request, organisation: Organisation, agreement: Agreement):
    form = AgreementForm(request.POST or None, instance=agreement)
    if request.method == "POST" and form.is_valid():
        services.save_agreement(agreement=form.instance, by=request.user)
        messages.success(request, _("Agreement saved."))
        return redirect("network:detail", pk=organisation.pk)
    context = {"form": form, "organisation": organisation}
    if agreement.pk:
        context["agreement"] = agreement
    return render(request, "network/agreement_form.html", context)


@login_required
@require_POST
def agreement_delete(request, pk: int, agreement_pk: int):
    organisation = _managed(request, pk, "agreement.edit")
    agreement = get_object_or_404(organisation.agreements, pk=agreement_pk)
    services.remove_agreement(agreement=agreement, by=request.user)
    messages.success(request, _("Agreement removed."))
    return redirect("network:detail", pk=organisation.pk)


@login_required
@require_POST
def member_add(request, pk: int):
    organisation = _managed(request, pk, "member.link")
    form = MemberForm(request.POST, organisation=organisation)
    if form.is_valid():
        user = form.cleaned_data["user"]
        services.link_member(organisation=organisation, user=user, by=request.user)
        messages.success(request, _("%(user)s can now act for this organisation.") % {"user": user})
    else:
        for error in form.errors.get("user", []):
            messages.error(request, str(error))
    return redirect("network:detail", pk=organisation.pk)


@login_required
@require_POST
def member_remove(request, pk: int, member_pk: int):
    organisation = _managed(request, pk, "member.unlink")
    member = get_object_or_404(OrganisationMember, organisation=organisation, pk=member_pk)
    services.unlink_member(member=member, by=request.user)
    messages.success(
        request, _("%(user)s no longer acts for this organisation.") % {"user": member.user}
    )
    return redirect("network:detail", pk=organisation.pk)


@role_required(*MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def organisation_merge(request, pk: int):
    organisation = _visible(request, pk)
    candidates = Organisation.objects.active().exclude(pk=organisation.pk)
    # Finding the other record is a POST too: the search may be a sole trader's personal code.
    searching = request.method == "POST" and "other" not in request.POST
    text = request.POST.get("q", "").strip() if searching else ""
    found = list(candidates.search(text).select_related("comune")[:10]) if text else []
    merging = request.method == "POST" and not searching
    form = MergeForm(
        request.POST if merging else None, organisation=organisation, candidates=candidates
    )
    chosen = request.POST.get("other", "") if merging else request.GET.get("altra", "")
    other = candidates.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    if merging and form.is_valid():
        other = form.cleaned_data["other"]
        keep_this = form.cleaned_data["survivor"] == "this"
        survivor, duplicate = (organisation, other) if keep_this else (other, organisation)
        try:
            services.merge_organisations(survivor=survivor, duplicate=duplicate, by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The two records have been merged."))
            return redirect("network:detail", pk=survivor.pk)
    context = {"organisation": organisation, "found": found, "q": text}
    if request.htmx and not request.htmx.boosted:
        return render(request, "network/merge.html#candidates", context)
    return render(request, "network/merge.html", context | {"form": form, "other": other})


@role_required(*MANAGER_ROLES)
@require_http_methods(["GET", "POST"])
def organisation_pseudonymise(request, pk: int):
    organisation = _visible(request, pk)
    if not organisation.is_sole_trader:
        raise Http404
    retention = services.legal_retention_reason(organisation)
    form = PseudonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.pseudonymise_organisation(
                organisation=organisation, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The sole trader's identifying data have been erased."))
            return redirect("network:detail", pk=organisation.pk)
    return render(
        request,
        "network/pseudonymise.html",
        {"organisation": organisation, "form": form, "retention": retention},
    )


def _query(request, *names: str) -> str:
    for name in names:
        if request.GET.get(name):
            return request.GET[name]
    return ""


@role_required(*MANAGER_ROLES)
@require_GET
def ateco_options(request):
    """<option>s for the ATECO autocomplete (an htmx-fed <datalist>)."""
    query = _query(request, "q", "ateco_code")
    options = activities.search(query) if len(query.strip()) >= 2 else []
    return render(request, "network/options.html", {"options": options})


@role_required(*MANAGER_ROLES)
@require_GET
def comune_options(request):
    """<option>s for the comune autocomplete: metropolitan comuni first."""
    from django.db.models import Case, IntegerField, Value, When

    query = normalise_text(_query(request, "q", "comune"))
    options: list[tuple[str, str]] = []
    if len(query) >= 2:
        comuni = (
            Comune.objects.annotate(folded=folded("name"))
            .filter(folded__startswith=query)
            .annotate(
                local=Case(
                    When(province="BO", then=Value(0)),
                    default=Value(1),
                    output_field=IntegerField(),
                )
            )
            .order_by("local", "name")[:15]
        )
        options = [(str(c), c.region) for c in comuni]
    return render(request, "network/options.html", {"options": options})
