"""gunicorn's settings for `make serve` (`--config config/gunicorn.py`).

The access log writes each request line with its query string, where a codice fiscale typed into
a search box would arrive: every gunicorn handler masks codes with the filter that the
application's own handlers use (insieme.core.logging, settings.LOGGING).
"""

accesslog = "-"

_MASK = ["mask_fiscal_codes"]

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_fiscal_codes": {"()": "insieme.core.logging.MaskFiscalCodes"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
            "class": "logging.Formatter",
        },
        "access": {"format": "%(message)s", "class": "logging.Formatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stdout",
            "filters": _MASK,
        },
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "stream": "ext://sys.stderr",
            "filters": _MASK,
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "stream": "ext://sys.stdout",
            "filters": _MASK,
        },
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        # Not propagated: in a worker the root logger is the application's (settings.LOGGING),
        # which would write every line a second time.
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}
