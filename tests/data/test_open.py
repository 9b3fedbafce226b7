"""Opening a database: where it is, corrupt files left untouched, folders, URLs."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from rehab_tracker.data import locations
from rehab_tracker.data.database import (
    DatabaseCorrupt,
    DatabaseLocationError,
    DatabaseUnavailable,
    open_database,
    quick_check,
    resolve_target,
)
from rehab_tracker.data.models import Patient
from tests.data.helpers import file_digest, make_patient


def _database_with_backup(path: Path, patients: int = 30) -> Path:
    """A real clinic database with some rows, and a good backup of it; returns the backup."""
    database = open_database(path)
    with database.unit_of_work("tester") as session:
        for number in range(patients):
            session.add(make_patient(f"RT-{number:05d}", notes="x" * 500))
    backup = database.backup()
    database.close()
    assert not Path(f"{path}-wal").exists()  # closed cleanly: everything is in the main file
    return backup


def _random_bytes(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(64 * 1024))


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    assert len(data) > 8 * 4096
    path.write_bytes(data[: len(data) // 3])


def _text_file(path: Path) -> None:
    path.write_text("patient list\nAda Lovelace, 1980-05-17\n", encoding="utf-8")


def _scribbled_pages(path: Path) -> None:
    """A real SQLite header, then garbage where the schema and table pages were."""
    data = bytearray(path.read_bytes())
    data[100:20000] = random.Random(3).randbytes(19900)
    path.write_bytes(bytes(data))


def _only_empty_wal_files_added(folder: Path, before: list[str]) -> None:
    """SQLite's read-only check of a WAL database may leave an empty -wal (and -shm) file."""
    added = set(p.name for p in folder.iterdir()) - set(before)
    assert added <= {"clinic.db-wal", "clinic.db-shm"}, added
    wal = folder / "clinic.db-wal"
    if wal.exists():
        assert wal.stat().st_size == 0


@pytest.mark.parametrize(
    "damage", [_random_bytes, _truncated, _text_file, _scribbled_pages],
    ids=["random-bytes", "truncated", "text-file", "scribbled-pages"],
)
def test_corrupt_file_is_refused_untouched_and_the_good_backup_named(
    tmp_path: Path, damage: object
) -> None:
    path = tmp_path / "clinic.db"
    backup = _database_with_backup(path)
    damage(path)  # type: ignore[operator]
    before = file_digest(path)
    siblings = sorted(p.name for p in tmp_path.iterdir())

    with pytest.raises(DatabaseCorrupt) as caught:
        open_database(path)

    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert str(backup) in message
    assert caught.value.backup == backup
    assert file_digest(path) == before
    _only_empty_wal_files_added(tmp_path, siblings)


def test_corrupt_file_without_a_backup_says_so(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    _text_file(path)
    with pytest.raises(DatabaseCorrupt, match="no good backup found") as caught:
        open_database(path)
    assert caught.value.backup is None


def test_the_backup_is_usable(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    backup = _database_with_backup(path, patients=3)
    _random_bytes(path)
    with pytest.raises(DatabaseCorrupt) as caught:
        open_database(path)
    assert caught.value.backup is not None
    restored = open_database(caught.value.backup)
    try:
        with restored.reading() as session:
            assert len(session.scalars(select(Patient)).all()) == 3
    finally:
        restored.close()
    assert backup == caught.value.backup


def test_missing_folder_given_explicitly_is_refused(tmp_path: Path) -> None:
    missing = tmp_path / "not-there" / "clinic.db"
    with pytest.raises(DatabaseLocationError, match="does not exist"):
        open_database(missing)
    assert not missing.parent.exists()  # not created behind the user's back


def test_folder_that_is_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(DatabaseLocationError, match="not a folder"):
        open_database(blocker / "clinic.db")


_OPEN = """
import sys
from rehab_tracker.data.database import DatabaseLocationError, open_database
try:
    open_database(sys.argv[1])
except DatabaseLocationError as exc:
    print("REFUSED", exc)
else:
    print("OPENED")
"""

#: capabilities that let root ignore permission bits
_DAC_CAPS = "-dac_override,-dac_read_search"


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def test_read_only_folder_is_refused(read_only_folder: Path) -> None:
    """A folder the user cannot write to: refused with a one-line message, nothing created.

    root ignores permission bits (os.access says yes and writes succeed), so when the tests run
    as root the check runs in a child process that keeps root's uid but drops the capabilities
    that override permission bits (util-linux ``setpriv``), which makes both ``os.access`` and
    real writes obey the folder's mode as for any clinic user.
    """
    target = read_only_folder / "clinic.db"
    if os.geteuid() != 0:
        with pytest.raises(DatabaseLocationError, match="read-only"):
            open_database(target)
    else:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without util-linux setpriv: cannot drop the override")
        result = subprocess.run(
            [setpriv, f"--bounding-set={_DAC_CAPS}", f"--inh-caps={_DAC_CAPS}",
             sys.executable, "-c", _OPEN, str(target)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.stdout.startswith("REFUSED"), result.stdout + result.stderr
        assert "read-only" in result.stdout
        assert str(read_only_folder) in result.stdout
        assert "\n" not in result.stdout.strip()
    assert list(read_only_folder.iterdir()) == []


def test_default_path_creates_the_data_folder_under_home(isolated_home: Path) -> None:
    expected = isolated_home / "data" / "rehab-tracker.db"
    assert not expected.parent.exists()
    database = open_database()
    try:
        assert database.path == expected
        with database.unit_of_work() as session:
            session.add(make_patient())
    finally:
        database.close()
    assert expected.is_file()


def test_environment_variable_names_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    chosen = tmp_path / "from-env.db"
    monkeypatch.setenv(locations.DB_ENV, str(chosen))
    database = open_database()
    try:
        assert database.path == chosen.resolve()
    finally:
        database.close()
    assert chosen.is_file()
    assert not (isolated_home / "data").exists()


def test_explicit_target_wins_over_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(locations.DB_ENV, str(tmp_path / "from-env.db"))
    database = open_database(tmp_path / "explicit.db")
    database.close()
    assert (tmp_path / "explicit.db").is_file()
    assert not (tmp_path / "from-env.db").exists()


def test_environment_folder_is_not_created(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the default folder is created; a folder the user named must already exist."""
    monkeypatch.setenv(locations.DB_ENV, str(tmp_path / "typo" / "clinic.db"))
    with pytest.raises(DatabaseLocationError):
        open_database()
    assert not (tmp_path / "typo").exists()


def test_in_memory_database_is_refused() -> None:
    with pytest.raises(DatabaseLocationError, match="in-memory"):
        open_database("sqlite://")


def test_relative_and_home_paths_are_resolved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_target("clinic.db") == f"sqlite+pysqlite:///{tmp_path / 'clinic.db'}"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_target("~/c.db") == f"sqlite+pysqlite:///{tmp_path / 'c.db'}"


def test_postgresql_urls_use_psycopg() -> None:
    assert resolve_target("postgresql://rt:s3cret@db.clinic:5432/rehab") == (
        "postgresql+psycopg://rt:s3cret@db.clinic:5432/rehab"
    )
    assert resolve_target("postgresql+psycopg://rt@h/db") == "postgresql+psycopg://rt@h/db"


@pytest.mark.postgres
def test_plain_postgresql_url_opens_with_psycopg(pg_url: str) -> None:
    plain = pg_url.replace("postgresql+psycopg://", "postgresql://", 1)
    assert plain.startswith("postgresql://")
    database = open_database(plain)
    try:
        assert database.engine.dialect.driver == "psycopg"
        assert database.path is None and not database.is_sqlite
        with database.unit_of_work() as session:
            session.add(make_patient())
    finally:
        database.close()


def test_unreachable_server_is_one_line_without_the_password() -> None:
    with pytest.raises(DatabaseUnavailable) as caught:
        open_database("postgresql://rt:s3cret@127.0.0.1:1/rehab?connect_timeout=2")
    message = str(caught.value)
    assert "\n" not in message
    assert "s3cret" not in message
    assert "127.0.0.1" in message


def test_quick_check_runs_read_only(tmp_path: Path) -> None:
    """The check made before SQLAlchemy touches the file does not change a byte."""
    path = tmp_path / "clinic.db"
    _database_with_backup(path, patients=2)
    before = file_digest(path)
    assert quick_check(path) is None
    assert file_digest(path) == before


def test_the_saved_choice_comes_after_db_and_the_environment(tmp_path, monkeypatch) -> None:
    """Where the database comes from: --db, $REHAB_TRACKER_DB, the workstation's saved choice
    (the welcome page's "Connect to a clinic server"), the default file."""
    import os
    import stat

    from rehab_tracker.data import locations
    from rehab_tracker.data.database import resolve_target

    monkeypatch.delenv(locations.DB_ENV, raising=False)
    assert locations.saved_database() is None
    assert resolve_target(None).endswith(str(locations.default_database_path()))
    saved = locations.save_database("postgresql://rehab:pw@server/clinic\n")
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600  # it may hold a password
    assert locations.saved_database() == "postgresql://rehab:pw@server/clinic"
    assert resolve_target(None) == "postgresql+psycopg://rehab:pw@server/clinic"
    monkeypatch.setenv(locations.DB_ENV, str(tmp_path / "env.db"))
    assert resolve_target(None).endswith("env.db")
    assert resolve_target(str(tmp_path / "given.db")).endswith("given.db")
