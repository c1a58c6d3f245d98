"""The form's limits through the API: the same refusal as the page, the call's maximum shown."""

from decimal import Decimal

from insieme.calls import services
from insieme.calls.models import Application, ApplicationStatus, FormSection, Question, QuestionKind
from insieme.calls.tests.helpers import complete, make_call, questions, start
from insieme.core.money import eur


def test_submitting_above_the_calls_maximum_is_refused_with_the_limit(cast, api_as):
    applicant, operator = cast["applicant"], cast["operator"]
    call = make_call()
    Question.objects.create(
        section=FormSection.objects.get(call=call),
        position=5,
        label="Contributo richiesto",
        kind=QuestionKind.MONEY,
        requested_amount=True,
    )
    draft = complete(start(call, applicant), applicant)
    key = questions(call)["Contributo richiesto"]
    # asked while the call had no maximum; the office sets it before any submission
    assert services.save_answers(draft, {key: "15000"}, by=applicant) == {}
    call.max_request = Decimal("10000")
    services.save_call(call, by=operator)

    response = api_as(applicant, scopes=("read", "write")).post(f"applications/{draft.pk}/submit")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "incomplete"
    assert "Correggi «Contributo richiesto»" in body["message"]
    assert (
        f"L'importo massimo richiedibile per questo bando è {eur(Decimal('10000'))}"
        in (body["message"])
    )
    assert Application.objects.get(pk=draft.pk).status == ApplicationStatus.DRAFT


def test_a_call_tells_its_maximum_request(cast, api_as):
    call = make_call(max_request=Decimal("10000"))
    body = api_as(cast["applicant"]).get(f"calls/{call.pk}").json()
    assert body["max_request"] == "10000.00"
    assert (
        api_as(cast["applicant"]).get(f"calls/{make_call('ALTRO').pk}").json()["max_request"]
        is None
    )
