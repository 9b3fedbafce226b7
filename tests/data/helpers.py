"""Small helpers shared by the data-layer tests."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Patient


def make_patient(number: str = "RT-T0001", **changes: object) -> Patient:
    values: dict[str, object] = {
        "record_number": number,
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": dt.date(1980, 5, 17),
        "sex": "female",
        "pathway": "surgical",
        "height_m": 1.68,
        "weight_kg": 61.5,
    }
    values.update(changes)
    return Patient(**values)


def file_mode(path: Path) -> int:
    """The permission bits of ``path`` (0o600...)."""
    return stat.S_IMODE(path.stat().st_mode)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextlib.contextmanager
def tmpfs(folder: Path, size: int) -> Iterator[Path]:
    """A small file system of its own at ``folder`` (a full disk on demand); skips the test
    where mounting is not permitted (it needs root)."""
    folder.mkdir()
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                       check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {exc}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def short_busy_timeout(db: Database, ms: int = 150) -> None:
    """New connections of ``db`` wait ``ms`` for a lock instead of the app's 30 s."""
    db.engine.dispose()

    @event.listens_for(db.engine, "connect")
    def _short(dbapi_connection, _record):  # type: ignore[no-untyped-def]
        dbapi_connection.execute(f"PRAGMA busy_timeout={ms}")
