"""The clinic-scale generator (``rehab-tracker demo --patients N``, issue 12 item 7): the rows it
writes in bulk are what the app's own services and checks expect."""

from __future__ import annotations

import datetime as dt
from collections import Counter as Tally
from pathlib import Path

import pytest
from sqlalchemy import func, select

from rehab_tracker.cli import main
from rehab_tracker.data import audit, maintenance
from rehab_tracker.data.database import Database, open_database
from rehab_tracker.data.models import (
    AuditEntry,
    Base,
    ExerciseLog,
    OutcomeAssessment,
    Patient,
    Prescription,
    Program,
    ScheduledSession,
    SessionLog,
    SetLog,
    WalkTest,
)
from rehab_tracker.services.container import Services
from rehab_tracker.services.demo_clinic import GENERATED, generate_clinic
from rehab_tracker.services.errors import ServiceError
from tests.staff import staff

PATIENTS = 50


def _count(db: Database, model: type[Base]) -> int:
    with db.reading() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_fifty_patients_with_their_program_history_outcomes_and_audit(
    any_db: Database, today: dt.date
) -> None:
    seen: list[tuple[int, int]] = []
    made = generate_clinic(
        any_db,
        patients=PATIENTS,
        today=today,
        seed=7,
        progress=lambda done, total: seen.append((done, total)),
        progress_every=20,
    )
    assert seen == [(20, 50), (40, 50), (50, 50)]
    assert _count(any_db, Patient) == PATIENTS
    for table, count in made.counts.items():
        assert _count(any_db, Base.metadata.tables[table]) == count, table  # type: ignore[arg-type]
    with any_db.reading() as s:
        programs = s.scalars(select(Program)).all()
        slots = Tally(
            s.scalars(
                select(ScheduledSession.program_id).where(
                    ScheduledSession.kind == "exercise", ScheduledSession.scheduled_date < today
                )
            )
        )
        logged = Tally(s.scalars(select(SessionLog.program_id)))
        completed = [p for p in programs if p.status == "completed"]
        assert len(completed) > PATIENTS // 2 and any(p.status == "active" for p in programs)
        for p in programs:
            if p.status == "completed":  # every one of the 36 sessions logged (or missed)
                assert logged[p.id] == 36, p.id
            else:  # the sessions of the past part of the program
                assert logged[p.id] == slots[p.id], p.id
        # an attended session: each exercise prescribed in its phase, with its sets
        rx_sets = {i: n for i, n in s.execute(select(Prescription.id, Prescription.sets))}
        sets_per_entry = Tally(s.scalars(select(SetLog.exercise_log_id)))
        entries = s.execute(select(ExerciseLog.id, ExerciseLog.prescription_id)).all()
        assert entries
        for entry_id, rx_id in entries:
            assert rx_id is not None
            assert sets_per_entry[entry_id] == rx_sets[rx_id]
        attended = s.scalars(
            select(SessionLog.id).where(SessionLog.attended, SessionLog.status == "final")
        ).all()
        per_session = Tally(s.scalars(select(ExerciseLog.session_id)))
        assert all(per_session[i] >= 6 for i in attended)
        assert s.scalar(select(func.count()).where(SessionLog.attended.is_(False))) > 0
        # every session has a red-flag screen; the positive ones are counted
        results = Tally(s.scalars(select(SessionLog.red_flag_result)))
        assert set(results) <= {"clear", "positive"}
        assert results["positive"] == made.counts.get("red_flag_positive", 0)
        # baseline, mid and end: four questionnaires and five walking tests each
        for p in completed:
            outcomes = s.scalars(
                select(OutcomeAssessment.timepoint).where(OutcomeAssessment.program_id == p.id)
            ).all()
            assert Tally(outcomes) == {"baseline": 4, "mid": 4, "end": 4}
            walks = s.scalars(select(WalkTest.timepoint).where(WalkTest.program_id == p.id)).all()
            assert Tally(walks) == {"baseline": 5, "mid": 5, "end": 5}
        # one honest audit entry per generated patient, in an intact chain
        generated = s.scalars(select(AuditEntry).where(AuditEntry.action == GENERATED)).all()
        assert {e.entity_id for e in generated} == {str(i) for i in s.scalars(select(Patient.id))}
        assert all(e.actor == "demo" and e.after and e.after["rows"] for e in generated)
        assert audit.verify_chain(s) == []
    assert maintenance.check(any_db).ok
    # the services the window uses read the generated patients
    services = Services(any_db, staff("t"))
    rows = services.patients.list_patients(today=today)
    assert len(rows) == PATIENTS
    done = next(p for p in completed)
    overview = services.patients.overview(done.patient_id, today=today)
    assert overview.program_id == done.id
    assert overview.sessions_attended > 0
    assert {"odi", "nprs_back", "walk_6min"} <= set(overview.latest_scores)


def test_the_seed_decides_the_database(tmp_path: Path, today: dt.date) -> None:
    def generated(name: str, seed: int) -> list[tuple[object, ...]]:
        db = open_database(tmp_path / name)
        try:
            generate_clinic(db, patients=5, today=today, seed=seed)
            with db.reading() as s:
                return [
                    tuple(r)
                    for r in s.execute(
                        select(Patient.id, Patient.record_number, Patient.given_name).order_by(
                            Patient.record_number
                        )
                    )
                ] + [tuple(r) for r in s.execute(select(SetLog.id, SetLog.reps, SetLog.effort))]
        finally:
            db.close()

    first = generated("a.db", 3)
    assert first == generated("b.db", 3)
    assert first != generated("c.db", 4)


def test_refuses_a_clinic_with_patients_unless_forced(db: Database, today: dt.date) -> None:
    generate_clinic(db, patients=2, today=today)
    with pytest.raises(ServiceError, match="already has patients"):
        generate_clinic(db, patients=2, today=today)
    generate_clinic(db, patients=2, today=today, force=True)
    with db.reading() as s:
        numbers = s.scalars(select(Patient.record_number).order_by(Patient.record_number)).all()
    assert numbers == ["RT-00001", "RT-00002", "RT-00003", "RT-00004"]
    assert maintenance.check(db).ok


def test_cli_prints_progress_and_db_check_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "clinic.db"
    password = "generated-clinic-1"
    assert main(["demo", "--patients", "20", "--db", str(path), "--password", password]) == 0
    out, err = capsys.readouterr()
    assert "Added 20 generated patients" in out
    assert "set_logs:" in out
    assert err.splitlines() == [f"{n} of 20 patients written" for n in range(2, 21, 2)]
    # the full check: every seal of the bulk-written trail and every row against it
    assert main(["db", "check", "--full", "--db", str(path)]) == 0
    assert "result: OK" in capsys.readouterr().out
    monkeypatch.setenv("REHAB_TRACKER_USER", "admin")
    monkeypatch.setenv("REHAB_TRACKER_PASSWORD", password)
    assert main(["patients", "--db", str(path)]) == 0
    assert len([line for line in capsys.readouterr().out.splitlines() if "RT-" in line]) == 20
    assert main(["demo", "--patients", "0", "--db", str(path)]) == 2
    assert "at least 1" in capsys.readouterr().err
