"""Shared fixtures: isolated user folders, a migrated database per test, PostgreSQL when given."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

# Qt must never look for a display in tests: set before anything imports PySide6.
os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest
from hypothesis import HealthCheck, settings

from rehab_tracker.data import locations, private_files
from rehab_tracker.data.database import Database, open_database

# The machines are shared and noisy: a property test is judged on what it finds, never on how
# fast its inputs were drawn (the "too slow" health check and the per-example deadline failed
# tests/domain/test_progression.py on main under a load of 9-16 on 2 cores).
settings.register_profile(
    "shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("shared-machine")


# --- figures: what benchmarks and campaigns measured, shown at the end of every run ----------
# The tests run in parallel worker processes (pytest-xdist), whose output the terminal never
# sees; what a benchmark or a test marked ``figures`` prints is carried back with its report and
# printed in one section after the run, in CI too, without ``-s``.


def _shows_figures(item: pytest.Item) -> bool:
    return item.get_closest_marker("figures") is not None or (
        item.get_closest_marker("benchmark") is not None
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report: pytest.TestReport = yield
    if report.when == "call" and _shows_figures(item):
        printed = "".join(
            text for name, text in report.sections if name == "Captured stdout call"
        ).strip()
        if printed:
            report.user_properties = [*report.user_properties, ("figures", printed)]
    return report  # type: ignore[return-value]


def _stray_in_checkout() -> list[str]:
    """Files in the checkout's root that git neither tracks nor ignores."""
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--others", "--exclude-standard", "--directory"],
            cwd=root, capture_output=True, text=True, timeout=60, check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []  # not a git checkout (an installed copy of the tests)
    return [name for name in listed.split("\0") if name and "/" not in name.rstrip("/")]


_STRAY_BEFORE: list[str] = []


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):
        _STRAY_BEFORE[:] = _stray_in_checkout()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a test left a file in the checkout's root (a fuzzed relative path once
    did, and a merge committed the database it made)."""
    if hasattr(session.config, "workerinput"):
        return  # the controller checks once, after every worker has finished
    left = sorted(set(_stray_in_checkout()) - set(_STRAY_BEFORE))
    if left:
        print(f"\ntests left files in the checkout's root: {left}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    shown = [
        (report.nodeid, value)
        for reports in terminalreporter.stats.values()
        for report in reports
        if isinstance(report, pytest.TestReport) and report.when == "call"
        for name, value in report.user_properties
        if name == "figures"
    ]
    if not shown:
        return
    terminalreporter.section("figures measured in this run (benchmarks and campaigns)")
    for nodeid, printed in sorted(shown):
        terminalreporter.write_line(f"-- {nodeid}")
        for line in str(printed).splitlines():
            terminalreporter.write_line(f"   {line}")

PG_ENV = "REHAB_TRACKER_TEST_PG_URL"
#: who the command line signs in as in tests (``cli.sign_in``): on a database without users
#: the first sign-in creates this administrator, as on a clinic's first start
TEST_USER = "admin"
TEST_PASSWORD = "correct horse battery staple"
#: the date tests treat as "today" unless they say otherwise
TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The user folders of the session's shared fixtures (the templates below): never the real
    ones. The audit key that seals the demo template's trail lives here."""
    home = tmp_path_factory.mktemp("session-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(locations.HOME_ENV, str(home))
        patch.setenv("REHAB_TRACKER_USER", TEST_USER)  # module fixtures run the CLI too
        patch.setenv("REHAB_TRACKER_PASSWORD", TEST_PASSWORD)
        yield home


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch, session_home: Path
) -> Path:
    """Every test gets its own user data and settings folders, and no database override. It
    holds the session's audit keys (as ``template-*.key``), so a copy of a template is verified."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv(locations.HOME_ENV, str(home))
    monkeypatch.delenv(locations.DB_ENV, raising=False)
    monkeypatch.setenv("REHAB_TRACKER_USER", TEST_USER)
    monkeypatch.setenv("REHAB_TRACKER_PASSWORD", TEST_PASSWORD)
    keys = session_home / "config" / "audit-keys"
    if keys.is_dir():
        target = private_files.private_dir(home / "config" / "audit-keys")
        for key in keys.glob("*.key"):
            shutil.copyfile(key, private_files.private_file(target / f"template-{key.name}"))
    return home


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated empty database, copied for each test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = open_database(path)
    db.close()
    _checkpoint(path)
    return path


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the main file so a plain copy of the closed file is complete."""
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


@pytest.fixture
def db_path(tmp_path: Path, migrated_template: Path) -> Path:
    target = tmp_path / "clinic.db"
    shutil.copyfile(migrated_template, target)
    return target


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, migrated_template: Path) -> Path:
    """The demo clinic seeded once (as of ``TODAY``) into a copy of the migrated template.

    Seeding takes seconds; tests copy this file instead (``demo_db_path``, ``demo_db``). Every copy
    holds the same rows with the same ids.
    """
    from rehab_tracker.services.demo import seed_demo

    folder = tmp_path_factory.mktemp("demo-template")
    path = folder / "demo.db"
    shutil.copyfile(migrated_template, path)
    with pytest.MonkeyPatch.context() as patch:  # the autouse isolated_home is per test
        patch.setenv(locations.HOME_ENV, str(folder / "home"))
        patch.delenv(locations.DB_ENV, raising=False)
        db = open_database(path)
        try:
            seed_demo(db, today=TODAY)
        finally:
            db.close()
    _checkpoint(path)
    return path


@pytest.fixture
def demo_db_path(tmp_path: Path, demo_template: Path) -> Path:
    """A copy of the demo clinic for this test (seeded as of ``TODAY``)."""
    target = tmp_path / "clinic.db"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def demo_db(demo_db_path: Path) -> Iterator[Database]:
    database = open_database(demo_db_path)
    yield database
    database.close()


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def usual_umask() -> Iterator[None]:
    """The common umask 022 for the test, whatever the runner's: a file mode the test then sees
    is the app's doing (tests of private files, issue 10 item 12)."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.fixture
def today() -> dt.date:
    return TODAY


def _pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL database emptied for this test (a fresh schema), or a skip with the reason."""
    url = _pg_url()
    if url is None:
        pytest.skip(f"{PG_ENV} is not set: no PostgreSQL server to test against")
    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in url else "?"
    yield f"{url}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    database = open_database(pg_url)
    yield database
    database.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The migrated SQLite file, then (when REHAB_TRACKER_TEST_PG_URL is set) PostgreSQL."""
    name = "db" if request.param == "sqlite" else "pg_db"
    database: Database = request.getfixturevalue(name)
    return database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db_url(request: pytest.FixtureRequest) -> str:
    """Where a database lives for other processes: the migrated SQLite file's path, then (when
    REHAB_TRACKER_TEST_PG_URL is set) the URL of a fresh migrated PostgreSQL schema."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("db_path"))
    url: str = request.getfixturevalue("pg_url")
    open_database(url).close()  # migrated before the workers open it
    return url
