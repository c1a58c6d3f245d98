"""The applicant reads a question's limits in the browser and is told, in Italian, when an answer
goes beyond them."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from playwright.sync_api import Page, expect

from conftest import make_user
from insieme.accounts.models import Role
from insieme.calls.models import FormSection, Question, QuestionKind
from insieme.calls.tests.helpers import make_call, start
from insieme.core.money import eur
from tests.browser.test_calls_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_applicant_reads_the_limits_and_cannot_ask_more_than_the_maximum(
    live_server, page: Page, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    call = make_call(max_request=Decimal("10000"))
    Question.objects.create(
        section=FormSection.objects.get(call=call),
        position=5,
        label="Contributo richiesto",
        kind=QuestionKind.MONEY,
        required=True,
        min_value=Decimal("1000"),
        requested_amount=True,
    )
    applicant = make_user("ponte@example.org", Role.APPLICANT, first_name="Lucia")
    draft = start(call, applicant)

    page.goto(live_server.url + "/accounts/login/")
    log_in(page, applicant.email)
    page.goto(live_server.url + f"/candidature/{draft.pk}/")
    amount = page.get_by_label("Contributo richiesto")
    expect(amount).to_have_attribute("max", "10000.00")
    expect(
        page.get_by_text(f"Da {eur(Decimal('1000'))} a {eur(Decimal('10000'))}.")
    ).to_be_visible()
    expect(page.get_by_text("File accettati:")).to_be_visible()

    amount.fill("15000")
    status = page.locator("#draft-status")
    expect(status).to_contain_text(
        "Contributo richiesto: L'importo massimo richiedibile per questo bando è "
        f"{eur(Decimal('10000'))}: chiedi al massimo questo importo."
    )
    amount.fill("9500")
    expect(status).not_to_contain_text("importo massimo richiedibile")
    draft.refresh_from_db()
    key = Question.objects.get(label="Contributo richiesto").key
    assert draft.answers[key] == "9500"
