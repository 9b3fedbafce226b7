"""Revision 0003 on a real clinic file of release 0001: restrictions keep their rows and get a
start date and who set them; the shipped exercises get the movements the library now lists."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import sqlite3
import uuid
from pathlib import Path

from sqlalchemy import select

from rehab_tracker.data import audit, locations
from rehab_tracker.data.database import open_database
from rehab_tracker.data.models import Exercise, Restriction

FIXTURES = Path(__file__).parent / "fixtures"


def test_a_0001_file_upgrades_its_restrictions_and_exercise_movements(tmp_path: Path) -> None:
    path = tmp_path / "clinic.db"
    path.write_bytes(gzip.decompress((FIXTURES / "clinic-0001.db.gz").read_bytes()))
    conn = sqlite3.connect(path)
    try:
        patient_id = conn.execute("SELECT id FROM patients LIMIT 1").fetchone()[0]
        conn.execute(
            "INSERT INTO restrictions (id, patient_id, kind, detail, limit_value, until, "
            "created_at, updated_at, created_by) VALUES (?, ?, 'lifting', '', 5.0, "
            "'2026-12-20', '2026-11-03 09:15:00.000000', '2026-11-03 09:15:00.000000', 'dr.kim')",
            (uuid.uuid4().hex, patient_id),
        )
        conn.commit()
    finally:
        conn.close()

    database = open_database(path)
    try:
        with database.reading() as session:
            (row,) = session.scalars(select(Restriction))
            assert (row.kind, row.limit_value, row.until) == ("lifting", 5.0, dt.date(2026, 12, 20))
            assert row.starts_on == dt.date(2026, 11, 3)  # the day it was written
            assert row.set_by == "surgeon"
            movements = {e.code: e.movements for e in session.scalars(select(Exercise))}
            assert audit.verify_chain(session) == []
    finally:
        database.close()
    shipped = json.loads((locations.resources_dir() / "exercises.json").read_text("utf-8"))
    # every exercise of the file now lists what the shipped library says of it
    for spec in shipped["exercises"]:
        if spec["code"] in movements:
            assert movements[spec["code"]] == spec.get("movements", []), spec["code"]
    assert movements["pallof_press"] == ["rotation"]
    assert movements["bridge"] == []
