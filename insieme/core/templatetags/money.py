"""`{{ amount|eur }}`: money in the one style of `insieme.core.money` ("10.000,00 €")."""

from django import template

from insieme.core import money

register = template.Library()


@register.filter(is_safe=True)
def eur(value):
    return money.eur(value)
