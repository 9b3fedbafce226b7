"""Migration exercise_status (0009): every exercise log is kept and gets a status from what was
logged: done when its sets hold its prescription's dose, changed otherwise, not done without a
set. On SQLite and PostgreSQL (``any_db``)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from sqlalchemy import inspect, select

from rehab_tracker.data import migrate
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import ExerciseLog
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import SetEntry, mark_all_done

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

ALL_NO = {f.code: False for f in RED_FLAGS}


def test_existing_exercise_logs_are_kept_with_the_status_their_sets_show(
    any_db: Database, today
) -> None:
    b = build_patient(any_db, today)
    s = b.services.sessions
    slot = next(x for x in s.slots(b.patient_id) if x.kind == "exercise")
    form = s.new_form(b.patient_id, slot.id, today=today)
    done, changed, not_done, *rest = mark_all_done(form.entry).exercises
    changed = dataclasses.replace(changed, sets=(SetEntry(reps=1),), status="changed")
    # stored as the old form stored an exercise whose values were all cleared: no set
    not_done = dataclasses.replace(not_done, sets=(SetEntry(),), status="not_done")
    entry = dataclasses.replace(
        form.entry, exercises=(done, changed, not_done, *rest), red_flags=ALL_NO
    )
    s.save(b.patient_id, slot.id, entry, today=today)
    with any_db.reading() as session:
        before = {
            log.exercise_id: len(log.sets) for log in session.scalars(select(ExerciseLog))
        }

    migrate.downgrade(any_db.engine, "0008")  # the revision before exercise_status
    with any_db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("exercise_logs")}
    assert "status" not in columns
    migrate.upgrade(any_db.engine)

    with any_db.reading() as session:
        logs = {log.exercise_id: log for log in session.scalars(select(ExerciseLog))}
        assert {k: len(v.sets) for k, v in logs.items()} == before  # every row and set kept
        assert logs[done.exercise_id].status == "done"
        assert logs[changed.exercise_id].status == "changed"
        assert logs[not_done.exercise_id].status == "not_done"
        assert {logs[e.exercise_id].status for e in rest} <= {"done"}
