"""Patient data is private to the user who runs the app (issue 10 item 12, POSIX modes).

The data folder 0700; the database, its -wal and -shm, backups and the backups folder 0600/0700;
a database an older version left 0644 is tightened by the next write open. The tests set the
usual umask 022 themselves, so what they see is the app's doing, not the test runner's umask.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from rehab_tracker.data import locations
from rehab_tracker.data.database import open_database
from tests.data.helpers import file_mode, make_patient

pytestmark = [
    pytest.mark.skipif(os.name != "posix", reason="POSIX file modes"),
    pytest.mark.usefixtures("usual_umask"),
]


def test_the_default_database_its_folder_wal_and_shm_are_private(isolated_home: Path) -> None:
    database = open_database()
    try:
        with database.unit_of_work() as session:
            session.add(make_patient())
        path = locations.default_database_path()
        assert database.path == path
        # while the database is open its -wal and -shm exist: SQLite gives them the file's mode
        assert {file_mode(Path(f"{path}{suffix}")) for suffix in ("-wal", "-shm")} == {0o600}
        backup = database.backup()
    finally:
        database.close()
    assert file_mode(path) == 0o600
    assert file_mode(path.parent) == 0o700
    assert file_mode(backup) == 0o600
    assert file_mode(backup.parent) == 0o700


def test_a_new_database_in_a_folder_the_user_chose_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "clinic"
    folder.mkdir(mode=0o755)
    path = folder / "clinic.db"
    open_database(path).close()
    assert file_mode(path) == 0o600
    assert file_mode(folder) == 0o755, "a folder the user chose keeps its mode"


def test_files_an_older_version_left_open_are_tightened_by_a_write_open(
    db_path: Path, isolated_home: Path
) -> None:
    db_path.chmod(0o644)
    backups = locations.backup_dir_for(db_path)
    backups.mkdir(mode=0o755)
    data = locations.data_dir()
    data.mkdir(mode=0o755)
    shutil.copyfile(db_path, locations.default_database_path())
    locations.default_database_path().chmod(0o644)

    read_only = open_database(db_path, read_only=True)
    read_only.close()
    assert file_mode(db_path) == 0o644, "a read-only open changes nothing, not even the mode"

    database = open_database(db_path)
    database.backup()
    database.close()
    assert file_mode(db_path) == 0o600
    assert file_mode(backups) == 0o700

    open_database().close()
    assert file_mode(data) == 0o700
    assert file_mode(locations.default_database_path()) == 0o600


def test_user_nobody_cannot_read_the_database_or_its_backup(isolated_home: Path) -> None:
    """The reproduction from the issue: another account on the workstation reads the files."""
    if os.geteuid() != 0:
        pytest.skip("needs root to run a command as user nobody")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("util-linux setpriv is not installed")
    database = open_database()
    with database.unit_of_work() as session:
        session.add(make_patient(given_name="Secret"))
    backup = database.backup()
    database.close()
    # the home folder of the test is reachable, as a user's home often is
    for folder in (isolated_home, *isolated_home.parents):
        folder.chmod(folder.stat().st_mode | 0o005)
    for path in (locations.default_database_path(), backup):
        result = subprocess.run(
            [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", "cat", str(path)],
            capture_output=True,
            timeout=30,
        )
        assert result.returncode != 0, path
        assert b"Permission denied" in result.stderr
        assert b"Secret" not in result.stdout
