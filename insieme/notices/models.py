from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """What a notice is about: the unit a user chooses channels for."""

    APPOINTMENTS = "appuntamenti", _("Appointments")
    APPLICATIONS = "candidature", _("Applications and calls")
    PROJECTS = "progetti", _("Projects and grants")
    PEOPLE = "persone", _("People followed")


class NoticeQuerySet(models.QuerySet["Notice"]):
    def unread(self) -> "NoticeQuerySet":
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    """Something that happened and matters to one user, shown in their notice centre.

    The text is written when the event is delivered, in Italian, and names records by their codes
    only (no names, no codici fiscali): it is also what the e-mail and the weekly digest say."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
    )
    event = models.CharField(_("event"), max_length=80)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count and the notice centre: one index scan per page.
            models.Index(fields=["recipient", "read_at"], name="notice_recipient_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notice_recipient_recent"),
        ]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """How a user wants to hear of their notices, besides the notice centre (always on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_preference",
    )
    # The kinds of notice also sent by e-mail (a list of Kind values).
    email_kinds = models.JSONField(_("e-mail for"), default=list, blank=True)
    sms_reminders = models.BooleanField(_("SMS for appointment reminders"), default=False)
    # Where the SMS go when the user has no record in the people registry (staff); E.164.
    phone = models.CharField(_("mobile phone"), max_length=40, blank=True)
    weekly_digest = models.BooleanField(_("weekly digest"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")

    def __str__(self) -> str:
        return str(self.user)


# Without a saved choice: e-mail for appointments and applications (invitations, cancellations,
# outcomes), not for the rest; no SMS (the person has not given a number for it).
DEFAULT_EMAIL_KINDS = (Kind.APPOINTMENTS, Kind.APPLICATIONS)
