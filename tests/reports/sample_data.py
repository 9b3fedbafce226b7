"""Synthetic patients inserted through the ORM, for report, chart and benchmark tests.

``add_twelve_week_patient`` is a complete program (surgery, education, 36 sessions, baseline,
mid and end assessments, walking tests, a red flag and an adverse event); the others are the
partial cases a report must describe honestly.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    AdverseEvent,
    Exercise,
    ExerciseLog,
    OutcomeAssessment,
    Patient,
    Program,
    ProgramPhase,
    ScheduledSession,
    SessionLog,
    SetLog,
    Surgery,
    WalkTest,
)

TODAY = dt.date(2026, 11, 23)
PHASES = (
    ("motor_control", "Motor control and endurance", 1, 4),
    ("strength", "Strength", 5, 8),
    ("strength_function", "Strength and function", 9, 12),
)
#: code, name, dosage type, start load (kg) or None
EXERCISES = (
    ("roman_chair_extension", "Back extension on Roman chair", "reps", 2.0),
    ("goblet_squat", "Goblet squat", "reps", 4.0),
    ("bridge", "Bridge", "reps", None),
    ("side_plank", "Side plank", "hold", None),
)


@dataclass
class PatientSpec:
    record_number: str
    given: str = "Alex"
    family: str = "Example"
    sex: str = "male"
    born: dt.date = dt.date(1980, 5, 14)
    height_m: float | None = 1.78
    weight_kg: float | None = 82.0
    surgery_date: dt.date | None = dt.date(2026, 7, 20)
    #: the education day; exercise starts two days later on the Wednesday
    program_start: dt.date | None = dt.date(2026, 8, 17)
    weeks_logged: int = 12
    missed_weeks: tuple[int, ...] = ()
    odi: tuple[tuple[dt.date, str, float], ...] = ()
    nprs_back: tuple[tuple[dt.date, str, float], ...] = ()
    nprs_leg: tuple[tuple[dt.date, str, float], ...] = ()
    walks: tuple[tuple[str, dt.date, str, float], ...] = ()
    red_flag_on: dt.date | None = None
    adverse: tuple[tuple[dt.date, str, str], ...] = field(default_factory=tuple)


def _exercises(session) -> dict[str, Exercise]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    found = {e.code: e for e in session.scalars(select(Exercise))}
    for code, name, dosage, _load in EXERCISES:
        if code not in found:
            ex = Exercise(code=code, name=name, body_region="trunk", dosage_type=dosage)
            session.add(ex)
            found[code] = ex
    session.flush()
    return found


def add_patient(db: Database, spec: PatientSpec) -> uuid.UUID:
    with db.unit_of_work("test") as session:
        ex = _exercises(session)
        p = Patient(
            record_number=spec.record_number,
            given_name=spec.given,
            family_name=spec.family,
            date_of_birth=spec.born,
            sex=spec.sex,
            height_m=spec.height_m,
            weight_kg=spec.weight_kg,
            pathway="surgical" if spec.surgery_date else "conservative",
        )
        session.add(p)
        if spec.surgery_date:
            p.surgeries.append(
                Surgery(
                    surgery_date=spec.surgery_date,
                    levels=["L5-S1"],
                    side="left",
                    surgeon="Dr. R. Surgeon",
                    hospital="General Hospital",
                )
            )
        session.flush()
        program = None
        if spec.program_start:
            program = Program(
                patient_id=p.id,
                template_code="usc-12-week",
                name="12-week exercise program",
                start_date=spec.program_start,
            )
            session.add(program)
            first = spec.program_start + dt.timedelta(days=7)  # exercise starts the next Monday
            for pos, (code, name, w1, w2) in enumerate(PHASES):
                program.phases.append(
                    ProgramPhase(
                        position=pos,
                        code=code,
                        name=name,
                        start_week=w1,
                        end_week=w2,
                        start_date=first + dt.timedelta(weeks=w1 - 1),
                        end_date=first + dt.timedelta(weeks=w2, days=-1),
                    )
                )
            program.scheduled_sessions.append(
                ScheduledSession(number=0, week=0, scheduled_date=spec.program_start,
                                 kind="education")
            )
            session.flush()
            number = 0
            for week in range(1, 13):
                for offset in (0, 2, 4):
                    number += 1
                    day = first + dt.timedelta(weeks=week - 1, days=offset)
                    slot = ScheduledSession(
                        program_id=program.id, number=number, week=week, scheduled_date=day
                    )
                    session.add(slot)
                    session.flush()
                    if week > spec.weeks_logged or day > TODAY:
                        continue
                    missed = week in spec.missed_weeks
                    log = SessionLog(
                        patient_id=p.id,
                        program_id=program.id,
                        scheduled_session_id=slot.id,
                        session_date=day,
                        attended=not missed,
                        missed_reason="ill" if missed else None,
                        red_flag_result="clear",
                    )
                    if not missed:
                        log.pain_back_before = max(0, 6 - week // 2)
                        log.pain_back_after = max(0, 5 - week // 2)
                        log.pain_leg_before = max(0, 4 - week // 3)
                        log.pain_leg_after = max(0, 4 - week // 3)
                        if spec.red_flag_on == day:
                            log.red_flag_result = "positive"
                            log.red_flags = {"both_legs": True, "saddle_numbness": False}
                        for pos, (code, _n, dosage, load) in enumerate(EXERCISES):
                            el = ExerciseLog(
                                exercise_id=ex[code].id, position=pos, status="changed"
                            )
                            for s in range(1, 4):
                                el.sets.append(
                                    SetLog(
                                        set_number=s,
                                        reps=8 + week // 3 if dosage == "reps" else 1,
                                        hold_seconds=20.0 + week if dosage == "hold" else None,
                                        load_kg=None if load is None else load + week,
                                    )
                                )
                            log.exercises.append(el)
                    session.add(log)
        pid = program.id if program else None
        for instrument, values in (
            ("odi", spec.odi),
            ("nprs_back", spec.nprs_back),
            ("nprs_leg", spec.nprs_leg),
        ):
            for day, timepoint, score in values:
                session.add(
                    OutcomeAssessment(
                        patient_id=p.id,
                        program_id=pid,
                        instrument=instrument,
                        assessed_on=day,
                        timepoint=timepoint,
                        score=score,
                        scoring_rule="odi-2.1a;max_missing=1" if instrument == "odi" else "nprs",
                    )
                )
        for test, day, timepoint, value in spec.walks:
            session.add(
                WalkTest(
                    patient_id=p.id,
                    program_id=pid,
                    test=test,
                    performed_on=day,
                    timepoint=timepoint,
                    value=value,
                    unit="m" if test in ("walk_5min", "walk_6min") else "s",
                )
            )
        for day, severity, text in spec.adverse:
            session.add(
                AdverseEvent(
                    patient_id=p.id, occurred_on=day, severity=severity, description=text,
                    action_taken="Rested; reviewed next session",
                )
            )
        session.flush()
        return p.id


BASE = dt.date(2026, 8, 17)
MID = dt.date(2026, 10, 5)
END = dt.date(2026, 11, 16)


def twelve_week_spec(record: str = "RT-00001") -> PatientSpec:
    return PatientSpec(
        record_number=record,
        given="Maria",
        family="Jensen",
        sex="female",
        born=dt.date(1978, 3, 2),
        height_m=1.68,
        weight_kg=70.0,
        odi=((BASE, "baseline", 42.0), (MID, "mid", 30.0), (END, "end", 24.0)),
        nprs_back=((BASE, "baseline", 6.0), (MID, "mid", 4.0), (END, "end", 3.0)),
        nprs_leg=((BASE, "baseline", 5.0), (MID, "mid", 3.0), (END, "end", 4.0)),
        walks=(
            ("walk_5min", BASE, "baseline", 380.0),
            ("walk_5min", END, "end", 440.0),
            ("walk_6min", BASE, "baseline", 420.0),
            ("walk_6min", MID, "mid", 470.0),
            ("walk_6min", END, "end", 505.0),
            ("walk_50ft_preferred", BASE, "baseline", 5.2),
            ("walk_50ft_preferred", END, "end", 4.4),
            ("walk_50ft_fastest", BASE, "baseline", 3.9),
            ("walk_50ft_fastest", END, "end", 3.6),
            ("tug", BASE, "baseline", 9.8),
            ("tug", END, "end", 8.1),
        ),
        red_flag_on=dt.date(2026, 9, 21),
        adverse=((dt.date(2026, 9, 30), "mild", "Muscle soreness after squats"),),
    )


def add_twelve_week_patient(db: Database, record: str = "RT-00001") -> uuid.UUID:
    return add_patient(db, twelve_week_spec(record))


def add_baseline_only_patient(db: Database) -> uuid.UUID:
    return add_patient(
        db,
        PatientSpec(
            record_number="RT-00002",
            given="Sam",
            family="Baseline",
            program_start=dt.date(2026, 11, 9),
            weeks_logged=1,
            surgery_date=dt.date(2026, 10, 5),
            odi=((dt.date(2026, 11, 9), "baseline", 38.0),),
            nprs_back=((dt.date(2026, 11, 9), "baseline", 5.0),),
            height_m=None,
        ),
    )


def add_missed_weeks_patient(db: Database) -> uuid.UUID:
    return add_patient(
        db,
        PatientSpec(
            record_number="RT-00003",
            given="Kim",
            family="Gaps",
            missed_weeks=(5, 6, 7),
            odi=((BASE, "baseline", 50.0), (END, "end", 44.0)),
            nprs_leg=((BASE, "baseline", 7.0), (END, "end", 2.0)),
        ),
    )


def add_conservative_patient(db: Database) -> uuid.UUID:
    return add_patient(
        db,
        PatientSpec(
            record_number="RT-00004",
            given="Lee",
            family="Conservative",
            surgery_date=None,
            program_start=dt.date(2026, 9, 28),
            weeks_logged=7,
            odi=((dt.date(2026, 9, 28), "baseline", 30.0), (dt.date(2026, 11, 16), "mid", 18.0)),
        ),
    )


def add_empty_patient(db: Database) -> uuid.UUID:
    """Enrolled, with a surgery, nothing else."""
    return add_patient(
        db,
        PatientSpec(record_number="RT-00005", given="Nia", family="Empty", program_start=None),
    )
