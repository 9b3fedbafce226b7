"""A clinic-scale synthetic database for benchmarks: ``rehab-tracker demo --patients N``.

Thousands of invented patients, most of them through the 12-week program (completed at some
day of the last three years), some part-way through it, a few enrolled without a program yet:
each with the template's program, its schedule and prescriptions, the sessions of the past
part of it (exercises and sets, missed visits, a clear red-flag screen at each, a few positive
screens, cleared or still open), and the questionnaires and walking tests at baseline, mid-program
and end. The values come from the same recovery curves as the nine-patient demo
(:mod:`rehab_tracker.services.demo`).

The rows are written with bulk Core inserts (executemany, a batch of patients at a time, a few
hundred patients a transaction), not through the ORM unit of work. The trail gets what the unit
of work would have written: a "create" entry for every row with its column values as
:func:`rehab_tracker.data.audit.snapshot` takes them (so ``db check`` compares each row with its
recorded state, and the file carries a realistic trail for the benchmarks), plus one entry per
patient saying it is synthetic (action ``generate``, its counts of rows and the seed), all
appended through :func:`rehab_tracker.data.audit.append`, so the chain stays what ``db check``
verifies.
"""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session

from rehab_tracker.data import audit, bulk
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Base,
    Counter,
    ExerciseLog,
    OutcomeAssessment,
    Patient,
    Prescription,
    Program,
    ProgramPhase,
    ScheduledAssessment,
    ScheduledSession,
    SessionLog,
    SetLog,
    Surgery,
    WalkTest,
)
from rehab_tracker.data.patient_list import search_key
from rehab_tracker.data.types import jsonable
from rehab_tracker.domain import schedule
from rehab_tracker.domain import template as tpl
from rehab_tracker.domain.dosage import DOSE_FIELDS, Dosage
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.domain.sessions import SetEntry, planned_sets, status_of_sets
from rehab_tracker.services.demo import (
    ACTOR,
    DEMO_PRINCIPAL,
    Measured,
    _pain,
    _program_start,
    _trajectory,
    assessment_values,
    demo_set_values,
    refuse_a_clinic_with_patients,
)
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.library import LibraryService
from rehab_tracker.services.patients import RECORD_COUNTER, RECORD_PREFIX
from rehab_tracker.services.programs.builder import ASSESSMENT_INSTRUMENTS
from rehab_tracker.services.programs.catalogue import Catalogue

TEMPLATE = "usc-12-week"
#: patients whose rows are inserted together, and patients per transaction
INSERT_BATCH = 100
TRANSACTION_BATCH = 500
#: SQLite's page cache while generating, in KiB (its default is 2 MiB)
_CACHE_KIB = 512 * 1024
#: the audit trail's action for a generated patient
GENERATED = "generate"

_GIVEN = (
    "Maren",
    "Tomasz",
    "Aiko",
    "Rafael",
    "Ingrid",
    "Dev",
    "Noor",
    "Samuel",
    "Lucia",
    "Jonas",
    "Amara",
    "Kenji",
    "Sofia",
    "Emeka",
    "Hanna",
    "Mateo",
    "Leila",
    "Oskar",
    "Priya",
    "Tariq",
)
_FAMILY = (
    "Okafor",
    "Lindqvist",
    "Brennan",
    "Moreau",
    "Castellano",
    "Halvorsen",
    "Fitzgerald",
    "Adeyemi",
    "Petrov",
    "Nakamura",
    "Iversen",
    "Oduya",
    "Santos",
    "Keller",
    "Dubois",
    "Novak",
    "Haddad",
    "Larsen",
    "Mensah",
    "Quinn",
    "Varga",
    "Yilmaz",
    "Zhou",
    "Abbott",
    "Costa",
)
_SURGEONS = ("Dr R. Iversen", "Dr P. Nakamura", "Dr L. Oduya")
_MISSED = ("Unwell (cold)", "Work commitment", "Transport problem", "Childcare")
_RED_FLAG_CODES = tuple(flag.code for flag in RED_FLAGS)


@dataclass
class Generated:
    """What was written: row counts by table, and how long it took."""

    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def add(self, table: str, n: int) -> None:
        self.counts[table] = self.counts.get(table, 0) + n


@dataclass(frozen=True)
class _Phase:
    """A phase of the template at one intensity: its prescriptions' exercise ids and doses."""

    spec: tpl.PhaseSpec
    items: tuple[tuple[uuid.UUID, Dosage, str | None], ...]


class _Rows:
    """Rows waiting for the next bulk insert, by table, in foreign-key order."""

    ORDER: tuple[type[Base], ...] = (
        Patient,
        Surgery,
        Program,
        ProgramPhase,
        Prescription,
        ScheduledSession,
        ScheduledAssessment,
        SessionLog,
        ExerciseLog,
        SetLog,
        OutcomeAssessment,
        WalkTest,
    )

    def __init__(self, ids: random.Random, *, sets: bool = True) -> None:
        #: ids come from a seeded generator (uuid4 reads the OS): one seed, one database
        self.ids = ids
        #: whether attended sessions get their exercises and sets (False: the session logs only)
        self.sets = sets
        self.rows: dict[type[Base], list[dict[str, Any]]] = {model: [] for model in self.ORDER}
        self.audit: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []

    def add(self, model: type[Base], values: dict[str, Any], at: dt.datetime) -> uuid.UUID:
        row_id = uuid.UUID(int=self.ids.getrandbits(128), version=4)
        values.update(id=row_id, created_at=at, updated_at=at, created_by=ACTOR)
        self.rows[model].append(values)
        return row_id

    def write(self, session: Session, made: Generated) -> None:
        conn = session.connection()
        for model in self.ORDER:
            rows = self.rows[model]
            if rows:
                table = Base.metadata.tables[model.__tablename__]
                _fill_defaults(table, rows)
                self.audit.extend(_created(model, rows))
                bulk.insert_rows(conn, table, rows)
                made.add(table.name, len(rows))
                rows.clear()
        audit.append(session, self.audit, bulk=True)
        self.audit.clear()


def _fill_defaults(table: Table, rows: list[dict[str, Any]]) -> None:
    """The column defaults the ORM would have set (``version`` = 1 and the like) on rows that
    leave them out."""
    defaults = {
        c.key: c.default.arg  # type: ignore[attr-defined]
        for c in table.columns
        if c.default is not None and c.default.is_scalar
    }
    for row in rows:
        for key, value in defaults.items():
            row.setdefault(key, value)


def _created(
    model: type[Base], rows: list[dict[str, Any]]
) -> list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]]:
    """The trail's "create" entries of ``rows`` of ``model``: what ``audit.snapshot`` records
    for a new row (attribute names, JSON-ready values)."""
    attrs = [(a.key, a.columns[0].key) for a in sa_inspect(model).column_attrs]
    name = model.__tablename__
    return [
        (
            "create",
            name,
            str(row["id"]),
            None,
            {key: jsonable(row.get(column)) for key, column in attrs},
        )
        for row in rows
    ]


def generate_clinic(
    db: Database,
    *,
    patients: int,
    today: dt.date,
    seed: int = 7,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    progress_every: int = 500,
    sets: bool = True,
) -> Generated:
    """Add ``patients`` synthetic patients (deterministic for a seed); refuses a clinic with
    patients unless ``force``. ``progress(done, total)`` is called every ``progress_every``
    patients and at the end. ``sets=False`` leaves out the exercises and sets of the logged
    sessions (nine rows in ten, and their audit entries): a clinic for benchmarks of what reads
    patients, programs, schedules, session logs and outcomes (the patient list), made in a
    fraction of the time."""
    if patients < 1:
        raise ServiceError("the number of patients must be at least 1")
    started = time.perf_counter()
    refuse_a_clinic_with_patients(db, force=force)
    LibraryService(db, DEMO_PRINCIPAL).ensure_seeded()
    catalogue = _template_phases(db)
    with db.reading() as session:
        taken = set(session.scalars(select(Patient.record_number)))
        counter = session.get(Counter, RECORD_COUNTER)
        number = counter.value if counter is not None else 0
    rng = random.Random(seed)
    ids = random.Random(f"{seed}:{number}")  # another run with --force gets other ids
    made = Generated()
    done = 0
    while done < patients:
        with db.unit_of_work(ACTOR) as session:
            if db.is_sqlite:  # random keys: their indexes are written all over the file
                session.connection().exec_driver_sql(f"PRAGMA cache_size=-{_CACHE_KIB}")
            rows = _Rows(ids, sets=sets)
            stop = min(patients, done + TRANSACTION_BATCH)
            while done < stop:
                number += 1
                record = f"{RECORD_PREFIX}{number:05d}"
                if record in taken:
                    continue
                _one_patient(rows, catalogue, record, today, rng, seed)
                done += 1
                if done % INSERT_BATCH == 0:
                    rows.write(session, made)
                if progress is not None and (done % progress_every == 0 or done == patients):
                    progress(done, patients)
            rows.write(session, made)
            row = session.get(Counter, RECORD_COUNTER)
            if row is None:
                session.add(Counter(name=RECORD_COUNTER, value=number))
            else:
                row.value = number
    made.seconds = time.perf_counter() - started
    return made


def _template_phases(db: Database) -> tuple[tpl.ProgramTemplate, dict[str, tuple[_Phase, ...]]]:
    """The template and its phases at each intensity; its exercises' rows are made (and
    audited) the way the program builder makes them."""
    catalogue = Catalogue(db, DEMO_PRINCIPAL)
    with db.unit_of_work(ACTOR) as session:
        template, _ = catalogue._load_template(session, TEMPLATE)
        library = catalogue._library_map(session)
        exercise_ids: dict[str, uuid.UUID] = {}
        for code in sorted(template.exercise_codes()):
            row = catalogue._exercise_by_code(session, code, library)
            if row is None:
                raise ServiceError(f"Exercise {code!r} of the template is not in the library.")
            exercise_ids[code] = row.id
    phases = {
        variant.code: tuple(
            _Phase(
                spec,
                tuple(
                    (exercise_ids[i.exercise_code], i.dosage_for(variant.code), i.note)
                    for i in spec.items
                ),
            )
            for spec in template.phases
        )
        for variant in template.variants
    }
    return template, phases


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


def _one_patient(
    rows: _Rows,
    catalogue: tuple[tpl.ProgramTemplate, dict[str, tuple[_Phase, ...]]],
    record: str,
    today: dt.date,
    rng: random.Random,
    seed: int,
) -> None:
    """One patient's rows: enrolment, surgery, program, the logged past, the assessments."""
    template, phases_by_intensity = catalogue
    draw = rng.random()
    # 5% enrolled without a program yet, 25% part-way through it, the rest completed it
    week = 0 if draw < 0.05 else rng.randint(1, 12) if draw < 0.30 else 13
    as_of = today if week <= 12 else today - dt.timedelta(days=rng.randint(0, 3 * 365))
    start = _program_start(as_of, max(week, 1))
    surgical = rng.random() < 0.9
    surgery_day = start - dt.timedelta(weeks=5, days=rng.randint(0, 4))
    if week == 0:
        surgery_day = today - dt.timedelta(weeks=3, days=rng.randint(0, 6))
    sex = rng.choice(("female", "male"))
    age = rng.randint(24, 72)
    height_cm = rng.uniform(158, 178) + (8 if sex == "male" else 0)
    weight_kg = round(rng.uniform(55, 95) + (10 if sex == "male" else 0), 1)
    enrolled = _at(min(surgery_day + dt.timedelta(days=10), as_of), 9)
    given, family = rng.choice(_GIVEN), rng.choice(_FAMILY)
    patient_id = rows.add(
        Patient,
        {
            "record_number": record,
            "given_name": given,
            "family_name": family,
            "search_key": search_key(given, family, record),
            "date_of_birth": dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28)),
            "sex": sex,
            "height_m": round(height_cm / 100, 2),
            "weight_kg": weight_kg,
            "phone": f"0{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
            "email": None,
            "address": None,
            "pathway": "surgical" if surgical else "conservative",
            "notes": "Synthetic demo patient (clinic-scale generator).",
            "archived_at": None,
            "version": 1,
        },
        enrolled,
    )
    counts: dict[str, int] = {"patients": 1}
    if surgical:
        rows.add(
            Surgery,
            {
                "patient_id": patient_id,
                "surgery_date": surgery_day,
                "levels": [rng.choice(("L4-L5", "L5-S1", "L5-S1", "L3-L4"))],
                "side": rng.choice(("left", "right", "left", "central")),
                "procedure": "Lumbar micro-discectomy",
                "surgeon": rng.choice(_SURGEONS),
                "hospital": "St Aldric Spine Unit",
                "notes": None,
            },
            enrolled,
        )
        counts["surgeries"] = 1
    if week > 0:
        intensity = "high" if rng.random() < 0.7 else "low"
        body = (sex, age, height_cm, weight_kg)
        _program(
            rows,
            template,
            phases_by_intensity[intensity],
            patient_id,
            intensity,
            start,
            surgery_day if surgical else None,
            week,
            as_of,
            body,
            rng,
            counts,
        )
    rows.audit.append(
        (
            GENERATED,
            Patient.__tablename__,
            str(patient_id),
            None,
            {
                "record_number": record,
                "what": "synthetic demo patient written by the clinic-scale generator",
                "seed": seed,
                "rows": counts,
            },
        )
    )


def _program(
    rows: _Rows,
    template: tpl.ProgramTemplate,
    phases: tuple[_Phase, ...],
    patient_id: uuid.UUID,
    intensity: str,
    start: dt.date,
    surgery_day: dt.date | None,
    week: int,
    as_of: dt.date,
    body: tuple[str, int, float, float],
    rng: random.Random,
    counts: dict[str, int],
) -> None:
    """The program from the template (the builder's plan), then the sessions before ``as_of``
    and the assessments; a program past week 12 is completed on its end assessment's day."""
    plan = schedule.plan_schedule(template, intensity, surgery_day, start, today=start)
    created = _at(start, 9)
    exercise_days = [s.date for s in plan.sessions]
    completed = week > 12
    ended_on = exercise_days[-1] + dt.timedelta(days=1) if completed else None
    program_id = rows.add(
        Program,
        {
            "patient_id": patient_id,
            "template_code": template.code,
            "name": template.name,
            "intensity": intensity,
            "start_date": plan.start_date,
            "weeks": template.weeks,
            "sessions_per_week": template.sessions_per_week,
            "status": "completed" if completed else "active",
            "early_start_reason": plan.early_start_reason,
            "notes": None,
            "paused_on": None,
            "pause_reason": None,
            "paused_days": 0,
            "ended_on": ended_on,
            "end_reason": "All 12 weeks done; discharged to the home exercise sheet."
            if completed
            else None,
            "end_assessment_skip_reason": None,
            "version": 2 if completed else 1,
        },
        created,
    )
    prescribed: list[tuple[dt.date, dt.date, list[tuple[uuid.UUID, uuid.UUID, Dosage]]]] = []
    for position, (phase, planned) in enumerate(zip(phases, plan.phases, strict=True)):
        spec = phase.spec
        phase_id = rows.add(
            ProgramPhase,
            {
                "program_id": program_id,
                "position": position,
                "code": spec.code,
                "name": spec.name,
                "start_week": spec.first_week,
                "end_week": spec.last_week,
                "start_date": planned.start,
                "end_date": planned.end,
                "goals": "\n".join(spec.goals),
            },
            created,
        )
        todays = []
        for item_position, (exercise_id, dose, note) in enumerate(phase.items):
            rx_id = rows.add(
                Prescription,
                {
                    "program_id": program_id,
                    "phase_id": phase_id,
                    "exercise_id": exercise_id,
                    "position": item_position,
                    **_dose_columns(dose),
                    "sessions_per_week": template.sessions_per_week,
                    "notes": note,
                    "restriction_override": None,
                    "valid_from": created,
                    "valid_to": None,
                    "version": 1,
                },
                created,
            )
            todays.append((rx_id, exercise_id, dose))
        prescribed.append((planned.start, planned.end, todays))
    counts["prescriptions"] = sum(len(p[2]) for p in prescribed)
    slots = (plan.education, *plan.sessions) if plan.education is not None else plan.sessions
    slot_ids = {}
    for s in slots:
        slot_ids[s.number] = rows.add(
            ScheduledSession,
            {
                "program_id": program_id,
                "number": s.number,
                "week": s.week,
                "scheduled_date": s.date,
                "kind": s.kind,
                "location": "clinic",
            },
            created,
        )
    for a in plan.assessments:
        rows.add(
            ScheduledAssessment,
            {
                "program_id": program_id,
                "timepoint": a.code,
                "label": a.name,
                "due_date": a.due,
                "instruments": list(ASSESSMENT_INSTRUMENTS.get(a.code, ["odi"])),
            },
            created,
        )
    response = rng.uniform(0.6, 1.2)
    adherence = rng.uniform(0.75, 0.97)
    back0, leg0, odi0 = rng.randint(5, 7), rng.randint(4, 7), rng.uniform(38, 52)
    # 3% a positive red-flag screen: cleared afterwards in a finished program, still open
    # (the last session) in a running one
    flag_at = rng.randint(4, 30) if rng.random() < 0.03 else None
    past = [s for s in plan.sessions if s.date < as_of]
    if flag_at is not None and not completed:
        flag_at = past[-1].number if past else None
    for s in past:
        fraction = s.number / len(plan.sessions)
        doses = next((p[2] for p in prescribed if p[0] <= s.date <= p[1]), [])
        _session(
            rows,
            patient_id,
            program_id,
            slot_ids[s.number],
            s.date,
            fraction,
            doses,
            s.number == flag_at,
            completed,
            response,
            adherence,
            back0,
            leg0,
            rng,
            counts,
        )
    counts["session_logs"] = len(past)
    measured = Measured(*body, response=response, odi0=odi0, back0=back0, leg0=leg0)
    questionnaires, walks = assessment_values(measured, exercise_days, as_of, rng)
    for model, made, day in (
        (OutcomeAssessment, questionnaires, "assessed_on"),
        (WalkTest, walks, "performed_on"),
    ):
        for values in made:
            values.update(
                patient_id=patient_id,
                program_id=program_id,
                source="clinic",
                notes=None,
                deleted_at=None,
                version=1,
            )
            rows.add(model, values, _at(values[day]))
    counts["outcome_assessments"] = len(questionnaires)
    counts["walk_tests"] = len(walks)


def _dose_columns(dose: Dosage) -> dict[str, Any]:
    """A dose as prescription columns (the hold is stored in ``hold_s``)."""
    values = {name: getattr(dose, name) for name in DOSE_FIELDS}
    values["hold_s"] = values.pop("hold_seconds")
    return values


def _session(
    rows: _Rows,
    patient_id: uuid.UUID,
    program_id: uuid.UUID,
    slot_id: uuid.UUID,
    day: dt.date,
    fraction: float,
    doses: list[tuple[uuid.UUID, uuid.UUID, Dosage]],
    flagged: bool,
    cleared: bool,
    response: float,
    adherence: float,
    back0: int,
    leg0: int,
    rng: random.Random,
    counts: dict[str, int],
) -> None:
    """One logged session: a positive red-flag screen (the session stopped), a missed visit,
    or an attended session with each prescribed exercise's sets."""
    at = _at(day, 11)
    values: dict[str, Any] = dict(_SESSION_DEFAULTS)
    values.update(
        patient_id=patient_id,
        program_id=program_id,
        scheduled_session_id=slot_id,
        session_date=day,
        red_flags={code: False for code in _RED_FLAG_CODES},
    )
    if flagged:
        values.update(
            status="aborted",
            red_flag_result="positive",
            red_flags={code: code == "new_both_legs" for code in _RED_FLAG_CODES},
            notes="Numbness in both legs since yesterday. Session stopped; referred.",
            red_flag_advice="Possible cauda equina syndrome: no exercise; emergency spinal "
            "assessment today. Exercise resumes only once a clinician has cleared it.",
            red_flag_referred_to="emergency_department",
            red_flag_referral_details="Sent to the emergency department for an urgent MRI.",
            red_flag_outcome_at=at,
            red_flag_outcome_by=ACTOR,
        )
        if cleared:
            values.update(
                red_flag_cleared_by="Dr L. Oduya (spinal surgeon)",
                red_flag_cleared_on=day + dt.timedelta(days=2),
                red_flag_clearance_note="MRI clear; no cauda equina compression.",
                red_flag_acknowledged_at=_at(day + dt.timedelta(days=2), 9),
                red_flag_acknowledged_by=ACTOR,
                version=2,
            )
        rows.add(SessionLog, values, at)
        counts["red_flag_positive"] = counts.get("red_flag_positive", 0) + 1
        return
    if rng.random() > adherence:
        values.update(attended=False, missed_reason=rng.choice(_MISSED))
        rows.add(SessionLog, values, at)
        return
    back = _trajectory(back0, 1.5, fraction, response)
    leg = _trajectory(leg0, 0.8, fraction, response)
    noise = rng.choice((-1, 0, 0, 0, 1))
    before = _pain(leg)
    values.update(
        pain_back_before=_pain(back + noise),
        pain_back_after=_pain(back + noise + rng.choice((-1, -1, 0, 0, 0, 1))),
        pain_leg_before=before,
        pain_leg_after=before if rng.random() > 0.06 else _pain(leg + 1),
        effort=rng.randint(5, 7),
    )
    session_id = rows.add(SessionLog, values, at)
    if not rows.sets:
        return
    for position, (rx_id, exercise_id, dose) in enumerate(doses):
        sets = [demo_set_values(dose, number, fraction, rng) for number in range(1, dose.sets + 1)]
        performed = [SetEntry(**{k: v for k, v in x.items() if k != "set_number"}) for x in sets]
        entry_id = rows.add(
            ExerciseLog,
            {
                "session_id": session_id,
                "exercise_id": exercise_id,
                "prescription_id": rx_id,
                "position": position,
                "notes": None,
                # as the session form marks it (domain.sessions.status_of_sets)
                "status": status_of_sets(planned_sets(dose), performed),
            },
            at,
        )
        for set_row in sets:
            set_row["hold_s"] = set_row.pop("hold_seconds")
            set_row["exercise_log_id"] = entry_id
            rows.add(SetLog, set_row, at)
        counts["sets"] = counts.get("sets", 0) + dose.sets
    counts["exercise_logs"] = counts.get("exercise_logs", 0) + len(doses)


#: every session-log column the generator does not always set, at its value for a clear,
#: attended, final session typed at the clinic
_SESSION_DEFAULTS: dict[str, Any] = {
    "location": "clinic",
    "attended": True,
    "missed_reason": None,
    "pain_back_before": None,
    "pain_back_after": None,
    "pain_leg_before": None,
    "pain_leg_after": None,
    "effort": None,
    "notes": None,
    "red_flag_result": "clear",
    "red_flag_advice": None,
    "red_flag_referred_to": None,
    "red_flag_referral_details": None,
    "red_flag_outcome_at": None,
    "red_flag_outcome_by": None,
    "red_flag_cleared_by": None,
    "red_flag_cleared_on": None,
    "red_flag_clearance_note": None,
    "red_flag_acknowledged_at": None,
    "red_flag_acknowledged_by": None,
    "status": "final",
    "source": "clinic",
    "deleted_at": None,
    "version": 1,
}
