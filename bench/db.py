"""The bench database: dropped and created again for every data set, from a migrated template."""

import os
import subprocess
import sys
from urllib.parse import urlparse

import psycopg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/insieme_bench"


def url() -> str:
    return os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)


def _names(database_url: str) -> tuple[str, str, str]:
    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to recreate {name!r}: the bench database's name must say bench")
    return name, f"{name}_template", parsed._replace(path="/postgres").geturl()


def prepare_template(database_url: str, env: dict[str, str]) -> None:
    """A migrated, empty database to copy for each data set (migrating once saves minutes)."""
    _name, template, admin = _names(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{template}"')
    template_url = urlparse(database_url)._replace(path=f"/{template}").geturl()
    for command in (["migrate", "--noinput", "-v0"], ["createcachetable"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            env={**env, "DATABASE_URL": template_url},
            check=True,
        )


def recreate(database_url: str) -> None:
    """Drop the bench database (only ever the one named in the URL) and copy the template."""
    name, template, admin = _names(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def drop_template(database_url: str) -> None:
    _name, template, admin = _names(database_url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
