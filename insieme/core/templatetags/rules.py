"""`{% can "application.withdraw" application as decision %}`: the gate's answer in a template.

The decision is true when the action is allowed; `decision.reason` says why not, for a
disabled button's explanation. Templates never restate a rule.
"""

from django import template

from insieme.core import rules

register = template.Library()


@register.simple_tag(takes_context=True)
def can(context, name: str, obj=None) -> rules.Decision:
    return rules.can(context["request"].user, name, obj)
