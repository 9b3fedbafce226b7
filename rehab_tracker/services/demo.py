"""A synthetic demo clinic so a newcomer sees a living clinic at once (``rehab-tracker demo``).

Every name and number here is invented. Patients sit at different weeks of the program; their
sessions, sets, pain ratings, questionnaires and walking tests follow plausible recoveries with
noise, missed visits, one adverse event and one open red flag. Patients and programs go through
the same services a clinician uses (so the same validation applies); the logged history is then
written in one unit of work per patient.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    AdverseEvent,
    ExerciseLog,
    OutcomeAssessment,
    Patient,
    Prescription,
    ProgramPhase,
    ScheduledSession,
    SessionLog,
    SetLog,
    WalkTest,
)
from rehab_tracker.domain import scoring
from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.domain.outcomes import threshold_key
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.restrictions import Restriction
from rehab_tracker.domain.roles import Principal, Role
from rehab_tracker.domain.sessions import (
    SetEntry,
    lap_length_m,
    planned_sets,
    set_values,
    six_minute_walk_distance,
    status_of_sets,
)
from rehab_tracker.domain.thresholds import shown_unit
from rehab_tracker.services.container import Services
from rehab_tracker.services.errors import ServiceError

ACTOR = "demo"
#: who writes the demo clinic when nobody signed in asks for it (the test templates); the
#: command line and the welcome page pass the signed-in user instead
DEMO_PRINCIPAL = Principal(ACTOR, Role.ADMINISTRATOR)
FEET_50_M = 15.24


@dataclass(frozen=True)
class DemoPatient:
    given: str
    family: str
    sex: str
    age: int
    height_cm: float
    weight_kg: float
    #: program week today (0 = enrolled, no program yet; 13 = finished)
    week: int
    pathway: str = "surgical"
    levels: tuple[str, ...] = ("L5-S1",)
    side: str = "left"
    intensity: str = "high"
    #: how well this patient recovers: 1.0 typical, lower slower
    response: float = 1.0
    adherence: float = 0.88
    red_flag: bool = False
    adverse_event: bool = False
    #: the surgeon's early restrictions: (kind, limit, weeks after surgery it ends)
    restrictions: tuple[tuple[str, float | None, int], ...] = ()


CAST = (
    DemoPatient("Maren", "Okafor", "female", 41, 168, 64, week=11, response=1.15),
    DemoPatient("Tomasz", "Lindqvist", "male", 36, 183, 88, week=9, levels=("L4-L5",)),
    DemoPatient(
        "Aiko",
        "Brennan",
        "female",
        52,
        161,
        70,
        week=7,
        intensity="low",
        response=0.8,
        adverse_event=True,
    ),
    DemoPatient("Rafael", "Moreau", "male", 45, 176, 92, week=5, side="right", adherence=0.75),
    DemoPatient(
        "Ingrid",
        "Castellano",
        "female",
        29,
        172,
        59,
        week=3,
        levels=("L4-L5", "L5-S1"),
        restrictions=(("lifting", 5.0, 12), ("no_loaded_flexion", None, 12)),
    ),
    DemoPatient("Dev", "Halvorsen", "male", 58, 179, 84, week=2, red_flag=True),
    DemoPatient("Noor", "Fitzgerald", "female", 47, 165, 73, week=13, response=0.6),
    DemoPatient("Samuel", "Adeyemi", "male", 39, 187, 95, week=6, pathway="conservative"),
    DemoPatient(
        "Lucia", "Petrov", "female", 33, 170, 62, week=0,
        restrictions=(("lifting", 4.5, 6), ("sitting", 30, 6), ("no_twisting", None, 6)),
    ),
)


#: the demo clinician's reason for the template exercises a restriction names (synthetic)
DEMO_RESTRICTION_REASON = (
    "Surgeon agreed these exercises at the first review, unloaded or within the lifting limit."
)


def _first_exercise_day(start: dt.date) -> dt.date:
    """Exercise session 1 falls on a Monday, Wednesday or Friday 2-3 days after education."""
    day = start + dt.timedelta(days=2)
    while day.weekday() not in (0, 2, 4):
        day += dt.timedelta(days=1)
    return day


def _program_start(today: dt.date, week: int) -> dt.date:
    """An education day (a Monday) such that ``today`` falls in program week ``week``."""
    target = today - dt.timedelta(weeks=week - 1)  # a day in week 1
    start = target - dt.timedelta(days=target.weekday())  # the Monday of that week
    if _first_exercise_day(start) > target:  # Monday or Tuesday: session 1 is a week earlier
        start -= dt.timedelta(days=7)
    return start


def refuse_a_clinic_with_patients(db: Database, *, force: bool) -> None:
    """ServiceError when the database has patients, unless ``force``: demo patients do not go
    among real ones by accident."""
    with db.reading() as session:
        existing = session.scalar(select(Patient.id).limit(1))
    if existing is not None and not force:
        raise ServiceError(
            "this database already has patients; the demo goes into a new database "
            "(use --db NEW_FILE) or add it anyway with --force"
        )


#: ``progress(done, total)`` after each demo patient (the welcome page's progress bar)
Progress = Callable[[int, int], object]


def seed_demo(
    db: Database,
    *,
    today: dt.date,
    seed: int = 7,
    force: bool = False,
    progress: Progress | None = None,
    principal: Principal = DEMO_PRINCIPAL,
) -> list[str]:
    """Add the demo clinic; returns one line per patient. Refuses a clinic with patients.

    The one way the demo is made: ``rehab-tracker demo`` and the welcome page's "Open the demo
    clinic" both call this; ``progress`` hears after each patient."""
    refuse_a_clinic_with_patients(db, force=force)
    services = Services(db, principal)
    services.library.ensure_seeded()
    rng = random.Random(seed)
    made = []
    if progress is not None:
        progress(0, len(CAST))
    for person in CAST:
        made.append(_seed_one(services, person, today, rng))
        if progress is not None:
            progress(len(made), len(CAST))
    return made


def _seed_one(services: Services, person: DemoPatient, today: dt.date, rng: random.Random) -> str:
    start = _program_start(today, max(person.week, 1))
    surgery_date = start - dt.timedelta(weeks=5, days=rng.randint(0, 4))
    if person.week == 0:
        surgery_date = today - dt.timedelta(weeks=3, days=2)
    dob = dt.date(today.year - person.age, rng.randint(1, 12), rng.randint(1, 28))
    surgery = (
        SurgeryDetails(
            surgery_date=surgery_date,
            levels=person.levels,
            side=person.side,
            surgeon=rng.choice(("Dr R. Iversen", "Dr P. Nakamura", "Dr L. Oduya")),
            hospital="St Aldric Spine Unit",
        )
        if person.pathway == "surgical"
        else None
    )
    patient_id = services.patients.enrol(
        PatientDetails(
            given_name=person.given,
            family_name=person.family,
            date_of_birth=dob,
            sex=person.sex,
            height_cm=person.height_cm,
            weight_kg=person.weight_kg,
            phone=f"0{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            pathway=person.pathway,
            notes="Synthetic demo patient.",
        ),
        surgery,
        today=today,
        restrictions=[
            Restriction(
                kind, surgery_date + dt.timedelta(weeks=weeks), limit=limit,
                starts_on=surgery_date, set_by=surgery.surgeon or "surgeon",
            )
            for kind, limit, weeks in person.restrictions
            if surgery is not None
        ],
    )
    if person.week == 0:
        return f"{person.given} {person.family}: enrolled, surgery {surgery_date}, no program yet"
    program_id = services.programs.create_from_template(
        patient_id, "usc-12-week", person.intensity, start, today=today,
        # what a clinician does with the template's doses past a restriction: loads kept to
        # the limits, and the reason for the movements the restriction names
        within_limits=bool(person.restrictions),
        restriction_reason=DEMO_RESTRICTION_REASON if person.restrictions else None,
    )
    _log_history(services.db, patient_id, program_id, person, today, rng)
    if person.week > 12:  # run its course, end-of-program assessment done: the therapist ends it
        version = services.programs.program(program_id).version
        services.programs.complete(
            program_id,
            ended_on=today,
            note="All 12 weeks done; discharged to the home exercise sheet.",
            expected_version=version,
            today=today,
        )
    week = f"week {person.week}" if person.week <= 12 else "program completed"
    return f"{person.given} {person.family}: {person.pathway}, {person.intensity} intensity, {week}"


def _trajectory(baseline: float, target: float, fraction: float, response: float) -> float:
    """Recovery curve: most of the change early, scaled by how well this patient responds."""
    progress: float = min(1.0, fraction) ** 0.7 * response
    return baseline + (target - baseline) * min(progress, 1.15)


def _log_history(
    db: Database,
    patient_id: uuid.UUID,
    program_id: uuid.UUID,
    person: DemoPatient,
    today: dt.date,
    rng: random.Random,
) -> None:
    with db.unit_of_work(ACTOR) as session:
        patient = session.get(Patient, patient_id)
        assert patient is not None
        slots = list(
            session.scalars(
                select(ScheduledSession)
                .where(ScheduledSession.program_id == program_id)
                .order_by(ScheduledSession.number)
            )
        )
        phases = list(
            session.scalars(select(ProgramPhase).where(ProgramPhase.program_id == program_id))
        )
        prescriptions = list(
            session.scalars(
                select(Prescription)
                .where(Prescription.program_id == program_id, Prescription.valid_to.is_(None))
                .order_by(Prescription.position)
            )
        )
        back0 = rng.randint(5, 7)
        leg0 = rng.randint(4, 7)
        odi0 = rng.uniform(38, 52)
        adverse_at = rng.randint(8, 14) if person.adverse_event else None
        flagged = False
        for slot in slots:
            if slot.scheduled_date >= today or slot.kind != "exercise":
                continue
            fraction = slot.number / 36
            back = _trajectory(back0, 1.5, fraction, person.response)
            leg = _trajectory(leg0, 0.8, fraction, person.response)
            log = SessionLog(
                created_by=ACTOR,
                patient_id=patient_id,
                program_id=program_id,
                scheduled_session_id=slot.id,
                session_date=slot.scheduled_date,
                location="clinic",
                red_flag_result="clear",
                red_flags={code: False for code in _RED_FLAG_CODES},
            )
            session.add(log)
            last_slot = slot.scheduled_date >= today - dt.timedelta(days=3)
            if person.red_flag and last_slot and not flagged:
                flagged = True
                log.attended = True
                log.status = "aborted"
                log.red_flag_result = "positive"
                log.red_flags = {code: code == "new_both_legs" for code in _RED_FLAG_CODES}
                log.notes = "Numbness in both legs since yesterday. Session stopped; referred."
                # the outcome is recorded; the clearance is not yet (RT-00006 stays on hold)
                log.red_flag_advice = (
                    "Possible cauda equina syndrome: no exercise; emergency spinal assessment "
                    "today. Exercise resumes only once a clinician has cleared it."
                )
                log.red_flag_referred_to = "emergency_services"
                log.red_flag_referral_details = (
                    "Ambulance called from the clinic; taken to the emergency department."
                )
                log.red_flag_outcome_at = dt.datetime.combine(
                    slot.scheduled_date, dt.time(10, 30), tzinfo=dt.UTC
                )
                log.red_flag_outcome_by = ACTOR
                continue
            if rng.random() > person.adherence:
                log.attended = False
                log.missed_reason = rng.choice(
                    ("Unwell (cold)", "Work commitment", "Transport problem", "Childcare")
                )
                continue
            noise = rng.choice((-1, 0, 0, 0, 1))
            log.pain_back_before = _pain(back + noise)
            log.pain_back_after = _pain(back + noise + rng.choice((-1, -1, 0, 0, 0, 1)))
            log.pain_leg_before = _pain(leg)
            # leg pain seldom rises during a session once the nerve has settled
            log.pain_leg_after = (
                log.pain_leg_before if rng.random() > 0.06 else _pain(leg + 1)
            )
            log.effort = rng.randint(5, 7)
            phase = next(
                (p for p in phases if p.start_date <= slot.scheduled_date <= p.end_date), None
            )
            todays = [p for p in prescriptions if phase is not None and p.phase_id == phase.id]
            for position, rx in enumerate(todays):
                _log_exercise(log, rx, position, fraction, rng)
            if adverse_at == slot.number:
                log.pain_back_after = _pain((log.pain_back_before or 3) + 3)
                session.add(
                    AdverseEvent(
                        created_by=ACTOR,
                        patient_id=patient_id,
                        session=log,
                        occurred_on=slot.scheduled_date,
                        description="Sharp increase in low back pain during Roman chair holds.",
                        severity="moderate",
                        action_taken="Stopped the exercise; ice; reduced hold time next session.",
                    )
                )
        _record_outcomes(session, patient, program_id, slots, person, today, rng, odi0, back0, leg0)


_RED_FLAG_CODES = tuple(flag.code for flag in RED_FLAGS)


def _pain(value: float) -> int:
    return max(0, min(10, round(value)))


def _log_exercise(
    log: SessionLog, rx: Prescription, position: int, fraction: float, rng: random.Random
) -> None:
    entry = ExerciseLog(
        created_by=ACTOR, exercise_id=rx.exercise_id, prescription_id=rx.id, position=position
    )
    log.exercises.append(entry)
    for number in range(1, rx.sets + 1):
        entry.sets.append(
            SetLog(created_by=ACTOR, **demo_set_values(rx.dosage, number, fraction, rng))
        )
    entry.status = status_of_sets(
        planned_sets(rx.dosage), [SetEntry(**set_values(s)) for s in entry.sets]
    )


def demo_set_values(
    dose: Dosage, number: int, fraction: float, rng: random.Random
) -> dict[str, Any]:
    """What one set of a prescribed dose looks like ``fraction`` of the way through the program:
    the SetLog attributes (the demo clinic and the clinic-scale generator share it)."""
    growth = 1.0 + 0.5 * fraction
    effort = max(0, min(10, (dose.effort_target or 6) + rng.choice((-1, 0, 0, 0, 0, 1))))
    values: dict[str, Any] = {
        "set_number": number,
        "effort": effort,
        "reps": None,
        "hold_seconds": None,
        "load_kg": None,
        "distance_m": None,
        "duration_s": None,
    }
    if dose.dosage_type == "reps":
        top = dose.reps_max or dose.reps_min or 10
        values["reps"] = max(1, top - rng.choice((0, 0, 0, 0, 1)))
        if dose.load_kg:
            values["load_kg"] = round(dose.load_kg * growth * 2) / 2
    elif dose.dosage_type == "hold":
        values["hold_seconds"] = round((dose.hold_seconds or 20) * (0.9 + 0.3 * fraction))
        if dose.reps_max:  # repeated holds, e.g. 8-10 x 10 s
            values["reps"] = max(1, dose.reps_max - rng.choice((0, 0, 0, 1)))
    elif dose.dosage_type == "distance":
        values["distance_m"] = round((dose.distance_m or 400) * growth)
    else:
        values["duration_s"] = round((dose.duration_s or 600) * (0.9 + 0.3 * fraction))
    return values


def _odi_sections(target: float, rng: random.Random) -> list[int | None]:
    """Ten section answers whose score is close to ``target`` percent (sex life sometimes blank)."""
    total = round(target / 2)
    sections = [0] * 10
    order = list(range(10))
    rng.shuffle(order)
    while total > 0:
        for i in order:
            if total > 0 and sections[i] < 5:
                sections[i] += 1
                total -= 1
    answers: list[int | None] = list(sections)
    if rng.random() < 0.3:
        answers[7] = None  # sex life left blank, a common pattern
    return answers


def _record_outcomes(
    session: Session,
    patient: Patient,
    program_id: uuid.UUID,
    slots: list[ScheduledSession],
    person: DemoPatient,
    today: dt.date,
    rng: random.Random,
    odi0: float,
    back0: int,
    leg0: int,
) -> None:
    exercise = [s.scheduled_date for s in slots if s.kind == "exercise"]
    measured = Measured(
        sex=patient.sex,
        age=today.year - patient.date_of_birth.year,
        height_cm=(patient.height_m or 1.7) * 100,
        weight_kg=patient.weight_kg or 70,
        response=person.response,
        odi0=odi0,
        back0=back0,
        leg0=leg0,
    )
    questionnaires, walks = assessment_values(measured, exercise, today, rng)
    for values in questionnaires:
        session.add(
            OutcomeAssessment(
                created_by=ACTOR, patient_id=patient.id, program_id=program_id, **values
            )
        )
    for values in walks:
        session.add(
            WalkTest(created_by=ACTOR, patient_id=patient.id, program_id=program_id, **values)
        )


@dataclass(frozen=True)
class Measured:
    """What a patient's assessments are drawn from: who they are, how well they recover, and
    their baseline questionnaire and pain scores."""

    sex: str
    age: int
    height_cm: float
    weight_kg: float
    response: float
    odi0: float
    back0: int
    leg0: int


def assessment_values(
    who: Measured, exercise_days: list[dt.date], today: dt.date, rng: random.Random
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The questionnaires and walking tests at baseline, mid-program and end (those before
    ``today``) of a program whose exercise sessions fall on ``exercise_days``: the attributes
    of its OutcomeAssessment and WalkTest rows, without patient or program."""
    points = [("baseline", exercise_days[0] - dt.timedelta(days=2), 0.0)]
    if len(exercise_days) >= 18 and exercise_days[17] < today:
        points.append(("mid", exercise_days[17], 0.5))
    if exercise_days[-1] < today:
        points.append(("end", exercise_days[-1] + dt.timedelta(days=1), 1.0))
    predicted, _ = scoring.six_minute_walk_predicted(
        who.sex if who.sex in ("male", "female") else "female",
        who.age,
        who.height_cm,
        who.weight_kg,
    )
    response = who.response
    questionnaires: list[dict[str, Any]] = []
    walk_tests: list[dict[str, Any]] = []
    for timepoint, on, fraction in points:
        odi_sections = _odi_sections(_trajectory(who.odi0, 14, fraction, response), rng)
        odi = scoring.odi_score(odi_sections, max_missing=1)
        rmdq_items = [False] * 24
        for i in rng.sample(range(24), round(_trajectory(12, 3, fraction, response))):
            rmdq_items[i] = True
        rows: list[tuple[str, dict[str, Any], float | None, str]] = [
            ("odi", {"sections": odi_sections}, odi, scoring.odi_rule_id(1)),
            (
                "rmdq",
                {"items": rmdq_items},
                float(scoring.rmdq_score(rmdq_items)),
                scoring.rmdq_rule_id(),
            ),
            (
                "nprs_back",
                {"value": _pain(_trajectory(who.back0, 1.5, fraction, response))},
                None,
                scoring.nprs_rule_id(),
            ),
            (
                "nprs_leg",
                {"value": _pain(_trajectory(who.leg0, 0.5, fraction, response))},
                None,
                scoring.nprs_rule_id(),
            ),
        ]
        for instrument, answers, score, rule in rows:
            value = float(answers["value"]) if score is None else score
            questionnaires.append(
                {
                    "instrument": instrument,
                    "assessed_on": on,
                    "timepoint": timepoint,
                    "answers": answers,
                    "score": value,
                    "scoring_rule": rule,
                }
            )
        six = _trajectory(predicted * 0.7, predicted * 0.95, fraction, response)
        course = 30.0
        lap = lap_length_m(course)  # ATS 2002: out and back, 60 m
        laps = int(six // lap)
        walks = [
            ("walk_5min", round(_trajectory(330, 420, fraction, response)), {}),
            (
                "walk_6min",
                round(six_minute_walk_distance(course, laps, round(six % lap, 1)), 1),
                {
                    "course_length_m": course,
                    "lap_length_m": lap,
                    "laps": laps,
                    "partial_lap_m": round(six % lap, 1),
                    "rests": 0,
                    "stop_reason": None,
                    "effort_before": 1,
                    "effort_after": 5,
                    "breathlessness_before": 0,
                    "breathlessness_after": 3,
                },
            ),
            (
                "walk_50ft_preferred",
                round(_trajectory(13.5, 10.5, fraction, response), 1),
                {"distance_m": FEET_50_M},
            ),
            (
                "walk_50ft_fastest",
                round(_trajectory(9.5, 7.2, fraction, response), 1),
                {"distance_m": FEET_50_M},
            ),
            ("tug", round(_trajectory(10.8, 7.9, fraction, response), 1), {}),
        ]
        for test, value, details in walks:
            walk_tests.append(
                {
                    "test": test,
                    "performed_on": on,
                    "timepoint": timepoint,
                    "value": float(value),
                    "unit": shown_unit(threshold_key(test)),
                    "details": details,
                }
            )
    return questionnaires, walk_tests
