"""After the whole suite: no codice fiscale in any log file the suite wrote.

settings.LOGGING sends what the code logs, unmasked, to var/log/test-<run>-<worker>.log while tests
run (a thousand "Not Found" and "Forbidden" warnings from the authorization matrix alone), so a
code logged anywhere — a message, an address, a database error — is found here even though the
console and production handlers would have masked it.
"""

from pathlib import Path

from insieme.core.logging import FISCAL_CODE, mask_fiscal_codes


def findings(paths: list[Path]) -> tuple[int, list[str]]:
    """(lines read, "file:line: masked line" for every line holding a code)."""
    lines, found = 0, []
    for path in paths:
        with path.open(encoding="utf-8", errors="replace") as log:
            for number, line in enumerate(log, 1):
                lines += 1
                if FISCAL_CODE.search(line):
                    found.append(f"{path.name}:{number}: {mask_fiscal_codes(line.rstrip())}")
    return lines, found
