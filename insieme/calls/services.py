"""Write services of calls and applications: every change of state goes through here."""

from datetime import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from insieme.calls import events, limits
from insieme.calls.models import (
    Application,
    Attachment,
    Call,
    EligibilityCheck,
    FormSection,
    FormVersion,
    InformationRequest,
    Question,
    QuestionKind,
    new_draft_code,
)
from insieme.calls.schema import answers_form_class, is_empty, schema_of, to_json
from insieme.core import rules, uploads
from insieme.core.audit import log_event, service
from insieme.core.tasks import send_email
from insieme.network.models import LegalForm, Organisation, OrganisationMember
from insieme.people.models import Person


def notify(*, to: str | None, subject: Any, template: str, context: dict) -> None:
    """Send an e-mail once the transaction commits (nothing is sent for a rolled-back change)."""
    if not to:
        return
    subject = str(subject)  # in the language of the moment: the task takes plain JSON
    body = render_to_string(template, {**context, "site_url": settings.SITE_URL})
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[to]))


def contact_email(application: Application) -> str | None:
    if application.owner is not None:
        return application.owner.email
    person = application.applicant_person
    return person.email if person is not None and person.email else None


# Calls and their forms ----------------------------------------------------------------------


@service
def publish_call(call: Call, *, by) -> Call:
    """Publish a call whose dates, form and criteria are set (the guards of "call.publish")."""
    return rules.transition(call, "call.publish", by=by, published_at=timezone.now())  # type: ignore[return-value]


def ensure_form_editable(call: Call, *, by) -> None:
    rules.require(by, "call.edit_form", call)


def ensure_list_editable(call: Call, kind: str, *, by) -> None:
    """Requirements already checked and criteria already scored are part of decisions taken:
    changing or deleting them would rewrite those decisions."""
    rules.require(by, "call.edit_lists", call)
    if kind == "requisiti" and call.eligibility_items.filter(checks__isnull=False).exists():
        raise ValidationError(
            _(
                "The eligibility requirements can no longer be changed: applications have "
                "already been screened against them."
            ),
            code="items_used",
        )
    if kind == "documenti" and call.form_is_frozen:
        # The documents are questions of the form (schema.schema_of): frozen with it.
        raise ValidationError(
            _(
                "The required documents can no longer be changed: applications have already "
                "been submitted with them."
            ),
            code="documents_frozen",
        )
    if kind == "criteri" and call.criteria.filter(scores__isnull=False).exists():
        raise ValidationError(
            _(
                "The evaluation criteria can no longer be changed: evaluators have already "
                "scored with them."
            ),
            code="criteria_used",
        )


@service
def save_call(call: Call, *, by) -> Call:
    """Create or change a call (its dates and texts; publishing is `publish_call`).

    The maximum request is a limit of the form's answers: once the form is frozen it stays as
    the applications were submitted with it (the gate's "call.edit_form")."""
    rules.require(by, "call.edit" if call.pk else "call.create", call)
    call.clean()
    if call.pk is not None:
        before = Call.objects.filter(pk=call.pk).values_list("max_request", flat=True).first()
        if before != call.max_request and not rules.can(by, "call.edit_form", call):
            raise ValidationError(
                {
                    "max_request": ValidationError(
                        _(
                            "The maximum request can no longer be changed: applications have "
                            "already been submitted with it."
                        ),
                        code="form_frozen",
                    )
                }
            )
    call.save()
    return call


@service
def save_call_list(call: Call, kind: str, formset: Any, *, by) -> None:
    """Save the rows of one of a call's lists (requirements, documents, criteria, FAQ)."""
    ensure_list_editable(call, kind, by=by)
    formset.save()


@service
def save_form_item(item: FormSection | Question, *, by) -> Any:
    """Add or change a section or a question of a call's form, until the form is frozen."""
    call = item.call if isinstance(item, FormSection) else item.section.call
    ensure_form_editable(call, by=by)
    item.full_clean()
    item.save()
    return item


@service
def delete_form_item(item: FormSection | Question, *, by) -> None:
    call = item.call if isinstance(item, FormSection) else item.section.call
    ensure_form_editable(call, by=by)
    if isinstance(item, FormSection) and item.questions.exists():
        raise ValidationError(_("Delete the section's questions first."), code="section_not_empty")
    item.delete()


def current_form_version(call: Call) -> FormVersion:
    """The version applicants answer now: a new one when the definition has changed."""
    latest = call.form_versions.order_by("-number").first()
    if call.form_is_frozen and latest is not None:
        return latest
    schema = schema_of(call)
    if latest is not None and latest.schema == schema:
        return latest
    return FormVersion.objects.create(
        call=call, number=(latest.number + 1) if latest else 1, schema=schema
    )


# The applicant's side -----------------------------------------------------------------------


@service
def start_application(
    call: Call,
    *,
    by,
    title: str,
    as_organisation: bool,
    fiscal_code: str,
    first_name: str = "",
    last_name: str = "",
    organisation_name: str = "",
    legal_form: str = "",
) -> Application:
    """Open a draft for `by`, registering the applicant person or organisation if new."""
    rules.require(by, "call.apply", call)
    application = Application(
        code=new_draft_code(),
        call=call,
        title=title,
        owner=by,
        form_version=current_form_version(call),
    )
    if as_organisation:
        organisation, created = Organisation.objects.get_or_create(
            fiscal_code=fiscal_code,
            defaults={"name": organisation_name, "legal_form": legal_form or LegalForm.OTHER},
        )
        if created:
            log_event(organisation, by=by, event="registered_by_applicant")
        elif organisation.members.exclude(user=by).exists() and not organisation.is_member(by):
            # Someone already acts for it: only the office can add another representative.
            raise ValidationError(
                _(
                    "This organisation is already represented by another account: ask the "
                    "programme office to add you as its representative."
                ),
                code="organisation_represented",
            )
        OrganisationMember.objects.get_or_create(organisation=organisation, user=by)
        application.applicant_organisation = organisation
    else:
        person, created = Person.objects.get_or_create(
            fiscal_code=fiscal_code,
            defaults={"first_name": first_name, "last_name": last_name, "email": by.email},
        )
        if person.account_id is not None:
            # An operator linked the person to their own account after checking who they are:
            # only that account acts for them.
            may_act = person.account_id == by.pk
        else:
            may_act = (
                created
                or person.email.casefold() == by.email.casefold()
                or Application.objects.filter(owner=by, applicant_person=person).exists()
            )
        if not may_act:
            # A code already on file for someone else: typing it must not let an account act
            # for that person (nor show their registry name on this account's receipt).
            raise ValidationError(
                _(
                    "This codice fiscale is already on file with other contact details: ask "
                    "the programme office to link it to your account."
                ),
                code="person_on_file",
            )
        application.applicant_person = person
        if created:
            log_event(person, by=by, event="registered_by_applicant")
    application.save()
    return application


def _ensure_own_draft(application: Application, by) -> None:
    rules.require(by, "application.edit", application)


def refresh_form_version(application: Application) -> None:
    """A draft always answers the call's current form (the frozen one once it is frozen);
    answers follow their questions from one version to the next."""
    if application.is_draft:
        version = current_form_version(application.call)
        if version.pk != application.form_version_id:
            application.form_version = version
            application.save(update_fields=["form_version", "updated_at"])


@service
def save_answers(application: Application, data: Any, *, by) -> dict[str, list[str]]:
    """Save whatever is valid of a draft (autosave); return the errors of the rest. The answers
    are checked against the call's current form (its limits included)."""
    _ensure_own_draft(application, by)
    refresh_form_version(application)
    assert application.form_version is not None
    form = answers_form_class(application.form_version.schema, partial=True)(data=data)
    form.is_valid()
    answers = dict(application.answers)
    for name, field in form.fields.items():
        # A question the request does not carry keeps its answer (a checkbox group always
        # counts as carried: all boxes unticked means "none").
        if field.widget.value_omitted_from_data(data, {}, name):
            continue
        if name in form.cleaned_data:
            answers[name] = to_json(form.cleaned_data[name])
    errors = {name: [str(e) for e in field_errors] for name, field_errors in form.errors.items()}
    title = application.title
    if "title" in data and data["title"].strip():
        length = Application._meta.get_field("title").max_length
        try:
            title = forms.CharField(max_length=length).clean(data["title"])
        except ValidationError as error:
            errors["title"] = error.messages
    if answers != application.answers or title != application.title:
        application.answers, application.title = answers, title
        application.save(update_fields=["answers", "title", "updated_at"])
    return errors


@service
def attach_file(application: Application, question_key: str, upload: UploadedFile, *, by):
    _ensure_own_draft(application, by)
    refresh_form_version(application)
    assert application.form_version is not None
    questions = {q["key"]: q for q in application.form_version.questions() if q["kind"] == "file"}
    if question_key not in questions:
        raise ValidationError(_("This question does not take a file."), code="not_a_file")
    question = questions[question_key]
    try:
        content_type = uploads.check_upload(
            upload,
            accept=[limits.FILE_TYPES[code] for code in limits.accepted_types(question)],
            type_error=_("This type of file is not accepted: upload a file of type %(types)s.")
            % {"types": limits.types_text(question)},
            max_bytes=limits.max_file_bytes(question),
        )
    except ValidationError as error:
        raise ValidationError(
            _("%(question)s: %(error)s"),
            code=error.code,
            params={"question": question["label"], "error": " ".join(error.messages)},
        ) from error
    previous = application.attachments.filter(question_key=question_key).first()
    if previous is not None:
        previous.file.delete(save=False)
        previous.delete()
    return Attachment.objects.create(
        application=application,
        question_key=question_key,
        file=upload,
        original_name=(upload.name or "file")[:200],
        content_type=content_type,
        size=upload.size or 0,
    )


def missing_items(application: Application) -> list[str]:
    """What still prevents submission, as the applicant reads it."""
    assert application.form_version is not None
    schema = application.form_version.schema
    missing = []
    form = answers_form_class(schema, partial=False)(data=application.answers)
    form.is_valid()
    attached = {a.question_key: a for a in application.attachments.all()}
    for section in schema["sections"]:
        for q in section["questions"]:
            if q["kind"] == QuestionKind.FILE:
                attachment = attached.get(q["key"])
                if attachment is None:
                    if q["required"]:
                        missing.append(_("Attach: %(label)s") % {"label": q["label"]})
                elif (problem := attachment_problem(q, attachment)) is not None:
                    missing.append(
                        _("Replace “%(label)s”: %(error)s")
                        % {"label": q["label"], "error": problem}
                    )
            elif q["key"] in form.errors:
                if is_empty(application.answers.get(q["key"])):
                    missing.append(_("Answer: %(label)s") % {"label": q["label"]})
                else:
                    missing.append(
                        _("Correct “%(label)s”: %(error)s")
                        % {
                            "label": q["label"],
                            "error": " ".join(str(e) for e in form.errors[q["key"]]),
                        }
                    )
    return missing


def attachment_problem(question: dict, attachment: Attachment) -> str | None:
    """Why a file attached to a draft no longer fits its question (the form changed since)."""
    if attachment.content_type not in {
        limits.FILE_TYPES[code] for code in limits.accepted_types(question)
    }:
        return _("this type of file is not accepted: upload a file of type %(types)s.") % {
            "types": limits.types_text(question)
        }
    if attachment.size > limits.max_file_bytes(question):
        return _("the file is larger than %(size)s MB.") % {
            "size": limits.max_file_bytes(question) // limits.MB
        }
    return None


def _next_protocol(call: Call) -> str:
    Call.objects.select_for_update().filter(pk=call.pk).first()
    number = call.applications.submitted().count() + 1
    while True:
        code = f"{call.code}-{number:04d}"
        if not Application.objects.filter(code=code).exists():
            return code
        number += 1


@service
def submit_application(application: Application, *, by, now: datetime | None = None):
    """Submit a complete draft before the deadline; it gets its protocol number (`code`).

    The deadline and the completeness are the guards of "application.submit" (calls/rules.py).
    """
    _ensure_own_draft(application, by)
    moment = now or timezone.now()
    call = application.call
    refresh_form_version(application)
    code = _next_protocol(call)
    rules.transition(application, "application.submit", by=by)
    application.code = code
    application.submitted_at = moment
    application.save(update_fields=["code", "submitted_at", "updated_at"])
    if not call.form_is_frozen:
        call.form_frozen_at = moment
        call.save(update_fields=["form_frozen_at", "updated_at"])
    notify(
        to=contact_email(application),
        subject=_("Application %(code)s received") % {"code": application.code},
        template="calls/email/submitted.txt",
        context={"application": application},
    )
    return events.application_submitted(application)


@service
def withdraw_application(application: Application, *, by) -> Application:
    rules.transition(application, "application.withdraw", by=by)
    application.outcome_date = timezone.localdate()
    application.save(update_fields=["outcome_date", "updated_at"])
    return events.outcome_decided(application)


REPLY_FILE_TYPES = [limits.FILE_TYPES[code] for code in limits.FILE_TYPES]


@service
def reply_to_request(
    request: InformationRequest, reply: str, *, by, upload: UploadedFile | None = None
) -> InformationRequest:
    """The applicant's reply, with a file if they send one (any type an attachment may be, up
    to the platform's limit, recognised by its content)."""
    rules.require(by, "information_request.reply", request)
    fields = ["reply", "replied_at"]
    if upload is not None:
        try:
            content_type = uploads.check_upload(
                upload,
                accept=REPLY_FILE_TYPES,
                type_error=_("This type of file is not accepted: upload a file of type %(types)s.")
                % {"types": ", ".join(code.upper() for code in limits.FILE_TYPES)},
            )
        except ValidationError as error:
            raise ValidationError(
                _("The file of the reply: %(error)s"),
                code=error.code,
                params={"error": " ".join(error.messages)},
            ) from error
        request.reply_file = upload  # type: ignore[assignment]
        request.reply_file_name = (upload.name or "file")[:200]
        request.reply_file_type = content_type
        request.reply_file_size = upload.size or 0
        fields += ["reply_file", "reply_file_name", "reply_file_type", "reply_file_size"]
    request.reply = reply
    request.replied_at = timezone.now()
    request.save(update_fields=fields)
    return events.information_request_answered(request)


# The office's side --------------------------------------------------------------------------


@service
def request_information(
    application: Application, *, by, message: str, reply_by: datetime
) -> InformationRequest:
    rules.require(by, "application.request_information", application)
    if reply_by <= timezone.now():
        raise ValidationError(_("The reply deadline must be in the future."), code="past")
    request = InformationRequest.objects.create(
        application=application, message=message, reply_by=reply_by, created_by=by
    )
    notify(
        to=contact_email(application),
        subject=_("Request for information on application %(code)s") % {"code": application.code},
        template="calls/email/information_request.txt",
        context={
            "application": application,
            "request": request,
            "url": reverse("calls:application", args=[application.pk]),
        },
    )
    return events.information_request_sent(request)


@service
def record_screening(
    application: Application, results: list[tuple[Any, bool, str]], *, by
) -> Application:
    """Record the check of every eligibility item; the application becomes eligible or not."""
    rules.require(by, "application.declare_eligible", application)
    items = list(application.call.eligibility_items.all())
    if {item.pk for item, _met, _reason in results} != {item.pk for item in items}:
        raise ValidationError(_("Check every requirement."), code="screening_incomplete")
    for item, met, reason in results:
        if not met and not reason.strip():
            raise ValidationError(
                _("Give the reason why a requirement is not met: %(item)s."),
                code="reason_required",
                params={"item": item.text},
            )
        EligibilityCheck.objects.update_or_create(
            application=application,
            item=item,
            defaults={"met": met, "reason": reason.strip(), "checked_by": by},
        )
    failed = [(item, reason) for item, met, reason in results if not met]
    if failed:
        rules.transition(application, "application.declare_ineligible", by=by)
        application.outcome_date = timezone.localdate()
        application.outcome_reason = "\n".join(f"{item.text}: {reason}" for item, reason in failed)
        application.save(update_fields=["outcome_date", "outcome_reason", "updated_at"])
        events.outcome_decided(application)
        notify(
            to=contact_email(application),
            subject=_("Application %(code)s: not eligible") % {"code": application.code},
            template="calls/email/ineligible.txt",
            context={"application": application, "failed": failed},
        )
    else:
        rules.transition(application, "application.declare_eligible", by=by)
        notify(
            to=contact_email(application),
            subject=_("Application %(code)s: eligible") % {"code": application.code},
            template="calls/email/eligible.txt",
            context={"application": application},
        )
    return application
