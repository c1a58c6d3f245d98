"""Small helpers the employment pages share."""

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, Subquery
from django.db.models.functions import Coalesce

from insieme.employment.forms import operators


def _data(request):
    """The submitted data for a POST (even an empty one), None for a GET: an unbound form."""
    return request.POST if request.method == "POST" else None


def _form_error(form, error: ValidationError) -> None:
    """A service's refusal on the form: by field where the field is on it, else on top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
        return
    for message in error.messages:
        form.add_error(None, message)


def _count(model, **related) -> Coalesce:
    """How many `model` rows relate to each row: a subquery per row shown, not a join and a
    GROUP BY over the whole list (the lists are paginated, so only a page of rows asks)."""
    rows = model._default_manager.filter(**related).order_by().values(*related)
    return Coalesce(
        Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


def _operator_choices() -> list[tuple[str, int, str]]:
    """The assignment form's operators as every row's select lists them (value, pk, name): read,
    named and written once, not 500 times for 25 rows of 20-odd operators (an integer written by
    a template goes through number formatting)."""
    return [(str(user.pk), user.pk, str(user)) for user in operators()]
