"""Forms of the dashboard (its filters, as GET parameters) and of the web import."""

import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from insieme.calls.models import Call, Line
from insieme.core.models import District
from insieme.grants.models import Fund, Grant
from insieme.impact.figures import Filters
from insieme.network.models import Organisation

AREA_DECENTRALISED = "decentrata"
AREA_BOLOGNA = "bologna"
# The GET parameters the filters use, so that drill-down links can carry them along.
FILTER_PARAMS = ("da", "a", "linea", "bando", "finanziatore", "fondo", "distretto", "area")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DashboardFilterForm(forms.Form):
    """The scope of the figures. Every field is optional: empty means "everything"."""

    da = forms.DateField(label=_("From"), required=False, widget=DateInput())
    a = forms.DateField(label=_("To"), required=False, widget=DateInput())
    linea = forms.ChoiceField(
        label=_("Line"), required=False, choices=[("", _("Both lines")), *Line.choices]
    )
    bando = forms.ModelChoiceField(
        label=_("Call"), required=False, queryset=Call.objects.all(), empty_label=_("All calls")
    )
    finanziatore = forms.ModelChoiceField(
        label=_("Funder"),
        required=False,
        queryset=Organisation.objects.filter(is_funder=True),
        empty_label=_("All funders"),
    )
    fondo = forms.ModelChoiceField(
        label=_("Fund"),
        required=False,
        queryset=Fund.objects.select_related("funder"),
        empty_label=_("All funds"),
    )
    distretto = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.all(),
        empty_label=_("All districts"),
    )
    area = forms.ChoiceField(
        label=_("Area"),
        required=False,
        choices=[
            ("", _("Whole territory")),
            (AREA_DECENTRALISED, _("Decentralised areas")),
            (AREA_BOLOGNA, _("Bologna")),
        ],
    )

    error_messages = {
        "inverted_period": _(
            "The start of the period (%(start)s) comes after its end (%(end)s): swap the two dates."
        ),
    }

    def __init__(self, *args: Any, funder: Organisation | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.funder = funder
        if funder is not None:
            # A funder's figures are always those of its own funds.
            del self.fields["finanziatore"]
            fund_field = self.fields["fondo"]
            assert isinstance(fund_field, forms.ModelChoiceField)
            fund_field.queryset = Fund.objects.filter(funder=funder)
            # nor does it learn which other calls exist
            call_field = self.fields["bando"]
            assert isinstance(call_field, forms.ModelChoiceField)
            call_field.queryset = Call.objects.filter(
                pk__in=Grant.objects.filter(funder=funder).values("application__call")
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("da"), data.get("a")
        if start and end and start > end:
            raise ValidationError(
                self.error_messages["inverted_period"],
                code="inverted_period",
                params={"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
            )
        return data

    def filters(self) -> Filters:
        """The engine's filters; call after `is_valid()` (invalid input counts everything)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        area = data.get("area")
        funder = self.funder or data.get("finanziatore")
        return Filters(
            date_from=data.get("da"),
            date_to=data.get("a"),
            line=data.get("linea") or None,
            call=data["bando"].pk if data.get("bando") else None,
            funder=funder.pk if funder else None,
            fund=data["fondo"].pk if data.get("fondo") else None,
            district=data["distretto"].pk if data.get("distretto") else None,
            decentralised={AREA_DECENTRALISED: True, AREA_BOLOGNA: False}.get(area or ""),
        )


def filter_query(filters: Filters, **overrides: Any) -> dict[str, str]:
    """The GET parameters that give `filters` (with `overrides` applied), for links."""
    values: dict[str, Any] = {
        "da": filters.date_from,
        "a": filters.date_to,
        "linea": filters.line,
        "bando": filters.call,
        "finanziatore": filters.funder,
        "fondo": filters.fund,
        "distretto": filters.district,
        "area": {True: AREA_DECENTRALISED, False: AREA_BOLOGNA}.get(filters.decentralised)
        if filters.decentralised is not None
        else None,
    }
    values.update(overrides)
    query = {}
    for key, value in values.items():
        if value is None or value == "":
            continue
        query[key] = value.isoformat() if isinstance(value, datetime.date) else str(value)
    return query


class WorkbookUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Programme workbook"),
        help_text=_("An .xlsx file, or a .zip of CSV files named after the sheets."),
    )

    error_messages = {
        "bad_extension": _(
            "“%(name)s” is neither an .xlsx file nor a .zip of CSV files: save the workbook "
            "as .xlsx (Excel or LibreOffice: Save as…) and upload it again."
        ),
    }

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name or ""
        if not name.lower().endswith((".xlsx", ".zip")):
            raise ValidationError(
                self.error_messages["bad_extension"], code="bad_extension", params={"name": name}
            )
        return upload
