"""Audit viewer benchmark: pages of a trail of over 100,000 entries, filtered every way.

Run: ``.venv/bin/pytest tests/benchmarks/bench_audit_view.py -q -p no:cacheprovider``. The trail:
a generated clinic (``services.demo_clinic``: patients with programs, sessions, exercises and
sets, so the patient filter resolves nested records) and then, appended through
``data.audit.append`` as the app writes them, record openings and changes by four users until
the trail holds ``ENTRIES`` entries. Timed (median of a few runs, SQLite): the first page of
each filter, the page at the old end of the trail (keyset paging: it must cost what the first
does), checking a patient filter (resolving the patient's records) and a CSV export of one
patient's entries. Prints the figures; fails only above generous bounds (the machine is shared).
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from rehab_tracker.data import audit
from rehab_tracker.data.database import Database, open_database
from rehab_tracker.data.models import AuditEntry, Patient
from rehab_tracker.services.audit_view import AuditFilter, AuditViewService
from rehab_tracker.services.demo_clinic import generate_clinic
from tests.staff import staff

ENTRIES = int(os.environ.get("BENCH_AUDIT_ENTRIES", "100000"))
PATIENTS = 12
RUNS = 3
#: seconds: a page (or checking a filter) slower than this is a failure on any machine
PAGE_LIMIT = 1.0
EXPORT_LIMIT = 20.0
USERS = ("dr.kim", "nurse.lee", "front.desk", "admin")

pytestmark = [pytest.mark.benchmark, pytest.mark.slow]


def _median(call: Callable[[], Any]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _fill(db: Database, today: dt.date) -> list[tuple[str, str]]:
    """The generated clinic, then openings and changes until the trail has ENTRIES entries;
    returns (record number, id) of the patients."""
    generate_clinic(db, patients=PATIENTS, today=today, seed=11)
    with db.reading() as s:
        patients = [(p.record_number, str(p.id))
                    for p in s.query(Patient).order_by(Patient.record_number)]
        have = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
    missing, n = max(0, ENTRIES - have), 0
    while n < missing:
        rows = []
        for i in range(n, min(missing, n + 5000)):
            _, patient = patients[i % len(patients)]
            if i % 3:
                rows.append(("access", "patients", patient, None, {"kind": "record"}))
            else:
                rows.append(("update", "patients", patient, {"notes": f"v{i}"},
                             {"notes": f"v{i + 1}"}))
        with db.unit_of_work(USERS[(n // 5000) % len(USERS)]) as session:
            audit.append(session, rows)
        n += len(rows)
    return patients


def test_pages_stay_fast_on_a_trail_of_100k_entries(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bench.db")
    try:
        patients = _fill(db, dt.date(2026, 11, 23))
        viewer = AuditViewService(db, staff("admin"))
        with db.reading() as s:
            total = s.execute(select(func.count()).select_from(AuditEntry)).scalar_one()
            oldest = s.execute(select(func.min(AuditEntry.seq))).scalar_one()
        assert total >= ENTRIES
        number, _ = patients[len(patients) // 2]
        today = dt.datetime.now().date()
        filters = {
            "no filter": AuditFilter(),
            "one patient": AuditFilter(patient=number),
            "one user": AuditFilter(user="nurse.lee"),
            "a kind": AuditFilter(kind="update"),
            "a rare kind": AuditFilter(kind="delete"),
            "an unknown user": AuditFilter(user="nobody"),
            "a date range": AuditFilter(since=today - dt.timedelta(days=1), until=today),
            "an empty date range": AuditFilter(since=dt.date(2020, 1, 1),
                                               until=dt.date(2020, 1, 2)),
            "patient, user and kind": AuditFilter(patient=number, user="dr.kim", kind="update"),
        }
        print(f"\naudit viewer over {total} entries ({PATIENTS} generated patients), SQLite, "
              f"median of {RUNS}:")
        worst = 0.0
        for name, wanted in filters.items():
            checking = _median(lambda wanted=wanted: viewer.query(wanted))  # type: ignore[misc]
            query = viewer.query(wanted)
            first = _median(lambda query=query: viewer.page(query))  # type: ignore[misc]
            print(f"  {name:24} check {checking * 1000:7.1f} ms, first page "
                  f"{first * 1000:7.1f} ms ({len(viewer.page(query).entries)} entries)")
            worst = max(worst, checking, first)
        query = viewer.query(AuditFilter())
        deep = _median(lambda: viewer.page(query, before=oldest + 250))
        print(f"  {'page at the old end':24} {deep * 1000:7.1f} ms (keyset: seq < {oldest + 250})")
        one = viewer.query(AuditFilter(patient=number))
        export = _median(lambda: viewer.export_csv(one, tmp_path / "one.csv"))
        rows = viewer.export_csv(one, tmp_path / "one.csv").rows
        print(f"  {'export of one patient':24} {export * 1000:7.1f} ms ({rows} rows)")
        assert worst < PAGE_LIMIT and deep < PAGE_LIMIT
        assert export < EXPORT_LIMIT
    finally:
        db.close()
