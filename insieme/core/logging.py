"""No codice fiscale reaches a log: a filter that masks them, and the pattern that finds them.

Codes must never be in URLs or log messages in the first place; the filter is the second line of
defence for what slips through anyway, such as a database error quoting a duplicate value
(``Key (fiscal_code)=(…) already exists``) or a mistyped address in a "Not Found" warning.
Every handler in settings.LOGGING and in gunicorn's config/gunicorn.py uses it.
"""

import copy
import logging
import re

# 16 characters: surname and name (6 letters), year (2), month (a letter), day and sex (2),
# place (a letter and 3), check letter. Omocodia replaces digits with the letters L-V.
_DIGIT = "[0-9LMNPQRSTUV]"
FISCAL_CODE = re.compile(
    rf"(?<![A-Z0-9])[A-Z]{{6}}{_DIGIT}{{2}}[ABCDEHLMPRST]{_DIGIT}{{2}}[A-Z]{_DIGIT}{{3}}[A-Z](?![A-Z0-9])",
    re.IGNORECASE,
)
MASK = "[codice fiscale]"


def mask_fiscal_codes(text: str) -> str:
    return FISCAL_CODE.sub(MASK, text)


class MaskFiscalCodes(logging.Filter):
    """Hand the handler a copy of the record with every codice fiscale masked.

    The record itself is left alone (filters may return a new record since Python 3.12), so one
    handler's masking does not change what another handler receives.
    """

    def filter(self, record: logging.LogRecord) -> logging.LogRecord:
        message = record.getMessage()
        masked = mask_fiscal_codes(message)
        exc_text = record.exc_text
        if record.exc_info and not exc_text:
            exc_text = logging.Formatter().formatException(record.exc_info)
        masked_exc = mask_fiscal_codes(exc_text) if exc_text else exc_text
        stack = mask_fiscal_codes(record.stack_info) if record.stack_info else record.stack_info
        if masked == message and masked_exc == exc_text and stack == record.stack_info:
            return record
        clean = copy.copy(record)
        clean.msg, clean.args = masked, None
        clean.exc_text, clean.stack_info = masked_exc, stack
        return clean
