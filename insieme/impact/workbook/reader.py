"""Reading a programme workbook: an .xlsx file, a folder of CSV files, or a .zip of CSV files.

Each sheet becomes a `Sheet`: lower-cased header names and the data rows with the row number the
spreadsheet shows (the header is row 1). Completely empty rows are skipped.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import openpyxl

SHEETS = (
    "persone",
    "organizzazioni",
    "bandi",
    "candidature",
    "contributi",
    "erogazioni",
    "colloqui",
    "inserimenti",
)

Source = str | Path | IO[bytes]


class UnreadableWorkbook(Exception):
    """The file is not an .xlsx, a .zip of CSV files or a folder of CSV files."""


@dataclass
class Sheet:
    name: str
    headers: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)


def _sheet(name: str, records: Iterator[list[Any]]) -> Sheet:
    try:
        header = next(records)
    except StopIteration:
        return Sheet(name, [])
    headers = [str(h).strip().lower() if h is not None else "" for h in header]
    sheet = Sheet(name, headers)
    for number, values in enumerate(records, start=2):
        if not any(v is not None and str(v).strip() for v in values):
            continue
        sheet.rows.append((number, {h: v for h, v in zip(headers, values, strict=False) if h}))
    return sheet


def _csv(name: str, data: bytes) -> Sheet:
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableWorkbook(name) from None
    first_line = content.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    return _sheet(name, iter(csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)))


def _xlsx(data: IO[bytes]) -> dict[str, Sheet]:
    try:
        book = openpyxl.load_workbook(data, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableWorkbook(str(error)) from None
    sheets = {}
    try:
        for ws in book.worksheets:
            name = ws.title.strip().lower()
            if name in SHEETS:
                sheets[name] = _sheet(name, (list(r) for r in ws.iter_rows(values_only=True)))
    finally:
        book.close()
    return sheets


def _zip(archive: zipfile.ZipFile) -> dict[str, Sheet]:
    sheets = {}
    for info in archive.infolist():
        stem = Path(info.filename)
        if info.is_dir() or stem.suffix.lower() != ".csv" or stem.name.startswith("."):
            continue
        name = stem.stem.lower()
        if name in SHEETS:
            sheets[name] = _csv(name, archive.read(info))
    return sheets


def read(source: Source) -> dict[str, Sheet]:
    """The sheets of a workbook, by name."""
    if isinstance(source, str | Path):
        path = Path(source)
        if path.is_dir():
            return {
                p.stem.lower(): _csv(p.stem.lower(), p.read_bytes())
                for p in sorted(path.iterdir())
                if p.suffix.lower() == ".csv" and p.stem.lower() in SHEETS
            }
        if not path.is_file():
            raise UnreadableWorkbook(str(path))
        with path.open("rb") as fh:
            return read(io.BytesIO(fh.read()))
    data = source.read()
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise UnreadableWorkbook("not a zip")
    with zipfile.ZipFile(buffer) as archive:
        if "[Content_Types].xml" in archive.namelist():
            return _xlsx(io.BytesIO(data))
        return _zip(archive)
