"""Who may sign up to the employment services, declared as data.

Each rule names what it checks, the answer that fails it and what to tell a person who does not
meet it. Changing the programme's eligibility means editing this list, not the views.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from insieme.core.models import Comune


@dataclass(frozen=True)
class Answers:
    comune: Comune
    other_measure: bool


@dataclass(frozen=True)
class Rule:
    code: str
    label: str | Promise
    passes: Callable[[Answers], bool]
    refusal: str | Promise
    advice: str | Promise = ""


RULES: list[Rule] = [
    Rule(
        code="metropolitan_residence",
        label=_("You live in the Città metropolitana di Bologna"),
        passes=lambda answers: answers.comune.is_metropolitan,
        refusal=_(
            "The programme is for people who live in one of the 55 comuni of the Città "
            "metropolitana di Bologna."
        ),
        advice=_(
            "The employment centre (Centro per l'impiego) of the place where you live can help you."
        ),
    ),
    Rule(
        code="no_other_measure",
        label=_("You are not taking part in another labour-policy programme"),
        passes=lambda answers: not answers.other_measure,
        refusal=_(
            "You cannot take part in two labour-policy programmes at the same time (for example "
            "GOL or Garanzia Giovani)."
        ),
        advice=_(
            "When your current programme ends you can sign up here. Your employment centre can "
            "tell you when."
        ),
    ),
]


@dataclass(frozen=True)
class Assessment:
    failed: list[Rule] = field(default_factory=list)

    @property
    def eligible(self) -> bool:
        return not self.failed


def assess(answers: Answers, rules: list[Rule] | None = None) -> Assessment:
    return Assessment(failed=[rule for rule in (rules or RULES) if not rule.passes(answers)])
