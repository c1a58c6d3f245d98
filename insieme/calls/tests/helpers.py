"""Builders shared by the calls and evaluations tests."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from insieme.calls import services
from insieme.calls.models import (
    Application,
    Call,
    Criterion,
    EligibilityItem,
    FormSection,
    Line,
    Question,
    QuestionKind,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PERSON_CODE = "RSSMRA80A01A944I"
ORG_CODE = "01234567897"


def make_call(code="IS-2026", *, opens_at=None, closes_at=None, published=True, **extra) -> Call:
    now = timezone.now()
    call = Call.objects.create(
        code=code,
        title=extra.pop("title", "Innovazione sociale 2026"),
        line=extra.pop("line", Line.SOCIAL_INNOVATION),
        edition=2026,
        opens_at=opens_at or now - timedelta(days=10),
        closes_at=closes_at or now + timedelta(days=10),
        max_admitted=extra.pop("max_admitted", 2),
        published_at=now if published else None,
        **extra,
    )
    section = FormSection.objects.create(call=call, position=1, title="Il progetto")
    Question.objects.create(
        section=section,
        position=1,
        label="Descrizione",
        kind=QuestionKind.LONG_TEXT,
        required=True,
        max_length=500,
    )
    Question.objects.create(
        section=section, position=2, label="Costo totale", kind=QuestionKind.MONEY
    )
    Question.objects.create(
        section=section, position=3, label="Persone coinvolte", kind=QuestionKind.NUMBER
    )
    Question.objects.create(
        section=section,
        position=4,
        label="Piano economico",
        kind=QuestionKind.FILE,
        required=True,
    )
    EligibilityItem.objects.create(call=call, position=1, text="Sede nella Città metropolitana")
    EligibilityItem.objects.create(call=call, position=2, text="Iscrizione al RUNTS")
    Criterion.objects.create(
        call=call, position=1, name="Impatto sociale", weight=Decimal(60), max_score=Decimal(10)
    )
    Criterion.objects.create(
        call=call, position=2, name="Sostenibilità", weight=Decimal(40), max_score=Decimal(5)
    )
    return call


def questions(call: Call) -> dict[str, str]:
    """Label -> answer key of a call's questions."""
    return {q.label: q.key for q in Question.objects.filter(section__call=call)}


def start(call: Call, user, *, organisation=False, title="Orto sociale") -> Application:
    if organisation:
        return services.start_application(
            call,
            by=user,
            title=title,
            as_organisation=True,
            fiscal_code=ORG_CODE,
            organisation_name="Associazione Il Ponte",
            legal_form="associazione",
        )
    return services.start_application(
        call,
        by=user,
        title=title,
        as_organisation=False,
        fiscal_code=PERSON_CODE,
        first_name="Mario",
        last_name="Rossi",
    )


def complete(application: Application, user) -> Application:
    keys = questions(application.call)
    services.save_answers(application, {keys["Descrizione"]: "Un orto condiviso"}, by=user)
    services.attach_file(
        application,
        keys["Piano economico"],
        SimpleUploadedFile("piano.pdf", PDF_BYTES, content_type="application/pdf"),
        by=user,
    )
    application.refresh_from_db()
    return application


def submitted(call: Call, user, **kwargs) -> Application:
    application = complete(start(call, user, **kwargs), user)
    return services.submit_application(application, by=user)


def eligible(call: Call, user, operator, **kwargs) -> Application:
    application = submitted(call, user, **kwargs)
    results = [(item, True, "") for item in call.eligibility_items.all()]
    return services.record_screening(application, results, by=operator)


def close(call: Call) -> Call:
    """The call's deadline moved into the past (the committee decides only on a closed call)."""
    now = timezone.now()
    Call.objects.filter(pk=call.pk).update(
        opens_at=now - timedelta(days=20), closes_at=now - timedelta(minutes=1)
    )
    call.refresh_from_db()
    return call
