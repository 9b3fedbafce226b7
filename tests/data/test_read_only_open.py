"""A read-only open never changes the file, and works where the file cannot be written
(issue 10 item 7).

``open_database(..., read_only=True)`` is what ``db check``, ``db current`` and ``patients`` use.
The cases: a backup (rollback journal, which a write open used to switch to WAL), a live WAL
database, a file chmod 0444, and a folder chmod 0555. root ignores permission bits, so as root
the read-only-file checks run in a child process that keeps root's uid but drops the capabilities
that override them (util-linux ``setpriv``), as the clinic's user would be.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from rehab_tracker.data.database import Database, open_database
from rehab_tracker.data.errors import DatabaseReadOnly
from rehab_tracker.data.maintenance import check
from rehab_tracker.data.models import Patient
from tests.data.helpers import file_digest, make_patient

_DAC_CAPS = "-dac_override,-dac_read_search"


def journal_mode(path: Path) -> str:
    """The journal mode the file's header says (bytes 18-19: 1 rollback, 2 WAL)."""
    return {1: "delete", 2: "wal"}[path.read_bytes()[18]]


@pytest.fixture
def backup_file(db_path: Path) -> Path:
    database = open_database(db_path)
    with database.unit_of_work("tester") as session:
        session.add(make_patient("RT-00001"))
    made = database.backup()
    database.close()
    assert journal_mode(made) == "delete"
    return made


def _look(database: Database) -> list[str]:
    with database.reading() as session:
        return list(session.scalars(select(Patient.record_number)))


def test_db_check_on_a_backup_leaves_it_byte_identical_in_its_journal_mode(
    backup_file: Path,
) -> None:
    before = file_digest(backup_file)
    database = open_database(backup_file, read_only=True, upgrade=False)
    try:
        report = check(database)
        assert _look(database) == ["RT-00001"]
    finally:
        database.close()
    assert report.ok, report.lines()
    assert file_digest(backup_file) == before
    assert journal_mode(backup_file) == "delete"
    assert not Path(f"{backup_file}-wal").exists()


def test_a_read_only_open_refuses_writes_and_keeps_the_file(db_path: Path) -> None:
    before = file_digest(db_path)
    database = open_database(db_path, read_only=True)
    try:
        with pytest.raises(DatabaseReadOnly), database.unit_of_work() as session:
            session.add(make_patient("RT-00009"))
        assert _look(database) == []
    finally:
        database.close()
    assert file_digest(db_path) == before


_LOOK = """
import sys
from sqlalchemy import select
from rehab_tracker.data.database import open_database
from rehab_tracker.data.maintenance import check
from rehab_tracker.data.models import Patient

db = open_database(sys.argv[1], read_only=True)
with db.reading() as session:
    numbers = list(session.scalars(select(Patient.record_number)))
report = check(db)
db.close()
print(numbers, report.ok, " | ".join(report.lines()))
"""


def _as_a_plain_user(*args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, *args]
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without util-linux setpriv: cannot drop the override")
        command = [setpriv, f"--bounding-set={_DAC_CAPS}", f"--inh-caps={_DAC_CAPS}", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.fixture
def read_only_copy(tmp_path: Path, backup_file: Path, request: pytest.FixtureRequest) -> Iterator[
    Path
]:
    """The database (``request.param``: its WAL live file or its rollback-journal backup) in a
    folder of its own, the file 0444 and the folder 0555."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    source = backup_file if request.param == "backup" else backup_file.parent.parent / "clinic.db"
    target = folder / "clinic.db"
    shutil.copyfile(source, target)
    if request.param == "wal":
        conn = sqlite3.connect(target)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.close()
        assert journal_mode(target) == "wal"
    target.chmod(0o444)
    folder.chmod(0o555)
    yield target
    folder.chmod(0o755)


@pytest.mark.parametrize("read_only_copy", ["backup", "wal"], indirect=True)
def test_a_read_only_file_in_a_read_only_folder_can_be_checked_and_read(
    read_only_copy: Path,
) -> None:
    before = file_digest(read_only_copy)
    result = _as_a_plain_user("-c", _LOOK, str(read_only_copy))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("['RT-00001'] True"), result.stdout
    assert "audit trail: intact" in result.stdout
    assert file_digest(read_only_copy) == before
    assert sorted(p.name for p in read_only_copy.parent.iterdir()) == ["clinic.db"]


def test_a_write_open_of_a_read_only_file_is_refused_in_one_line(db_path: Path) -> None:
    db_path.chmod(0o444)
    code = (
        "import sys\n"
        "from rehab_tracker.data.database import DatabaseError, open_database\n"
        "try:\n    open_database(sys.argv[1])\n"
        "except DatabaseError as exc:\n    print('REFUSED', exc)\n"
    )
    result = _as_a_plain_user("-c", code, str(db_path))
    assert result.stdout.startswith("REFUSED"), result.stdout + result.stderr
    assert "cannot be read and written" in result.stdout
