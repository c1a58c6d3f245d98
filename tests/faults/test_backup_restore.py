"""The backup → restore drill of docs/deploy.md, on the demo programme: pg_dump, restore into an
empty database, and the same figures."""

import json
import subprocess
import sys
import uuid

import pytest
from django.db import connection

from insieme.impact.demo import load_demo_programme
from insieme.impact.figures import compute
from tests.faults.helpers import BASE_DIR, child_env, database_url

pytestmark = [
    pytest.mark.skipif(connection.vendor == "sqlite", reason="pg_dump needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_a_restored_backup_gives_the_same_figures():
    load_demo_programme()
    expected = json.loads(json.dumps(compute()))
    assert expected["projects"]["accompanied"] > 0
    target = f"{connection.settings_dict['NAME']}_drill_{uuid.uuid4().hex[:8]}"
    try:
        drill = subprocess.run(
            [sys.executable, "scripts/backup-restore-drill", "--target", target, "--keep"],
            cwd=BASE_DIR,
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert drill.returncode == 0, drill.stdout + drill.stderr
        assert "identical: the impact report and" in drill.stdout
        print("\n" + drill.stdout)

        # Checked again from here: the restored database, read by the application.
        restored = subprocess.run(
            [sys.executable, "manage.py", "impact_report", "--format", "json"],
            cwd=BASE_DIR,
            env=child_env(DATABASE_URL=database_url(target)),
            capture_output=True,
            text=True,
            check=True,
        )
        assert json.loads(restored.stdout) == expected
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(target)}")
