"""What an uploaded file really is, judged by its content (the name and the browser may lie)."""

import zipfile

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_DOCUMENT_SIZE = 5 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"

EXTENSIONS = {PDF: "pdf", PNG: "png", JPEG: "jpg", DOCX: "docx", ODT: "odt"}


def sniff(upload: UploadedFile) -> str | None:
    """The content type of an accepted file, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def _sniff_zip(upload: UploadedFile) -> str | None:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.read("mimetype").strip() == ODT.encode():
                return ODT
            if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
                return DOCX
    except (zipfile.BadZipFile, KeyError):
        return None
    finally:
        upload.seek(0)
    return None


def validate_document(upload: UploadedFile) -> str:
    """Return the content type of an acceptable upload; raise ValidationError otherwise."""
    if upload.size is not None and upload.size > MAX_DOCUMENT_SIZE:
        raise ValidationError(
            _("The file is too large (%(size)s): the limit is %(limit)s."),
            code="too_large",
            params={
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(MAX_DOCUMENT_SIZE),
            },
        )
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError(
            _("This file type is not accepted: upload a PDF, PNG, JPEG, DOCX or ODT file."),
            code="file_type",
        )
    return content_type
