"""The bench database: created empty and migrated (a fresh one for every data set)."""

import os
import subprocess
import sys
from urllib.parse import urlparse

import psycopg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/insieme_bench"


def url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def recreate(database_url: str) -> None:
    """Drop and create the bench database (only ever the one named in the URL)."""
    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to recreate {name!r}: the bench database's name must say bench")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def migrate(env: dict[str, str]) -> None:
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
        subprocess.run([sys.executable, "manage.py", *command], env=env, check=True)
