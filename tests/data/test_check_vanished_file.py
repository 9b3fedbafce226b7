"""A check of a database whose file went away after it was opened is the app's own refusal
(one line), not an sqlite3 error: the scheduled check in the window's background ran into it
and raised it as a bug."""

from __future__ import annotations

from pathlib import Path

import pytest

from rehab_tracker.data import maintenance
from rehab_tracker.data.database import open_database
from rehab_tracker.data.errors import DatabaseError


def test_a_file_gone_since_the_open_is_a_clear_refusal(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    db = open_database(path)
    try:
        path.unlink()
        with pytest.raises(DatabaseError, match=r"cannot open .* to check it"):
            maintenance.check(db, full=True)
    finally:
        db.close()


def test_a_folder_gone_since_the_open_is_a_clear_refusal(tmp_path: Path) -> None:
    """A fresh-clone CI run: a window's background check outlived its test, whose temporary
    folder was removed; sqlite3's 'unable to open database file' (from the revision read)
    reached the Qt event loop as a bug."""
    import shutil

    folder = tmp_path / "clinic"
    folder.mkdir()
    db = open_database(folder / "clinic.db")
    try:
        db.engine.dispose()  # no pooled connection left: the check must open a new one
        shutil.rmtree(folder)
        with pytest.raises(DatabaseError):
            maintenance.check(db, full=True)
    finally:
        db.close()
