"""Notices: written when an event is delivered (`subscribers`), read and marked as read by their
recipient, sent on by e-mail and SMS as each user chose (`Preference`)."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from insieme.core.tasks import send_email
from insieme.notices import sms
from insieme.notices.models import DEFAULT_EMAIL_KINDS, Kind, Notice, Preference


@dataclass(frozen=True)
class Draft:
    """A notice to write: who hears of the event, what it says and where it leads.

    `email` is False where the domain already writes to that person about the event itself (the
    invitation, the outcome letter): the notice centre has it, a second e-mail would not help."""

    user: Any
    text: str
    url: str = ""
    email: bool = True
    sms: bool = False


def preference_for(user: Any) -> Preference:
    """The user's saved choices, or the defaults (not saved)."""
    try:
        return user.notice_preference
    except Preference.DoesNotExist:
        return Preference(user=user, email_kinds=[str(k) for k in DEFAULT_EMAIL_KINDS])


def phone_for(user: Any, preference: Preference) -> str:
    person = getattr(user, "person", None)  # the person's own account: their registry record
    return (getattr(person, "phone", "") or preference.phone or "").strip()


def absolute(url: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url


def write(*, event: str, kind: Kind, drafts: Iterable[Draft], actor_id: int | None) -> list[Notice]:
    """One notice per recipient (never to whoever made the change, nor twice to anyone), each
    sent on through the channels its recipient chose, once the transaction commits."""
    written: list[Notice] = []
    seen: set[int] = set()
    for draft in drafts:
        user = draft.user
        if user is None or not user.is_active or user.pk == actor_id or user.pk in seen:
            continue
        seen.add(user.pk)
        notice = Notice.objects.create(
            recipient=user, event=event, kind=kind, text=draft.text[:300], url=draft.url
        )
        written.append(notice)
        preference = preference_for(user)
        if draft.email and str(kind) in preference.email_kinds and user.email:
            _email(notice, user.email)
        if draft.sms and preference.sms_reminders and (number := phone_for(user, preference)):
            _sms(number, f"Insieme: {notice.text}")
    return written


def _sms(number: str, text: str) -> None:
    transaction.on_commit(lambda: sms.send_sms.enqueue(to=number, text=text))


def _email(notice: Notice, to: str) -> None:
    subject = f"[Insieme] {notice.text}"[:200]
    body = render_to_string(
        "notices/email/notice.txt",
        {"notice": notice, "link": absolute(notice.url), "site_url": settings.SITE_URL},
    )
    transaction.on_commit(lambda: send_email.enqueue(subject=subject, body=body, to=[to]))


def mark_read(*, user: Any, notice_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices read (those of `notice_ids`, or all); how many were unread."""
    notices = Notice.objects.filter(recipient=user).unread()
    if notice_ids is not None:
        notices = notices.filter(pk__in=list(notice_ids))
    return notices.update(read_at=timezone.now())


def save_preference(
    *, user: Any, email_kinds: list[str], sms_reminders: bool, phone: str, weekly_digest: bool
) -> Preference:
    preference, _created = Preference.objects.update_or_create(
        user=user,
        defaults={
            "email_kinds": sorted(email_kinds),
            "sms_reminders": sms_reminders,
            "phone": phone,
            "weekly_digest": weekly_digest,
        },
    )
    return preference
