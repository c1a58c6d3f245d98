"""The example workbook the tests read, kept in the repository (tests/data/) so a clone tests itself."""

from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent / "data"
