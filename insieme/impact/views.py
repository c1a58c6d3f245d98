"""The dashboard, the records behind its figures, its reports, and the web import."""

import csv
import io
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from insieme.accounts.models import Role, User
from insieme.accounts.permissions import role_required
from insieme.calls.models import Application
from insieme.core.audit import log_event
from insieme.core.counts import CountingPaginator
from insieme.core.money import XLSX_MONEY, XLSX_NUMBER
from insieme.employment.models import Interview
from insieme.grants.models import Disbursement, Grant
from insieme.impact import tasks
from insieme.impact import worklist as impact_worklist
from insieme.impact.cache import cached
from insieme.impact.dashboard import (
    SUPPRESSED,
    Audience,
    Cell,
    Dashboard,
    may_drill_down,
    money,
    records,
)
from insieme.impact.figures import Filters
from insieme.impact.forms import DashboardFilterForm, WorkbookUploadForm, filter_query
from insieme.impact.models import ImportStatus, WorkbookImport
from insieme.network.models import Organisation, OrganisationMember
from insieme.people.models import Person
from insieme.placements.models import Placement

DASHBOARD_ROLES = (Role.OPERATOR, Role.ADMIN, Role.FUNDER)
RECORDS_PER_PAGE = 50


def funder_organisation(user: Any) -> Organisation | None:
    """The funding organisation a funder's account acts for (None if it is linked to none)."""
    link = (
        OrganisationMember.objects.filter(user=user, organisation__is_funder=True)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return link.organisation if link else None


def audience_for(user: Any) -> tuple[Audience, Organisation | None]:
    if user.has_role(Role.OPERATOR, Role.ADMIN):
        return Audience.FULL, None
    organisation = funder_organisation(user)
    if organisation is not None:
        return Audience.FUNDER, organisation
    return Audience.PUBLIC, None


def _filters(
    request: HttpRequest, funder: Organisation | None
) -> tuple[DashboardFilterForm, Filters]:
    form = DashboardFilterForm(request.GET or None, funder=funder)
    if form.is_bound and not form.is_valid():
        return form, Filters(funder=funder.pk if funder else None)
    return form, form.filters()


def _figures(filters: Filters, audience: Audience) -> str:
    """The figures and charts of the dashboard, rendered (140 KB at regional scale, the most
    expensive part of the page): kept in the figures cache under the same data version, one
    entry per audience and language. Rendered without the request, so nothing in it can depend
    on who asks beyond the audience."""

    def render_figures() -> str:
        board = Dashboard(filters, audience)
        return render_to_string(
            "impact/dashboard.html#figures", {"board": board, "suppressed": SUPPRESSED}
        )

    name = f"figures-html:{audience.value}:{get_language()}"
    return mark_safe(cached(name, filters, render_figures))  # escaped by the template


def _render_dashboard(
    request: HttpRequest, audience: Audience, funder: Organisation | None, *, public: bool = False
) -> HttpResponse:
    form, filters = _filters(request, funder)
    query = filter_query(filters)
    if funder is not None:
        query.pop("finanziatore", None)
    context = {
        "form": form,
        "figures": _figures(filters, audience),
        "audience": audience,
        "funder": funder,
        "public": public,
        "query_suffix": f"?{urlencode(query)}" if query else "",
        "suppressed": SUPPRESSED,
    }
    template = "impact/dashboard.html"
    if getattr(request, "htmx", False):
        template += "#panel"
    return render(request, template, context)


@require_GET
@role_required(*DASHBOARD_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    audience, funder = audience_for(request.user)
    return _render_dashboard(request, audience, funder)


@require_GET
def public_dashboard(request: HttpRequest) -> HttpResponse:
    """The programme's figures for everyone: aggregates only, small counts suppressed."""
    return _render_dashboard(request, Audience.PUBLIC, None, public=True)


# --- the records behind a figure ------------------------------------------------------------


def _applicant(application: Application, audience: Audience) -> str:
    if application.applicant_person_id:
        if audience != Audience.FULL:
            return _("A person (self-employment)")
        return str(application.applicant_person)
    return str(application.applicant_organisation or "—")


def _date(value: Any) -> str:
    if value is None:
        return "—"
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATE_FORMAT")


def _table(queryset: QuerySet[Any], audience: Audience) -> tuple[list[str], QuerySet[Any], Any]:
    """Column headings, the queryset ready for listing, and a function giving a row's cells."""
    model = queryset.model
    if model is Application:
        return (
            [_("Code"), _("Title"), _("Call"), _("Applicant"), _("Sector"), _("Comune"),
             _("Status"), _("Submitted")],
            queryset.select_related(
                "call", "sector", "comune", "applicant_person", "applicant_organisation"
            ).order_by("call__edition", "code"),
            lambda a: [a.code, a.title, a.call.code, _applicant(a, audience),
                       a.sector.name if a.sector else "—", a.comune.name if a.comune else "—",
                       a.get_status_display(), _date(a.submitted_at)],
        )  # fmt: skip
    if model is Grant:
        return (
            [_("Code"), _("Project"), _("Funder"), _("Fund"), _("Awarded"), _("Revoked"),
             _("Award date")],
            queryset.select_related("application", "funder", "fund").order_by("awarded_on", "code"),
            lambda g: [g.code, g.application.title, g.funder.name, g.fund.name if g.fund else "—",
                       money(g.amount_awarded), money(g.amount_revoked), _date(g.awarded_on)],
        )  # fmt: skip
    if model is Disbursement:
        return (
            [_("Code"), _("Grant"), _("Project"), _("Funder"), _("Payment date"), _("Amount")],
            queryset.select_related("grant__application", "grant__funder").order_by(
                "paid_on", "code"
            ),
            lambda d: [d.code, d.grant.code, d.grant.application.title, d.grant.funder.name,
                       _date(d.paid_on), money(d.amount)],
        )  # fmt: skip
    if model is Placement:
        return (
            [_("Code"), _("Person"), _("Employer"), _("Contract type"), _("Start"), _("End"),
             _("Extension"), _("Project")],
            queryset.select_related("person", "employer", "contract_type", "application").order_by(
                "start_date", "code"
            ),
            lambda p: [p.code, str(p.person), p.employer.name, p.contract_type.name,
                       _date(p.start_date), _date(p.end_date), _("yes") if p.is_extension else "",
                       p.application.title if p.application else "—"],
        )  # fmt: skip
    if model is Interview:
        return (
            [_("Code"), _("Person"), _("Date"), _("Type")],
            queryset.select_related("person").order_by("date", "code"),
            lambda i: [i.code, str(i.person), _date(i.date), i.get_kind_display()],
        )
    if model is Person:
        headings = [_("Surname and name"), _("Comune of residence"), _("Year of birth")]
        days = "days_gap" in queryset.query.annotations
        if days:
            headings += [_("Earliest interview"), _("First placement after it"), _("Days")]

        def person_row(p: Person) -> list[str]:
            row = [
                str(p),
                p.residence_comune.name if p.residence_comune else "—",
                str(p.birth_date.year) if p.birth_date else "—",
            ]
            if days:
                row += [
                    _date(p.first_interview),  # type: ignore[attr-defined]
                    _date(p.first_placement_after),  # type: ignore[attr-defined]
                    str(p.days_gap.days),  # type: ignore[attr-defined]
                ]
            return row

        return (
            headings,
            queryset.select_related("residence_comune").order_by("last_name", "first_name", "pk"),
            person_row,
        )
    raise Http404


@require_GET
@role_required(*DASHBOARD_ROLES)
def record_list(request: HttpRequest, key: str) -> HttpResponse:
    audience, funder = audience_for(request.user)
    if not may_drill_down(audience, key):
        raise PermissionDenied
    form, filters = _filters(request, funder)
    try:
        queryset = records(filters, key)
    except KeyError as error:
        raise Http404 from error
    headings, queryset, row = _table(queryset, audience)
    page = CountingPaginator(queryset, RECORDS_PER_PAGE).get_page(request.GET.get("pagina"))
    if audience != Audience.FULL and 1 <= page.paginator.count <= 4:
        raise PermissionDenied  # the list would give away a suppressed count
    query = filter_query(filters)
    if funder is not None:
        query.pop("finanziatore", None)
    return render(
        request,
        "impact/records.html",
        {
            "key": key,
            "label": _figure_label(key),
            "form": form,
            "headings": headings,
            "rows": [row(obj) for obj in page.object_list],
            "page": page,
            "query_suffix": f"?{urlencode(query)}" if query else "",
            "page_query": urlencode(query),
        },
    )


def _figure_label(key: str) -> str:
    """A readable name for a figure's key (the dashboard's card label where there is one)."""
    labels = {
        "projects.applications": _("Applications"),
        "projects.accompanied": _("Accompanied projects"),
        "projects.funded": _("Funded projects"),
        "projects.grants_awarded_eur": _("Grants awarded"),
        "projects.grants_revoked_eur": _("Grants revoked"),
        "projects.grants_disbursed_eur": _("Grants paid out"),
        "projects.placements": _("Job placements (projects)"),
        "projects.people_employed": _("People employed (projects)"),
        "projects.traineeships": _("Traineeships (projects)"),
        "employment.registrations": _("Sign-ups"),
        "employment.first_interviews": _("First interviews"),
        "employment.placements": _("Job placements (whole programme)"),
        "employment.people_employed": _("People employed (whole programme)"),
        "employment.first_time_placed": _("Placed for the first time"),
        "employment.new_contracts": _("New contracts"),
        "employment.extensions": _("Extensions"),
        "employment.traineeships": _("Traineeships (whole programme)"),
        "employment.avg_days_to_first_placement": _("Days from first interview to placement"),
        "registry.people": _("People"),
    }
    if key in labels:
        return labels[key]
    parts = key.split(".")
    if parts[:2] == ["employment", "contracts"]:
        return _("Job placements by contract type: %(code)s") % {"code": parts[2]}
    if parts[:2] == ["projects", "sectors"]:
        return _("Sector %(code)s") % {"code": parts[2]}
    if parts[0] == "territory":
        return _("Territory: comune %(code)s") % {"code": parts[1]}
    return key


# --- reports -------------------------------------------------------------------------------


def _report_board(request: HttpRequest) -> tuple[Dashboard, Organisation | None]:
    audience, funder = audience_for(request.user)
    _form, filters = _filters(request, funder)
    return Dashboard(filters, audience), funder


def _filename(board: Dashboard, extension: str) -> str:
    f = board.filters
    parts = ["cruscotto"]
    if f.date_from:
        parts.append(f.date_from.isoformat())
    if f.date_to:
        parts.append(f.date_to.isoformat())
    return "-".join(parts) + f".{extension}"


@require_GET
@role_required(*DASHBOARD_ROLES)
def report_pdf(request: HttpRequest) -> HttpResponse:
    from weasyprint import HTML

    board, funder = _report_board(request)
    html = render_to_string(
        "impact/report_pdf.html",
        {"board": board, "funder": funder, "generated": timezone.localtime()},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(board, "pdf")}"'
    return response


def _plain(cell: Cell) -> str:
    """A value as a machine reads it (docs/regole.md): no grouping, a decimal point ("140000.00")."""
    if cell.suppressed or cell.value is None:
        return cell.display
    if isinstance(cell.value, Decimal):
        return f"{cell.value:.2f}"
    return str(cell.value)


def _xlsx_value(sheet: Any, cell: Cell) -> Any:
    """A real number with a number format (amounts with two decimals), or the text shown."""
    from openpyxl.cell import Cell as SheetCell

    if cell.suppressed or cell.value is None:
        return cell.display
    value = SheetCell(sheet, value=cell.value)
    if isinstance(cell.value, Decimal):
        value.number_format = XLSX_MONEY
    elif isinstance(cell.value, float):
        value.number_format = XLSX_NUMBER
    return value


@require_GET
@role_required(*DASHBOARD_ROLES)
def report_table(request: HttpRequest, fmt: str) -> HttpResponse:
    board, _funder = _report_board(request)
    header = [_("Section"), _("Figure"), _("Value")]
    rows = board.rows()
    if fmt == "csv":
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(header)
        writer.writerows((section, figure, _plain(cell)) for section, figure, cell in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook

        book = Workbook()
        sheet = book.active
        assert sheet is not None
        sheet.title = _("Figures")[:31]
        sheet.append(header)
        for section, figure, cell in rows:
            sheet.append([section, figure, _xlsx_value(sheet, cell)])
        sheet.column_dimensions["A"].width = 45
        sheet.column_dimensions["B"].width = 60
        sheet.column_dimensions["C"].width = 18
        output = io.BytesIO()
        book.save(output)
        response = HttpResponse(
            output.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{_filename(board, fmt)}"'
    return response


# --- web import ----------------------------------------------------------------------------

IMPORT_ROLES = (Role.OPERATOR, Role.ADMIN)


def _imports() -> QuerySet[WorkbookImport]:
    return WorkbookImport.objects.defer("content").select_related("uploaded_by", "confirmed_by")


@require_http_methods(["GET", "POST"])
@role_required(*IMPORT_ROLES)
def import_upload(request: HttpRequest) -> HttpResponse:
    form = WorkbookUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        assert isinstance(request.user, User)  # role_required lets only users in
        workbook = WorkbookImport.objects.create(
            file_name=upload.name[:200],
            content=content,
            size=len(content),
            uploaded_by=request.user,
        )
        log_event(
            workbook, by=request.user, event="workbook_uploaded", details={"size": len(content)}
        )
        tasks.start(workbook, dry_run=True)
        return redirect("impact:import_detail", pk=workbook.pk)
    # ?filtro=da_confermare: the imports the home's worklist counts.
    to_confirm = request.GET.get("filtro") == impact_worklist.TO_CONFIRM
    recent = _imports().filter(status=ImportStatus.CHECKED) if to_confirm else _imports()
    return render(
        request,
        "impact/import_upload.html",
        {"form": form, "recent": recent[:10], "to_confirm": to_confirm},
    )


@require_GET
@role_required(*IMPORT_ROLES)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    workbook = get_object_or_404(_imports(), pk=pk)
    template = "impact/import_detail.html"
    if getattr(request, "htmx", False):
        template += "#status"
    return render(request, template, {"workbook": workbook})


@require_POST
@role_required(*IMPORT_ROLES)
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    workbook = get_object_or_404(_imports(), pk=pk)
    # Only one confirmation moves a checked workbook on, even if the button is pressed twice.
    moved = WorkbookImport.objects.filter(pk=pk, status=ImportStatus.CHECKED).update(
        status=ImportStatus.IMPORTING, confirmed_by=request.user, progress_done=0
    )
    if not moved:
        messages.error(
            request,
            _(
                "This workbook is not waiting for confirmation (its state is “%(status)s”): "
                "upload it again to import it."
            )
            % {"status": workbook.get_status_display()},
        )
        return redirect("impact:import_detail", pk=pk)
    workbook.refresh_from_db(fields=["status", "confirmed_by"])
    log_event(workbook, by=request.user, event="workbook_import_confirmed")
    tasks.start(workbook, dry_run=False)
    return redirect("impact:import_detail", pk=pk)
