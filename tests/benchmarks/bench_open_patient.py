"""Open-patient benchmark: the services' read behind the Sessions tab and the overview, against
the same queries in raw SQL through sqlite3.

Run: ``.venv/bin/pytest tests/benchmarks/bench_open_patient.py -s -m benchmark``. A patient with
12 weeks of logs (36 sessions x 8 exercises x 3 sets) plus baseline and week-12 outcomes. Timed,
after a warm-up, medians of 51 runs of each, run alternately:

* service: ``SessionService.overview`` (session rows with per-session exercise/set/adverse counts,
  slots, adherence (its own statement, ``services._lookup.program_adherence``), next slot, open
  red flags and the assessment schedule, in one read);
* raw: the same SQL statements in one read transaction with ``sqlite3`` (rows fetched, nothing
  built from them).

Prints both times and the ratio; fails above 3x.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.data.models import Exercise
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import ExerciseEntry, SessionEntry, SetEntry

RUNS = 51
LIMIT = 3.0
EXERCISES = 8
SETS = 3

pytestmark = pytest.mark.benchmark

RAW = (
    ("SELECT id, status, start_date FROM programs WHERE patient_id = ? ORDER BY start_date", "p"),
    (
        "SELECT ss.id, ss.number, ss.week, ss.scheduled_date, ss.kind, ss.location, sl.id, "
        "sl.status, sl.attended, sl.deleted_at FROM scheduled_sessions ss LEFT OUTER JOIN "
        "session_logs sl ON sl.scheduled_session_id = ss.id WHERE ss.program_id = ? "
        "ORDER BY ss.number",
        "g",
    ),
    (
        "SELECT sl.id, sl.session_date, ss.number, ss.week, sl.location, sl.attended, "
        "sl.missed_reason, sl.status, sl.red_flag_result, sl.pain_back_before, "
        "sl.pain_back_after, sl.pain_leg_before, sl.pain_leg_after, sl.deleted_at, "
        "(SELECT count(el.id) FROM exercise_logs el WHERE el.session_id = sl.id), "
        "(SELECT count(s.id) FROM set_logs s JOIN exercise_logs el ON el.id = s.exercise_log_id "
        "WHERE el.session_id = sl.id), "
        "(SELECT count(ae.id) FROM adverse_events ae WHERE ae.patient_id = sl.patient_id AND "
        "ae.session_id = sl.id AND ae.deleted_at IS NULL), "
        "CASE WHEN sl.red_flag_result = 'positive' THEN sl.red_flags ELSE NULL END, "
        "(SELECT min(f.scheduled_date) FROM scheduled_sessions f "
        "WHERE f.program_id = sl.program_id AND f.kind = 'exercise'), "
        "sl.red_flag_acknowledged_at, sl.red_flag_referred_to, sl.red_flag_cleared_by, "
        "sl.red_flag_cleared_on, sl.red_flag_advice, sl.red_flag_referral_details "
        "FROM session_logs sl LEFT OUTER JOIN scheduled_sessions ss "
        "ON ss.id = sl.scheduled_session_id WHERE sl.patient_id = ? AND sl.deleted_at IS NULL "
        "ORDER BY sl.session_date, ss.number",
        "p",
    ),
    (
        "SELECT ss.week, ss.scheduled_date, sl.session_date, sl.status, sl.attended "
        "FROM scheduled_sessions ss LEFT OUTER JOIN session_logs sl "
        "ON sl.scheduled_session_id = ss.id AND sl.deleted_at IS NULL "
        "WHERE ss.program_id = ?1 AND ss.kind = 'exercise' UNION ALL "
        "SELECT NULL, NULL, sl.session_date, sl.status, sl.attended FROM session_logs sl "
        "WHERE sl.program_id = ?1 AND sl.scheduled_session_id IS NULL AND sl.deleted_at IS NULL",
        "g",
    ),
    (
        "SELECT id, timepoint, label, due_date, instruments FROM scheduled_assessments "
        "WHERE program_id = ?",
        "g",
    ),
    (
        "SELECT assessed_on, timepoint FROM outcome_assessments WHERE patient_id = ?1 "
        "AND deleted_at IS NULL UNION ALL SELECT performed_on, NULL FROM walk_tests "
        "WHERE patient_id = ?1 AND deleted_at IS NULL",
        "p",
    ),
)


def _interleaved_medians(first, second) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median times of two functions run alternately (both see the same machine load)."""
    first()
    second()
    a, b = [], []
    for _ in range(RUNS):
        start = time.perf_counter()
        first()
        a.append(time.perf_counter() - start)
        start = time.perf_counter()
        second()
        b.append(time.perf_counter() - start)
    return statistics.median(a), statistics.median(b)


def test_open_patient_against_raw_sql(db, today) -> None:  # type: ignore[no-untyped-def]
    b = build_patient(db, today, weeks_ago=13)
    s = b.services
    with db.reading() as session:
        exercises = [(e.id, e.name) for e in session.query(Exercise).limit(EXERCISES)]
    no = {f.code: False for f in RED_FLAGS}
    slots = [x for x in s.sessions.slots(b.patient_id) if x.kind == "exercise"]
    assert len(slots) == 36
    for slot in slots:
        entry = SessionEntry(
            session_date=slot.scheduled_date,
            pain_back_before=3,
            pain_back_after=2,
            pain_leg_before=2,
            pain_leg_after=1,
            red_flags=no,
            exercises=tuple(
                ExerciseEntry(
                    exercise_id=eid,
                    name=name,
                    dosage_type="reps",
                    sets=tuple(SetEntry(reps=10, load_kg=5.0, effort=5) for _ in range(SETS)),
                    status="changed",
                )
                for eid, name in exercises
            ),
        )
        s.sessions.save(b.patient_id, slot.id, entry, today=today)
    s.outcomes.record_odi(b.patient_id, [3] * 10, assessed_on=b.start, today=today,
                          timepoint="baseline")
    s.outcomes.record_odi(b.patient_id, [1] * 10, assessed_on=today, today=today,
                          timepoint="end")

    def service_open() -> None:
        view = s.sessions.overview(b.patient_id, today=today)
        assert len(view.rows) == 36 and view.rows[0].sets == EXERCISES * SETS
        assert view.assessments and view.adherence.planned == 36

    assert db.path is not None
    conn = sqlite3.connect(db.path, isolation_level=None)
    params = {"p": (b.patient_id.hex,), "g": (b.program_id.hex,)}

    def raw_open() -> None:
        # the same statements in one read transaction, as the service
        cur = conn.cursor()
        cur.execute("BEGIN")
        for sql, key in RAW:
            cur.execute(sql, params[key]).fetchall()
        cur.execute("COMMIT")

    raw_open()
    logs = conn.execute(RAW[2][0], params["p"]).fetchall()
    assert len(logs) == 36 and all(r[15] == EXERCISES * SETS for r in logs)

    service, raw = _interleaved_medians(service_open, raw_open)
    conn.close()
    ratio = service / raw
    print(
        f"\nopen patient (36 sessions x {EXERCISES} exercises x {SETS} sets): "
        f"service {service * 1000:.2f} ms, raw SQL {raw * 1000:.2f} ms, ratio {ratio:.2f}x"
    )
    assert ratio < LIMIT, f"open patient is {ratio:.2f}x the raw SQL (limit {LIMIT}x)"
