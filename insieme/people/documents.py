"""What a person's document really is, judged by its content (the name and the browser may lie)."""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from insieme.core import uploads


def validate_document(upload: UploadedFile) -> str:
    """Return the content type of an acceptable document; raise ValidationError otherwise."""
    return uploads.check_upload(
        upload,
        accept=uploads.DOCUMENTS,
        type_error=_("This file type is not accepted: upload a PDF, PNG, JPEG, DOCX or ODT file."),
    )
