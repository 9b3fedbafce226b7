"""Shared by the home pack tests: a picture, a home database, and the state a refusal must keep."""

from __future__ import annotations

import shutil
import struct
import uuid
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from rehab_tracker.data import home_database as home_db_module
from rehab_tracker.data import locations
from rehab_tracker.data.database import Database, open_database
from rehab_tracker.data.home_database import open_home_database
from rehab_tracker.data.models import Base, Patient, Program
from rehab_tracker.services.library import LibraryService
from tests.staff import staff

PATIENT = "RT-00005"  # the demo patient with two surgeon's restrictions
OTHER = "RT-00001"
#: the home database's passphrase in tests
HOME_WORDS = "abandon ability able about above absent"


def png(colour: tuple[int, int, int] = (200, 40, 40), size: int = 4) -> bytes:
    """A small valid PNG, made without Qt."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\0" + bytes(colour) * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def patient_id(db: Database, record_number: str) -> uuid.UUID:
    with db.reading() as session:
        found = session.scalar(select(Patient.id).where(Patient.record_number == record_number))
    assert found is not None
    return found


def attach_picture(db: Database, pid: uuid.UUID, folder: Path) -> str:
    """A picture on the first exercise of the patient's program (the clinic's media folder)."""
    with db.reading() as session:
        program = session.scalars(select(Program).where(Program.patient_id == pid)).one()
        exercise_id = program.prescriptions[0].exercise_id
    source = folder / "bridge.png"
    source.write_bytes(png())
    return LibraryService(db, staff("clinician")).attach_image(exercise_id, source)


def home_database(path: Path, template: Path) -> Database:
    """A new, migrated home database (a copy of the session's migrated template)."""
    shutil.copyfile(template, path)
    return open_database(path)


def snapshot(db: Database) -> dict[str, Any]:
    """Every table's row count, the audit trail's head and the media folder's files: what a
    refused pack must leave exactly as it was (read through the app's engine, so an encrypted
    home database too)."""
    with db.read_connection() as conn:
        counts = {
            table: conn.exec_driver_sql(f'SELECT count(*) FROM "{table}"').scalar()
            for table in Base.metadata.tables
        }
        head = conn.exec_driver_sql("SELECT max(seq) FROM audit_log").scalar()
    media = locations.media_dir()
    files = sorted(str(p.relative_to(media)) for p in media.rglob("*")) if media.is_dir() else []
    return {"counts": counts, "audit_head": head, "media": files}


def encrypted_home(path: Path) -> Database:
    """A home database encrypted at rest (SQLCipher), as the home app keeps it."""
    if not home_db_module.available():
        pytest.skip("sqlcipher3 (sqlcipher3-binary) is not installed")
    return open_home_database(path, HOME_WORDS)


def move_to(monkeypatch: Any, folder: Path, clinic_home: Path) -> Path:
    """Stand at another machine: its own user folders (``folder``), holding the audit keys that
    sealed the test databases' templates (as the conftest's per-test home does)."""
    keys = clinic_home / "config" / "audit-keys"
    target = folder / "config" / "audit-keys"
    target.mkdir(parents=True, exist_ok=True)
    for key in keys.glob("template-*.key"):
        shutil.copyfile(key, target / key.name)
    monkeypatch.setenv(locations.HOME_ENV, str(folder))
    return folder
