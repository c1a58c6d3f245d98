"""Attachments are accepted by what they contain, not by their name or the browser's word."""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from insieme.core import uploads


def check_upload(upload: UploadedFile) -> str:
    """Content type of an acceptable attachment; ValidationError otherwise."""
    return uploads.check_upload(
        upload,
        accept=uploads.OFFICE,
        type_error=_(
            "This type of file is not accepted: upload a PDF, an image (PNG or JPEG) "
            "or an office document (DOCX, XLSX, ODT)."
        ),
    )
