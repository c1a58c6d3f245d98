"""The impact report for people: the same figures as `figures.compute`, as CSV, XLSX, Markdown, PDF.

Labels are translated (Italian first). For people (Markdown, PDF) numbers are written the Italian
way (9.000,00, in columns marked EUR; 313,0); the CSV and the spreadsheet keep machine-readable
numbers (docs/regole.md): "9000.00" and "313.0" in the CSV, real numbers with a number format in
the spreadsheet.
"""

import csv
import io
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from insieme.core.money import XLSX_MONEY, XLSX_NUMBER, amount, number

PROJECT_LABELS = {
    "applications": gettext_lazy("Applications"),
    "accompanied": gettext_lazy("Projects accompanied"),
    "funded": gettext_lazy("Projects funded"),
    "grants_awarded_eur": gettext_lazy("Grants awarded (EUR)"),
    "grants_revoked_eur": gettext_lazy("Grants revoked (EUR)"),
    "grants_disbursed_eur": gettext_lazy("Non-repayable grants paid out (EUR)"),
    "placements": gettext_lazy("Job placements"),
    "people_employed": gettext_lazy("People employed"),
    "traineeships": gettext_lazy("Traineeships"),
}
EMPLOYMENT_LABELS = {
    "registrations": gettext_lazy("Sign-ups"),
    "first_interviews": gettext_lazy("First interviews"),
    "placements": gettext_lazy("Job placements"),
    "people_employed": gettext_lazy("People employed"),
    "first_time_placed": gettext_lazy("People placed for the first time"),
    "new_contracts": gettext_lazy("New contracts"),
    "extensions": gettext_lazy("Extensions"),
    "traineeships": gettext_lazy("Traineeships"),
    "avg_days_to_first_placement": gettext_lazy("Average days from first interview to placement"),
}

METHODOLOGY = [
    gettext_lazy(
        "Applications: every application submitted to a call, whatever its outcome; drafts "
        "never submitted do not count."
    ),
    gettext_lazy("Accompanied: applications admitted to accompaniment."),
    gettext_lazy(
        "Funded: accompanied projects with at least one grant whose net amount (awarded minus "
        "revoked) is above zero."
    ),
    gettext_lazy(
        "Grants awarded, revoked and paid out: sums of the amounts awarded, of the amounts "
        "revoked and of the payments actually made."
    ),
    gettext_lazy(
        "Job placements: placements whose contract is not a traineeship; an extension of a "
        "contract is a placement too, shown apart. Traineeships are counted apart."
    ),
    gettext_lazy(
        "People employed: distinct people, identified by the codice fiscale, with at least one "
        "placement. People placed for the first time: people whose first placement ever falls "
        "in the period."
    ),
    gettext_lazy(
        "Days to the first placement: for each person with an interview, the days from their "
        "earliest interview to the first placement starting on or after it; the mean over the "
        "people whose placement starts in the period."
    ),
    gettext_lazy(
        "The projects line counts the placements linked to a project; the employment services "
        "figures count every placement of the programme."
    ),
    gettext_lazy(
        "A period counts each event by its own date: submission, outcome, award, payment, start "
        "of the placement, sign-up, interview."
    ),
]


def money(value: str, machine: bool = False) -> Any:
    """ "9000.00" -> "9.000,00" (the number of `insieme.core.money`, under a column or label that
    says "(EUR)"), or, for the machine, Decimal("9000.00")."""
    return Decimal(value) if machine else amount(Decimal(value))


def _value(key: str, value: Any, machine: bool = False) -> Any:
    if value is None:
        return "" if machine else "—"
    if key.endswith("_eur"):
        return money(value, machine)
    if isinstance(value, float):
        return round(value, 1) if machine else number(value, 1)
    return value if machine else str(value)


def period_label(report: dict[str, Any]) -> str:
    start, end = report["period"]["from"], report["period"]["to"]
    if not start and not end:
        return _("All time")
    parts = []
    if start:
        parts.append(_("from %(date)s") % {"date": _day(start)})
    if end:
        parts.append(_("to %(date)s") % {"date": _day(end)})
    return " ".join(parts)


def _day(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def sections(
    report: dict[str, Any], machine: bool = False
) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The report as titled tables: (title, header, rows). Cells are text for people, or, with
    `machine`, numbers (int, Decimal for amounts, float) for the CSV and the spreadsheet."""
    count = (lambda n: n) if machine else str
    from insieme.core.models import ContractType, Sector

    projects, employment = report["projects"], report["employment"]
    figure, value = _("Figure"), _("Value")
    sector_names = dict(Sector.objects.values_list("code", "name"))
    contract_names = dict(ContractType.objects.values_list("code", "name"))
    tables = [
        (
            _("Social innovation and self-employment"),
            [figure, value],
            [[str(label), _value(k, projects[k], machine)] for k, label in PROJECT_LABELS.items()],
        ),
        (
            _("Sectors"),
            [_("Sector"), _("Accompanied"), _("Funded"), _("Paid out (EUR)")],
            [
                [
                    sector_names.get(s["sector"], s["sector"]),
                    count(s["accompanied"]),
                    count(s["funded"]),
                    money(s["disbursed_eur"], machine),
                ]
                for s in projects["sectors"]
            ],
        ),
        (
            _("Employment services"),
            [figure, value],
            [
                [str(label), _value(k, employment[k], machine)]
                for k, label in EMPLOYMENT_LABELS.items()
            ],
        ),
        (
            _("Contract types"),
            [_("Contract"), _("Placements")],
            [
                [contract_names.get(code, code), count(n)]
                for code, n in employment["contracts"].items()
            ],
        ),
    ]
    if report["territory"] is not None:
        tables.append(
            (
                _("Territory"),
                [
                    _("ISTAT code"),
                    _("Comune"),
                    _("District"),
                    _("Decentralised area"),
                    _("People"),
                    _("Accompanied"),
                    _("Job placements"),
                ],
                [
                    [
                        row["codice_istat"],
                        row["comune"],
                        row["district"] or "",
                        _("yes") if row["decentralised"] else _("no"),
                        count(row["people"]),
                        count(row["accompanied"]),
                        count(row["placements"]),
                    ]
                    for row in report["territory"]
                ],
            )
        )
    return tables


def to_csv(report: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow([_("Impact report"), period_label(report)])
    for title, header, rows in sections(report, machine=True):
        writer.writerow([])
        writer.writerow([title])
        writer.writerow(header)
        writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def to_markdown(report: dict[str, Any]) -> str:
    title, period, methodology = _("Impact report"), _("Period"), _("Methodology")
    lines = [f"# {title}", "", f"{period}: {period_label(report)}"]
    for title, header, rows in sections(report):
        lines += ["", f"## {title}", "", "| " + " | ".join(header) + " |"]
        lines.append("|" + "|".join("---" for _h in header) + "|")
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
    lines += ["", f"## {methodology}", ""]
    lines += [f"- {rule}" for rule in METHODOLOGY]
    return "\n".join(lines) + "\n"


def to_xlsx(report: dict[str, Any]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Impact report")[:31]
    sheet.append([_("Impact report"), period_label(report)])
    for title, header, rows in sections(report, machine=True):
        sheet.append([])
        sheet.append([title])
        sheet.append(header)
        for row in rows:
            sheet.append([_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(sheet: Any, value: Any) -> Any:
    """Numbers as numbers with a number format (amounts with two decimals), so that a
    spreadsheet shows them in its reader's style and can add them up."""
    from openpyxl.cell import Cell

    cell = Cell(sheet, value=value)
    if isinstance(value, Decimal):
        cell.number_format = XLSX_MONEY
    elif isinstance(value, float):
        cell.number_format = XLSX_NUMBER
    elif isinstance(value, str):
        cell.data_type = "s"  # an ISTAT code keeps its leading zero; text is never a formula
    return cell


PDF_STYLE = (
    "@page{size:A4;margin:18mm 16mm;@bottom-right{content:counter(page) ' / ' counter(pages);"
    "font-size:8pt}}@page landscape{size:A4 landscape}"
    "body{font-family:sans-serif;font-size:10pt}"
    "h2{break-after:avoid}section.wide{page:landscape}section.methodology{break-before:page}"
    "table{border-collapse:collapse;margin-bottom:1em;table-layout:fixed;max-width:100%}"
    "thead{display:table-header-group}tr{break-inside:avoid}"
    "th,td{border:1px solid #999;padding:2pt 6pt;text-align:left;overflow-wrap:break-word}"
    "td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}"
)
# A table with more columns than this gets a landscape page of its own (the territory).
PORTRAIT_COLUMNS = 4


def _is_number(cell: str) -> bool:
    return bool(cell) and cell.replace(".", "").replace(",", "").replace("—", "").isdigit()


def to_html(report: dict[str, Any]) -> str:
    """The report as HTML for the PDF: tables that fit the page (a landscape page for the wide
    ones, headers repeated on every page, numbers right-aligned) and the methodology page."""
    title, period, methodology = _("Impact report"), _("Period"), _("Methodology")
    parts = [
        "<!doctype html><html lang='it'><head><meta charset='utf-8'><style>",
        PDF_STYLE,
        "</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(period)}: {escape(period_label(report))}</p>",
    ]
    for title, header, rows in sections(report):
        wide = len(header) > PORTRAIT_COLUMNS
        parts.append(f"<section class='{'wide' if wide else 'portrait'}'>")
        parts.append(f"<h2>{escape(title)}</h2><table{' style=width:100%' if wide else ''}>")
        parts.append("<thead><tr>")
        parts += [f"<th>{escape(h)}</th>" for h in header]
        parts.append("</tr></thead><tbody>")
        for row in rows:
            parts.append(
                "<tr>"
                + "".join(
                    f"<td class='n'>{escape(c)}</td>" if _is_number(c) else f"<td>{escape(c)}</td>"
                    for c in row
                )
                + "</tr>"
            )
        parts.append("</tbody></table></section>")
    parts.append(f"<section class='methodology'><h2>{escape(methodology)}</h2><ul>")
    parts += [f"<li>{escape(str(rule))}</li>" for rule in METHODOLOGY]
    parts.append("</ul></section></body></html>")
    return "".join(parts)


def to_pdf(report: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    return HTML(string=to_html(report)).write_pdf()
