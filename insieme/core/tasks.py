from django.core.mail import EmailMessage
from django.tasks import task


@task()
def send_email(
    *, subject: str, body: str, to: list[str], attachments: list[list[str]] | None = None
) -> int:
    """Send one e-mail from the worker, so that a slow mail server never slows a page.

    `attachments` are `[file name, text content, MIME type]` (the task takes plain JSON): an
    appointment's `.ics`, for instance.
    """
    message = EmailMessage(subject=subject, body=body, to=to)
    for name, content, mimetype in attachments or ():
        message.attach(name, content, mimetype)
    return message.send()
