import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from insieme.core import uploads

TYPE_ERROR = "tipo non accettato"


def zipped(files: dict[str, bytes], name="file.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, content in files.items():
            archive.writestr(path, content)
    return SimpleUploadedFile(name, buffer.getvalue())


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.7\n...", uploads.PDF),
        (b"\x89PNG\r\n\x1a\n....", uploads.PNG),
        (b"\xff\xd8\xff\xe0....", uploads.JPEG),
        (b"MZ\x90\x00 an executable", None),
        (b"<html><script>", None),
    ],
)
def test_sniff_reads_the_content_not_the_name(content, expected):
    assert uploads.sniff(SimpleUploadedFile("innocuo.pdf", content)) == expected


def test_office_documents_are_told_apart_inside_their_zip():
    docx = zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
    xlsx = zipped({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<w/>"})
    odt = zipped({"mimetype": uploads.ODT.encode(), "content.xml": b"<x/>"})
    other = zipped({"readme.txt": b"hello"})
    assert uploads.sniff(docx) == uploads.DOCX
    assert uploads.sniff(xlsx) == uploads.XLSX
    assert uploads.sniff(odt) == uploads.ODT
    assert uploads.sniff(other) is None
    assert uploads.sniff(SimpleUploadedFile("rotto.docx", b"PK\x03\x04garbage")) is None


def test_check_upload_refuses_what_the_caller_does_not_accept():
    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 data")
    assert (
        uploads.check_upload(pdf, accept=uploads.IMAGES_AND_PDF, type_error=TYPE_ERROR)
        == uploads.PDF
    )
    docx = zipped({"[Content_Types].xml": b"<x/>", "word/document.xml": b"<w/>"})
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(docx, accept=uploads.IMAGES_AND_PDF, type_error=TYPE_ERROR)
    assert error.value.code == "file_type"
    assert error.value.messages == [TYPE_ERROR]


def test_check_upload_refuses_empty_and_oversized_files_in_italian():
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(
            SimpleUploadedFile("vuoto.pdf", b""), accept={uploads.PDF}, type_error=TYPE_ERROR
        )
    assert error.value.messages == ["Il file è vuoto."]
    big = SimpleUploadedFile("grande.pdf", b"%PDF-" + b"0" * 2048)
    with pytest.raises(ValidationError) as error:
        uploads.check_upload(big, accept={uploads.PDF}, type_error=TYPE_ERROR, max_bytes=1024)
    assert error.value.code == "file_too_large"
    assert "il limite è 1,0" in error.value.messages[0]
