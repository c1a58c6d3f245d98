import datetime
import itertools

import factory
from codicefiscale import codicefiscale

from insieme.core.models import Comune
from insieme.people.models import Person

_dates = itertools.count()


def code_for(last_name: str, first_name: str, sex: str, birth_date: datetime.date) -> str:
    return codicefiscale.encode(
        lastname=last_name,
        firstname=first_name,
        gender=sex,
        birthdate=birth_date.strftime("%d/%m/%Y"),
        birthplace="A944",
    )


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    last_name = factory.Sequence(lambda n: f"Cognome{chr(65 + n % 26)}{n}")
    first_name = "Maria"
    sex = "F"
    # A different birth date for each person keeps the generated codes unique.
    birth_date = factory.LazyFunction(
        lambda: datetime.date(1970, 1, 1) + datetime.timedelta(days=next(_dates))
    )
    fiscal_code = factory.LazyAttribute(
        lambda p: code_for(p.last_name, p.first_name, p.sex, p.birth_date)
    )
    residence_comune = factory.LazyFunction(lambda: Comune.objects.get(pk="037006"))
