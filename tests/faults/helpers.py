"""What the fault drills share: the test database as a URL for other processes, and row counts."""

import os
import socket
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)
EXAMPLES = BASE_DIR / "insieme" / "impact" / "tests" / "data"


def database_url(name: str | None = None) -> str:
    """The database the test runs on (or `name` on the same server), for a child process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{name or s['NAME']}"
    user = quote(s["USER"] or "", safe="")
    password = quote(s["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@"
    host = s["HOST"] or "localhost"
    return f"postgres://{credentials}{host}:{s['PORT'] or 5432}/{name or s['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a `manage.py`, `gunicorn` or `pg_*` child working on the test database."""
    env = {**os.environ, "DATABASE_URL": database_url(), "CONN_MAX_AGE": "0"}
    env.update(extra)
    return env


def table_counts() -> dict[str, int]:
    """Every table of the database and its number of rows."""
    counts = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
