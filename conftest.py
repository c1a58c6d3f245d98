"""The fixed cast of users every test can use: one per role, plus an outsider with no role."""

import os
import time
from pathlib import Path

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group
from django.utils import timezone
from hypothesis import settings as hypothesis_settings
from playwright.sync_api import expect

from insieme.accounts.demo import current_code
from insieme.accounts.models import Role, User

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Browser assertions wait up to 15 s, not Playwright's 5: on a two-core machine running the suite
# in parallel, a page that computes figures from a cold cache (the dashboard of a large test
# world) may take longer than 5 s to arrive, and the check then fails on timing, not on behaviour.
expect.set_options(timeout=15_000)

# No time limit per Hypothesis example: timing is measured in bench/, not asserted in tests, and
# on a loaded machine an example may take longer than Hypothesis's default 200 ms.
hypothesis_settings.register_profile("insieme", deadline=None)
hypothesis_settings.load_profile("insieme")

PASSWORD = "una-password-di-prova-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def make_user(email: str, *roles: Role, mfa: bool = True, **extra) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD, **extra)
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    if roles:
        user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    if mfa and user.needs_mfa:
        TOTP.activate(user, TOTP_SECRET)
    return user


def totp_code() -> str:
    return current_code(TOTP_SECRET)


@pytest.fixture
def operator(db):
    return make_user("operatrice@example.org", Role.OPERATOR, first_name="Olga", last_name="Rossi")


@pytest.fixture
def coach(db):
    return make_user("coach@example.org", Role.COACH, first_name="Carlo", last_name="Bianchi")


@pytest.fixture
def evaluator(db):
    return make_user("valutatrice@example.org", Role.EVALUATOR, first_name="Vera", last_name="Neri")


@pytest.fixture
def funder(db):
    return make_user("finanziatore@example.org", Role.FUNDER, first_name="Fabio", last_name="Verdi")


@pytest.fixture
def applicant(db):
    return make_user("candidata@example.org", Role.APPLICANT, first_name="Anna", last_name="Gialli")


@pytest.fixture
def partner(db):
    return make_user("partner@example.org", Role.PARTNER, first_name="Piero", last_name="Blu")


@pytest.fixture
def admin_user(db):
    return make_user(
        "admin@example.org",
        Role.ADMIN,
        first_name="Ada",
        last_name="Viola",
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def outsider(db):
    return make_user("estraneo@example.org", first_name="Otto", last_name="Esterni")


@pytest.fixture
def cast(operator, coach, evaluator, funder, applicant, partner, admin_user, outsider):
    return {
        "operator": operator,
        "coach": coach,
        "evaluator": evaluator,
        "funder": funder,
        "applicant": applicant,
        "partner": partner,
        "admin": admin_user,
        "outsider": outsider,
    }


@pytest.fixture
def midday():
    """The clock at noon of today (Europe/Rome), running from there.

    For a test that reads "today" or "an hour from now" more than once, or compares what it
    measured before and after some requests (cached counts are keyed by today's date): run near
    midnight, or in the hour a change to or from summer time skips or repeats, it would fail on
    the clock, not on behaviour. Ask for it before the fixtures that create dated rows.
    """
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    with time_machine.travel(noon, tick=True):
        yield noon


@pytest.fixture
def client_as(client):
    """`client_as(user)` returns the test client logged in as `user`."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "it-IT"}


@pytest.fixture(autouse=True)
def _italian_first():
    """Each test starts in the site's language: a request with an English cookie leaves English
    active in the thread (LocaleMiddleware does not switch back), which made the tests after it
    depend on their order."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _shipped_data_survives_flushes(request):
    """Give transactional tests the data our migrations ship.

    A transactional test (live server, threads) empties every table when it ends, including the
    role groups and the reference data that data migrations load, so the next one reloads them.
    The one-time codes already used live in the database cache: start each such test clean.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache

    # The flush recreated the content types, perhaps with other ids than the cached ones.
    ContentType.objects.clear_cache()

    from insieme.core import reference
    from insieme.core.models import Comune, ContractType, District, Sector

    for role in Role:
        Group.objects.get_or_create(name=role.value)
    if not Comune.objects.exists() or not Sector.objects.exists():
        reference.load_all(Comune, District, Sector, ContractType)
    cache.clear()


def pytest_sessionstart(session):
    from django.conf import settings

    if hasattr(session.config, "workeroutput"):
        # xdist: tell the controller which log file this worker writes.
        session.config.workeroutput["suite_log"] = str(settings.SUITE_LOG_FILE)
    else:
        week_ago = time.time() - 7 * 86400
        for old in settings.SUITE_LOG_FILE.parent.glob("test-*.log"):
            if old.stat().st_mtime < week_ago:
                old.unlink(missing_ok=True)
    session.config.stash[_SUITE_LOGS] = [str(settings.SUITE_LOG_FILE)]


def pytest_testnodedown(node, error):
    suite_log = getattr(node, "workeroutput", {}).get("suite_log")
    if suite_log:
        node.config.stash[_SUITE_LOGS].append(suite_log)


def pytest_sessionfinish(session, exitstatus):
    """Fail the run if a log file it wrote holds a codice fiscale (tests/security/log_scan.py)."""
    if hasattr(session.config, "workerinput"):
        return  # the controller scans once every worker has finished
    from tests.security.log_scan import findings

    files = [Path(p) for p in session.config.stash[_SUITE_LOGS] if Path(p).exists()]
    lines, found = findings(files)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(
            f"codice fiscale log scan: {len(files)} log files, {lines} lines, "
            f"{len(found)} with a code"
        )
        for line in found[:20]:
            reporter.write_line(f"  {line}", red=True)
    if found:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_SUITE_LOGS = pytest.StashKey[list[str]]()


def pytest_terminal_summary(terminalreporter):
    """Print how many cases the authorization matrix ran (xdist workers send their reports).

    Here, not in tests/security/conftest.py: under xdist the controller collects nothing, so
    it never loads the conftest files of subfolders.
    """
    cases = patterns = 0
    for outcome in ("passed", "failed"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "") != "call":
                continue
            for name, value in report.user_properties:
                if name == "authorization_cases":
                    cases += value
                    patterns += 1
    if patterns:
        terminalreporter.write_line(
            f"authorization matrix: {cases} cases ({patterns} URL patterns, 12 roles, GET and POST)"
        )
