"""What a committee decision (or its riesame) would do, before it is recorded: how many
applications are admitted, how many not selected, and the money their requests take of the call's
budget. The confirmation page, the service's record and the API all read it from here."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from insieme.calls.models import Application, ApplicationStatus, Call, QuestionKind
from insieme.core.decimals import CENT

# The outcomes of a committee decision; a riesame moves applications between them.
DECIDED = (ApplicationStatus.ACCOMPANIED, ApplicationStatus.NOT_SELECTED)


def requested(application: Application) -> Decimal | None:
    """The amount the application asks of the call: its answers to the questions of its form
    marked as the amount requested (`requested_amount` in the frozen schema); None when its form
    asks for none or it left them empty."""
    version = application.form_version
    if version is None:
        return None
    total, asked = Decimal(0), False
    for question in version.questions():
        if question.get("kind") != QuestionKind.MONEY or not question.get("requested_amount"):
            continue
        value = (application.answers or {}).get(question["key"])
        if value in (None, ""):
            continue
        try:
            total += Decimal(str(value))
        except InvalidOperation:
            continue
        asked = True
    return total.quantize(CENT) if asked else None


@dataclass
class Outcome:
    """The outcomes a decision gives and the budget they use."""

    call: Call
    admitted: list[Application]
    not_selected: list[Application]
    # Applications admitted without an amount requested (their form asks for none).
    without_request: list[Application] = field(default_factory=list)
    requested: Decimal = Decimal("0.00")

    @property
    def budget(self) -> Decimal | None:
        return self.call.budget

    @property
    def left(self) -> Decimal | None:
        return None if self.budget is None else self.budget - self.requested

    @property
    def over_budget(self) -> bool:
        return self.budget is not None and self.requested > self.budget

    @property
    def excess(self) -> Decimal:
        """How much the requests exceed the budget (zero when they do not)."""
        return max(-(self.left or Decimal(0)), Decimal(0)).quantize(CENT)


def outcome(call: Call, admitted: list[Application], others: list[Application]) -> Outcome:
    """The decision that admits `admitted` and does not select `others`."""
    result = Outcome(call=call, admitted=list(admitted), not_selected=list(others))
    for application in result.admitted:
        amount = requested(application)
        if amount is None:
            result.without_request.append(application)
        else:
            result.requested += amount
    return result
