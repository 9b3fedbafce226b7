"""Several workstations' worth of writers on one SQLite file, and stale edits refused.

The workers are real processes (as on a clinic with two or three programs open on one file):
each enrols patients, which numbers them from the shared Counter inside the write transaction,
and bumps a shared counter by read-modify-write. BEGIN IMMEDIATE must make every one of those
transactions wait its turn: no lost update, no "database is locked".
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from rehab_tracker.data import audit
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Counter, Patient
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.services.errors import ConflictError
from rehab_tracker.services.patients import RECORD_COUNTER, PatientService
from tests.staff import staff

TODAY = dt.date(2026, 11, 23)
WORKERS = 4
PER_WORKER = 25
SHARED = "test_rmw"

_WORKER = r"""
import datetime as dt, json, sys, time, traceback
from pathlib import Path
from rehab_tracker.data.database import open_database
from rehab_tracker.data.models import Counter
from rehab_tracker.domain.patients import PatientDetails
from rehab_tracker.services.patients import PatientService
from rehab_tracker.domain.roles import Principal, Role

path, index, count, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
db = open_database(path)
service = PatientService(db, Principal(f"worker{index}", Role.ADMINISTRATOR))
errors, ids = [], []
while not go.exists():  # start together
    time.sleep(0.005)
for n in range(count):
    try:
        details = PatientDetails(
            given_name=f"W{index}", family_name=f"Patient{n:03d}",
            date_of_birth=dt.date(1970, 1, 1), sex="unknown", pathway="conservative",
        )
        ids.append(str(service.enrol(details, None, today=dt.date(2026, 11, 23))))
    except Exception as exc:
        errors.append("enrol: " + "".join(traceback.format_exception_only(exc)).strip())
    try:
        with db.unit_of_work(f"worker{index}") as session:
            counter = session.get(Counter, sys.argv[5])
            value = counter.value
            time.sleep(0.001)  # widen the window between the read and the write
            counter.value = value + 1
    except Exception as exc:
        errors.append("rmw: " + "".join(traceback.format_exception_only(exc)).strip())
db.close()
print(json.dumps({"errors": errors, "ids": ids}))
"""


@pytest.mark.slow
def test_concurrent_processes_lose_no_update_and_never_see_a_lock(
    db: Database, db_path: Path, tmp_path: Path
) -> None:
    with db.unit_of_work() as session:
        session.add(Counter(name=SHARED, value=0))
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", _WORKER, str(db_path), str(i), str(PER_WORKER), str(go),
             SHARED],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        for i in range(WORKERS)
    ]
    time.sleep(1.5)  # let every worker open the database and wait at the start line
    started = time.monotonic()
    go.touch()
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        reports.append(json.loads(out.strip().splitlines()[-1]))
    elapsed = time.monotonic() - started

    errors = [e for r in reports for e in r["errors"]]
    assert errors == []  # in particular no "database is locked"
    total = WORKERS * PER_WORKER
    with db.reading() as session:
        assert session.get(Counter, SHARED).value == total  # type: ignore[union-attr]
        assert session.get(Counter, RECORD_COUNTER).value == total  # type: ignore[union-attr]
        numbers = sorted(session.scalars(select(Patient.record_number)))
        assert numbers == [f"RT-{n:05d}" for n in range(1, total + 1)]  # distinct, contiguous
        assert len({i for r in reports for i in r["ids"]}) == total
        assert audit.verify_chain(session) == []  # appends from 4 processes stay one chain
    print(f"{total} enrolments + {total} read-modify-writes in {elapsed:.1f} s")
    assert elapsed < 60  # a generous bound: about 14 s here


# --- optimistic concurrency ---------------------------------------------------------------


def _details(**changes: object) -> PatientDetails:
    values: dict[str, object] = {
        "given_name": "Ada",
        "family_name": "Lovelace",
        "date_of_birth": dt.date(1980, 5, 17),
        "sex": "female",
        "height_cm": 168.0,
    }
    values.update(changes)
    return PatientDetails(**values)  # type: ignore[arg-type]


_SURGERY = SurgeryDetails(surgery_date=dt.date(2026, 10, 1), levels=("L4-L5",), side="left")


def test_stale_expected_version_is_refused(db: Database) -> None:
    desk_a = PatientService(db, staff("dr.kim"))
    desk_b = PatientService(db, staff("nurse.lee"))
    patient_id = desk_a.enrol(_details(), _SURGERY, today=TODAY)
    seen_by_a = desk_a.record(patient_id)
    seen_by_b = desk_b.record(patient_id)
    assert seen_by_a.version == seen_by_b.version == 1

    desk_a.update(patient_id, _details(phone="0123 456"), _SURGERY,
                  expected_version=seen_by_a.version, today=TODAY)
    with pytest.raises(ConflictError, match="another workstation"):
        desk_b.update(patient_id, _details(phone="999"), _SURGERY,
                      expected_version=seen_by_b.version, today=TODAY)

    latest = desk_b.record(patient_id)
    assert latest.details.phone == "0123 456"  # the first save survives
    assert latest.version == 2
    # with the fresh version the second desk can save
    desk_b.update(patient_id, _details(phone="999"), _SURGERY,
                  expected_version=latest.version, today=TODAY)
    assert desk_b.record(patient_id).details.phone == "999"


def test_stale_object_cannot_overwrite_a_newer_save(db: Database) -> None:
    """The version column itself stops a stale object, even without expected_version."""
    service = PatientService(db, staff("dr.kim"))
    patient_id = service.enrol(_details(), _SURGERY, today=TODAY)
    with db.reading() as session:
        stale = session.get(Patient, patient_id)  # loaded at one desk, kept open in a form
    assert stale is not None and stale.version == 1
    with db.unit_of_work("nurse.lee") as session:
        fresh = session.get(Patient, patient_id)
        assert fresh is not None
        fresh.notes = "saved first"
    with pytest.raises(StaleDataError), db.unit_of_work("dr.kim") as session:
        session.add(stale)
        stale.notes = "stale overwrite"
    assert service.record(patient_id).details.notes == "saved first"
