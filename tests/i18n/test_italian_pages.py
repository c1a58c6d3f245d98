"""Every page every role of the cast may open, read in Italian: no English may be left in it.

The pages are those of the authorization matrix (tests/security/matrix.py): every URL pattern
whose GET answers 200 to a role, opened as that role on the objects of its world
(tests/security/world.py), which is built once for the module; and every form posted empty, as
the first role whose POST answers 200, so that its error messages are read too. What counts as English is in
tests/i18n/english.py. An answer that is not a page a person reads (API data, files) is named in
NOT_READ with the reason; any other kind of answer fails the test, so that nothing is skipped
without saying so.
"""

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from tests.i18n.english import find_english, visible_text
from tests.security import test_authorization_matrix
from tests.security.patterns import all_patterns, url_for
from tests.security.test_authorization_matrix import expected_rows
from tests.security.world import ROLES

# Answers that are no page, by content type, and why their words are not checked here.
NOT_READ = {
    "application/json": "API data: its keys and codes are English by contract (docs/api.md)",
    "application/pdf": "documents: their templates are pages of this check's kind, see PDF_PAGES",
    "text/javascript": "the admin's JavaScript catalogue (jsi18n)",
    "application/octet-stream": "a file a person uploaded, given back as it was",
    "text/calendar": "a calendar feed for calendar apps: its titles are the appointments' own "
    "Italian labels (a test of the feed itself is still to be written)",
}

# Not read here, each for its reason:
# - the API (token-authenticated) answers JSON for programs; its messages are the services' lazy
#   messages, the same ones the pages show;
# - the Django admin (administrators only, a technical tool): its words are Django's and the
#   libraries' (Django 6.1's admin has msgids its Italian catalogue does not have yet, django-
#   auditlog writes "3 changes: ..." in English, permission names are stored in English). It is
#   left to a later issue, not pretended Italian.
NOT_READ_PATTERNS = {
    "API": lambda p: p.api,
    "admin": lambda p: p.key.startswith("admin:") or p.route.startswith("admin/"),
}
PATTERNS = [p for p in all_patterns() if not any(skip(p) for skip in NOT_READ_PATTERNS.values())]
PAGES = [
    ("GET", pattern, role)
    for pattern in PATTERNS
    for role in ROLES
    if expected_rows(pattern.key).get("GET", {}).get(role) == "200"
]
for pattern in PATTERNS:
    posting = [r for r in ROLES if expected_rows(pattern.key).get("POST", {}).get(r) == "200"]
    if posting:
        PAGES.append(("POST", pattern, posting[0]))


# The world of the authorization matrix, built once per module.
world = test_authorization_matrix.world


def read(world, method: str, pattern, role: str) -> tuple[int, str, bytes]:
    client = Client(raise_request_exception=False, headers={"Accept-Language": "it"})
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    with transaction.atomic():
        url = url_for(world, role, pattern)
        response = client.post(url, {}) if method == "POST" else client.get(url)
        transaction.set_rollback(True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "").partition(";")[0].strip()
    return response.status_code, kind, body


@pytest.mark.django_db
def test_every_page_of_every_role_is_in_italian(world):
    problems: dict[str, list[str]] = {}
    read_pages = 0
    for method, pattern, role in PAGES:
        status, kind, body = read(world, method, pattern, role)
        where = f"{method} {pattern.key} as {role}"
        if status != 200:
            problems[where] = [f"answered {status}, the matrix says 200"]
        elif kind in {"text/html", "text/csv", "text/plain"}:
            read_pages += 1
            text = body.decode()
            pieces = visible_text(text) if kind == "text/html" else text.splitlines()
            found = find_english(pieces)
            if found:
                problems[where] = sorted({str(f) for f in found})
        elif kind not in NOT_READ:
            problems[where] = [f"a {kind!r} answer: read it here or say in NOT_READ why not"]
    assert read_pages > 500, f"only {read_pages} pages read"
    report = "\n".join(
        f"{where}:\n  " + "\n  ".join(lines) for where, lines in sorted(problems.items())
    )
    assert not problems, f"English in {len(problems)} pages:\n{report}"


# Every e-mail template, with what its sender gives it (built from the world).
def _appointment_details(interview):
    import dataclasses
    import datetime

    from django.utils import timezone

    from insieme.employment.appointments import interview_details

    return dataclasses.replace(
        interview_details(interview),
        start=timezone.make_aware(datetime.datetime.combine(interview.date, datetime.time(10))),
        video_url="https://meet.example.org/colloquio",
        cancel_reason="Sportello chiuso",
    )


def _mail_contexts(world) -> dict[str, dict]:
    from decimal import Decimal

    from insieme.employment.reminders import Reminders
    from insieme.evaluations.feedback import CriterionResult, Feedback

    objects = world.objects
    application = objects["application"]
    person = objects["person"]
    requirement = application.call.eligibility_items.first()
    return {
        "accounts/email/invitation.txt": {
            "user": world.users["op"],
            "inviter": world.users["adm"],
            "roles": ["Operatore"],
            "url": "https://insieme.example/invito/",
        },
        "calls/email/submitted.txt": {"application": application},
        "calls/email/eligible.txt": {"application": application},
        "calls/email/ineligible.txt": {
            "application": application,
            "failed": [(requirement, "Manca la visura camerale")],
        },
        "calls/email/information_request.txt": {
            "application": application,
            "request": objects["info_request"],
            "url": "/bandi/candidature/1/",
        },
        # Not selected, with the feedback (the admitted wording is a subset of the same text).
        "evaluations/email/outcome.txt": {
            "application": application,
            "admitted": False,
            "feedback": Feedback(
                application=application,
                total=Decimal("61.20"),
                out_of=Decimal(100),
                criteria=[
                    CriterionResult(
                        criterion=application.call.criteria.first(), points=Decimal("36.00")
                    )
                ],
                note="Progetto interessante ma poco sostenibile.",
                position=3,
                ranked=5,
            ),
        },
        "employment/email/signed_up.txt": {"person": person, "target_days": 10},
        "employment/email/already_signed_up.txt": {"person": person},
        "employment/email/duplicate_sign_up_office.txt": {
            "registration": objects["registration"],
            "person": objects["registration"].person,
            "submitted": {"first_name": "Maria", "last_name": "Rossi", "email": "", "phone": ""},
        },
        "employment/email/interview_booked.txt": {
            "person": person,
            "interview": objects["interview"],
        },
        "employment/email/vacancy.txt": {"person": person, "vacancy": objects["vacancy"]},
        # Moved, with every line (video link, reason); the other kinds are subsets of it.
        "employment/email/appointment.txt": {
            "details": _appointment_details(objects["interview"]),
            "what": "rescheduled",
            "url": "https://insieme.example/persone/mio-profilo/appuntamenti/",
        },
        "employment/email/digest.txt": {
            "operator": world.users["op"],
            "reminders": Reminders(
                overdue_contacts=[objects["registration"]],
                follow_ups=[objects["follow_up"]],
                actions=[objects["action"]],
            ),
        },
        "notices/email/notice.txt": {
            "notice": objects["notice"],
            "link": "http://127.0.0.1:8000/candidature/",
        },
        "notices/email/digest.txt": {
            "user": world.users["op"],
            "notices": [(objects["notice"], "http://127.0.0.1:8000/candidature/")],
            "centre": "http://127.0.0.1:8000/avvisi/",
        },
    }


@pytest.mark.django_db
def test_every_email_is_in_italian(world):
    from pathlib import Path

    from django.template.loader import render_to_string
    from django.utils import translation

    templates = Path(settings.BASE_DIR) / "templates"
    found = {str(p.relative_to(templates)) for p in templates.glob("*/email/*.txt")}
    contexts = _mail_contexts(world)
    assert found == set(contexts), "give every e-mail template its context here"
    problems = {}
    with translation.override("it"):
        for name, context in contexts.items():
            body = render_to_string(name, {**context, "site_url": "https://insieme.example"})
            found_english = find_english(body.splitlines())
            if found_english:
                problems[name] = sorted({str(f) for f in found_english})
    assert not problems, problems


@pytest.mark.django_db
def test_the_account_emails_are_in_italian(world, mailoutbox):
    """The e-mails allauth writes: sign-up confirmation, password reset, reset of an unknown
    address (its templates and subjects are allauth's own, in its catalogue)."""
    client = Client(headers={"Accept-Language": "it"})
    with transaction.atomic():
        client.post(
            reverse("account_signup"),
            {"email": "nuova@matrice.example", "password1": PASSWORD, "password2": PASSWORD},
        )
        client.post(reverse("account_reset_password"), {"email": world.users["app"].email})
        client.post(reverse("account_reset_password"), {"email": "nessuno@matrice.example"})
        transaction.set_rollback(True)
    assert len(mailoutbox) == 3, [m.subject for m in mailoutbox]
    problems = {
        message.subject: sorted({str(f) for f in found})
        for message in mailoutbox
        if (found := find_english([message.subject, *message.body.splitlines()]))
    }
    assert not problems, problems
