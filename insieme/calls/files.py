"""Attachments are accepted by what they contain, not by their name or the browser's word."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024

# (magic bytes, content type, extension)
SIGNATURES = [
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    # Office documents (docx, xlsx, odt, ods) are zip containers.
    (b"PK\x03\x04", "application/zip", "zip"),
]


def sniff(upload: UploadedFile) -> tuple[str, str] | None:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for magic, content_type, extension in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def check_upload(upload: UploadedFile) -> tuple[str, str]:
    """Content type and extension of an acceptable upload; ValidationError otherwise."""
    if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is too large: the limit is %(limit)s."),
            code="file_too_large",
            params={"limit": filesizeformat(MAX_ATTACHMENT_BYTES)},
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="file_empty")
    found = sniff(upload)
    if found is None:
        raise ValidationError(
            _(
                "This type of file is not accepted: upload a PDF, an image (PNG or JPEG) "
                "or an office document (DOCX, XLSX, ODT)."
            ),
            code="file_type",
        )
    return found
