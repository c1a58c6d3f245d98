"""`{{ amount|eur }}` and `{{ value|number }}`: money and decimals in the one style of
`insieme.core.money` ("€ 60.000,00", "7,95")."""

from django import template

from insieme.core import money

register = template.Library()


@register.filter(is_safe=True)
def eur(value):
    return money.eur(value)


@register.filter(is_safe=True)
def number(value, places=None):
    return money.number(value, None if places in (None, "") else int(places))
