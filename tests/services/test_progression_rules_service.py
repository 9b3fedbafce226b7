"""The progression rules through the services, on a real SQLite file (issue 9 item 2): sessions
logged as the Sessions tab logs them, outcomes and red-flag screens recorded as a clinician
records them, and the Program tab's suggestions read back."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Setting
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.progression import PAIN_CEILING_DEFAULT
from rehab_tracker.domain.redflags import RED_FLAGS, ClearanceEntry, RedFlagOutcomeEntry
from rehab_tracker.domain.sessions import ExerciseEntry, SessionEntry, SetEntry
from rehab_tracker.services.container import Services
from rehab_tracker.services.programs import PrescribedExercise, ProgramDetail
from tests.services.test_sessions_support import counted
from tests.staff import staff

ALL_NO = {f.code: False for f in RED_FLAGS}
STEADY = dict(pain_back_before=3, pain_back_after=3, pain_leg_before=2, pain_leg_after=2)
SURGERY = dt.date(2026, 10, 19)


@pytest.fixture
def clinic(db: Database) -> Services:
    assert db.path is not None and db.path.is_file()  # a real SQLite file
    return Services(db, staff("tester"))


@dataclass(frozen=True)
class Patient:
    id: uuid.UUID
    program: ProgramDetail

    def rx(self, code: str = "roman_chair_extension_60") -> PrescribedExercise:
        return next(r for r in self.program.phases[0].prescriptions if r.exercise_code == code)

    def day(self, n: int) -> dt.date:
        """The date of exercise session ``n``."""
        return self.program.sessions[n].date


def start(clinic: Services, today: dt.date, intensity: str = "high") -> Patient:
    from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails

    patient_id = clinic.patients.enrol(
        PatientDetails(
            given_name="Ada",
            family_name="Lumbar",
            date_of_birth=dt.date(1980, 5, 17),
            sex="female",
            pathway="surgical",
        ),
        SurgeryDetails(surgery_date=SURGERY, levels=("L5-S1",)),
        today=today,
    )
    program_id = clinic.programs.create_from_template(
        patient_id, "usc-12-week", intensity, today, today=today
    )
    return Patient(patient_id, clinic.programs.program(program_id))


def log(
    clinic: Services,
    patient: Patient,
    n: int,
    rxs: list[PrescribedExercise] | None = None,
    *,
    effort_logged: bool = True,
    status: str = "done",
    **pain: int | None,
) -> None:
    """Log exercise session ``n`` with every set of ``rxs`` at the top of its target, at the
    target effort (none logged: ``effort_logged=False``), each exercise with ``status``."""
    entries = []
    for rx in rxs or [patient.rx()]:
        d = rx.dosage
        top = SetEntry(
            reps=d.reps_max, hold_seconds=d.hold_seconds, load_kg=d.load_kg,
            distance_m=d.distance_m, duration_s=d.duration_s,
            effort=d.effort_target if effort_logged else None,
        )
        entries.append(
            ExerciseEntry(
                rx.exercise_id, rx.exercise_name, d.dosage_type, prescription_id=rx.id,
                sets=(top,) * d.sets, status=status,
            )
        )
    slot = patient.program.sessions[n]
    values: dict[str, Any] = {**STEADY, **pain}
    entry = SessionEntry(
        session_date=slot.date, exercises=tuple(entries), red_flags=ALL_NO, **values
    )
    clinic.sessions.save(patient.id, slot.id, entry, today=slot.date)


def suggestion(clinic: Services, patient: Patient, n: int):  # type: ignore[no-untyped-def]
    """The suggestion for the Roman chair on the day of session ``n``."""
    found = clinic.programs.suggestion_for(patient.program.id, patient.rx().exercise_id,
                                           today=patient.day(n))
    assert found is not None
    return found


def test_high_intensity_progresses_after_two_sessions_in_a_row(
    clinic: Services, today: dt.date
) -> None:
    patient = start(clinic, today)
    log(clinic, patient, 1)
    once = suggestion(clinic, patient, 1)
    assert once.action == "repeat" and not once.changes
    assert "high intensity progresses after 2 sessions in a row" in once.reason
    log(clinic, patient, 2)
    twice = suggestion(clinic, patient, 2)
    assert twice.action == "progress" and twice.changes
    assert "in 2 sessions in a row with no rise in pain" in twice.reason


def test_a_session_the_exercise_was_not_done_in_is_never_at_target(
    clinic: Services, today: dt.date
) -> None:
    """Issue 11 item 2: only exercises done (as prescribed or changed) are evidence; one marked
    not done is neither a session at the target nor "no sets logged"."""
    patient = start(clinic, today)
    log(clinic, patient, 1)
    log(clinic, patient, 2, status="not_done")
    after = suggestion(clinic, patient, 2)
    assert after.action == "repeat" and not after.changes
    assert after.based_on == patient.day(1)
    assert "in 1 session" in after.reason and "No sets logged" not in after.reason
    log(clinic, patient, 3)  # done again: the two sessions it was done in are in a row
    assert suggestion(clinic, patient, 3).action == "progress"


def test_low_intensity_progresses_after_a_full_week(clinic: Services, today: dt.date) -> None:
    patient = start(clinic, today, "low")
    for n in (1, 2):
        log(clinic, patient, n)
        assert suggestion(clinic, patient, n).action == "repeat"
    log(clinic, patient, 3)
    week = suggestion(clinic, patient, 3)
    assert week.action == "progress"
    assert "the template's rule for low intensity" in week.reason


def test_missing_pain_or_effort_never_progresses(clinic: Services, today: dt.date) -> None:
    patient = start(clinic, today)
    log(clinic, patient, 1)
    log(clinic, patient, 2, pain_leg_after=None)
    result = suggestion(clinic, patient, 2)
    assert result.action == "repeat"
    assert result.reason.startswith(
        "Not enough data to progress: leg pain after the session was not recorded."
    )
    log(clinic, patient, 3, effort_logged=False)
    assert suggestion(clinic, patient, 3).reason.startswith(
        "Not enough data to progress: effort was not logged for sets"
    )


def test_leg_pain_above_the_recorded_baseline_holds(clinic: Services, today: dt.date) -> None:
    patient = start(clinic, today)
    clinic.outcomes.record_nprs(
        patient.id, back=3, leg=1, assessed_on=today, today=today, timepoint="baseline"
    )
    log(clinic, patient, 1)
    log(clinic, patient, 2)
    result = suggestion(clinic, patient, 2)
    assert result.action == "hold"
    assert "Leg pain of 2/10 is above its baseline of 1/10" in result.reason


def test_pain_rising_since_the_last_session_holds(clinic: Services, today: dt.date) -> None:
    patient = start(clinic, today)
    log(clinic, patient, 1)
    log(clinic, patient, 2, pain_leg_before=3, pain_leg_after=3)
    result = suggestion(clinic, patient, 2)
    assert result.action == "hold"
    first, second = patient.day(1).isoformat(), patient.day(2).isoformat()
    assert result.reason.startswith(
        f"Leg pain at the start of the session rose from 2 on {first} to 3 on {second}: keep "
        "the same dosage"
    )


def test_the_clinic_sets_its_pain_ceiling(clinic: Services, today: dt.date) -> None:
    patient = start(clinic, today)
    sixes = dict(pain_back_before=6, pain_back_after=6)
    log(clinic, patient, 1, **sixes)
    log(clinic, patient, 2, **sixes)
    assert clinic.settings.load().progression_pain_ceiling == 7
    assert suggestion(clinic, patient, 2).action == "progress"
    clinic.settings.set_progression_pain_ceiling(6)
    held = suggestion(clinic, patient, 2)
    assert held.action == "hold"
    assert "at or above the pain ceiling (6/10, clinic setting)" in held.reason


def test_weakness_reported_at_a_screen_steps_back_and_asks_for_review_once_cleared(
    clinic: Services, today: dt.date
) -> None:
    patient = start(clinic, today)
    log(clinic, patient, 1)
    log(clinic, patient, 2)
    stop_day = patient.day(3)
    stop = clinic.sessions.record_red_flag_stop(
        patient.id, patient.program.sessions[3].id, {**ALL_NO, "progressive_weakness": True},
        session_date=stop_day, today=stop_day,
    )
    assert suggestion(clinic, patient, 3).action == "hold"  # the red flag is not cleared yet
    clinic.sessions.record_red_flag_outcome(
        stop,
        RedFlagOutcomeEntry("Same-day review with the surgeon.", "surgeon"),
        ClearanceEntry("surgeon Dr Ng", stop_day, "Strength unchanged on review; resume."),
        today=stop_day,
    )
    result = suggestion(clinic, patient, 3)
    assert result.action == "step_back"
    assert result.reason.startswith(
        f"New or worse numbness or weakness reported on {stop_day.isoformat()} (leg weakness "
        "getting worse): step back"
    )
    assert result.reason.endswith(
        "Review the patient (leg strength, sensation and reflexes) before progressing again."
    )
    assert result.suggested.reps_max is not None and patient.rx().dosage.reps_max is not None
    assert result.suggested.reps_max < patient.rx().dosage.reps_max


def test_the_evidence_for_all_exercises_is_read_in_a_fixed_number_of_statements(
    db: Database, clinic: Services, today: dt.date
) -> None:
    """Opening a patient reads the last sessions of every exercise at once: the count of
    statements does not grow with the number of logged exercises (no query per exercise)."""
    patient = start(clinic, today)
    log(clinic, patient, 1)
    log(clinic, patient, 2)
    with counted(db) as one:
        found = clinic.programs.suggestions(patient.program.id, today=patient.day(2))
    assert len(found) == 1

    other = start(clinic, today)  # the same program, every exercise of phase 1 logged
    every = list(other.program.phases[0].prescriptions)
    assert len(every) > 10
    log(clinic, other, 1, every)
    log(clinic, other, 2, every)
    with counted(db) as many:
        found = clinic.programs.suggestions(other.program.id, today=other.day(2))
    assert len(found) >= len(every)
    assert len(many) == len(one), "\n".join(s[:90] for s in many)
    assert len(many) <= 15


@pytest.mark.parametrize("bad", [0, 11, 6.5, True, "7"])
def test_the_pain_ceiling_setting_is_checked(clinic: Services, bad: object) -> None:
    with pytest.raises(ValidationError) as info:
        clinic.settings.set_progression_pain_ceiling(bad)  # type: ignore[arg-type]
    assert "progression_pain_ceiling" in info.value.errors
    assert clinic.settings.load().progression_pain_ceiling == PAIN_CEILING_DEFAULT


def test_a_damaged_stored_ceiling_falls_back_to_the_clinic_default(
    db: Database, clinic: Services
) -> None:
    with db.unit_of_work("tester") as s:
        s.add(Setting(key="progression", value={"pain_ceiling": 42}))
    assert clinic.settings.load().progression_pain_ceiling == PAIN_CEILING_DEFAULT


@pytest.mark.postgres
def test_the_ranked_read_on_postgres(pg_db: Database, today: dt.date) -> None:
    """The same rules on PostgreSQL (the ranked statement is standard SQL)."""
    clinic = Services(pg_db, staff("tester"))
    patient = start(clinic, today)
    every = list(patient.program.phases[0].prescriptions)
    log(clinic, patient, 1, every)
    assert suggestion(clinic, patient, 1).action == "repeat"
    log(clinic, patient, 2, every)
    assert suggestion(clinic, patient, 2).action == "progress"
    found = clinic.programs.suggestions(patient.program.id, today=patient.day(2))
    assert {s.prescription_id for s in found.values()} >= {rx.id for rx in every}
