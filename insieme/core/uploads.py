"""What an uploaded file really is, judged by its content: the name and the browser may lie.

Every upload of the platform (documents of a person, attachments of an application, invoices of an
expense report) goes through `check_upload`, each with the kinds of file it accepts.
"""

import zipfile
from collections.abc import Collection
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ODT = "application/vnd.oasis.opendocument.text"
ODS = "application/vnd.oasis.opendocument.spreadsheet"

EXTENSIONS = {
    PDF: "pdf",
    PNG: "png",
    JPEG: "jpg",
    DOCX: "docx",
    XLSX: "xlsx",
    ODT: "odt",
    ODS: "ods",
}
IMAGES_AND_PDF = frozenset({PDF, PNG, JPEG})
DOCUMENTS = IMAGES_AND_PDF | {DOCX, ODT}
OFFICE = DOCUMENTS | {XLSX, ODS}

_MAGIC = [(b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG)]


def sniff(upload: UploadedFile) -> str | None:
    """The content type of a file we know how to recognise, or None."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(upload)
    return None


def _sniff_zip(upload: UploadedFile) -> str | None:
    """Office documents are zip containers: look inside for what declares their kind."""
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = archive.read("mimetype").strip().decode("ascii", "replace")
                return declared if declared in (ODT, ODS) else None
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
    except (zipfile.BadZipFile, KeyError, ValueError):
        return None
    finally:
        upload.seek(0)
    return None


def check_upload(
    upload: UploadedFile,
    *,
    accept: Collection[str],
    type_error: "str | _StrPromise",
    max_bytes: int = MAX_UPLOAD_BYTES,
) -> str:
    """The content type of an acceptable upload; a ValidationError in Italian otherwise."""
    if not upload.size:
        raise ValidationError(_("The file is empty."), code="file_empty")
    if upload.size > max_bytes:
        raise ValidationError(
            _("The file is too large (%(size)s): the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_bytes)},
        )
    content_type = sniff(upload)
    if content_type is None or content_type not in accept:
        raise ValidationError(type_error, code="file_type")
    return content_type
