from insieme.core.fiscal_code import check_digit
from insieme.network.models import Organisation, OrganisationMember


def partita_iva(n: int) -> str:
    first_ten = f"{n:010d}"
    return f"{first_ten}{check_digit(first_ten)}"


def organisation(name: str = "Cooperativa Sociale Il Pane", n: int = 1, **extra) -> Organisation:
    return Organisation.objects.create(fiscal_code=partita_iva(n), name=name, **extra)


def member(org: Organisation, user) -> OrganisationMember:
    return OrganisationMember.objects.create(organisation=org, user=user)
