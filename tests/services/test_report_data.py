"""ReportDataService on real ORM rows: complete, baseline-only, missed weeks, conservative."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

# the synthetic patients live with the report tests (tests/reports/sample_data.py)
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from reports.sample_data import (
    END,
    TODAY,
    add_baseline_only_patient,
    add_conservative_patient,
    add_empty_patient,
    add_missed_weeks_patient,
    add_twelve_week_patient,
)

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Setting
from rehab_tracker.domain.thresholds import DEFAULT_THRESHOLDS
from rehab_tracker.services.errors import NotFoundError
from rehab_tracker.services.report_data.outcome_table import important_change_target
from rehab_tracker.services.report_data.service import ReportDataService
from tests.staff import staff


@pytest.fixture
def service(db: Database) -> ReportDataService:
    return ReportDataService(db, staff("tester"))


def test_twelve_week_patient(db: Database, service: ReportDataService) -> None:
    data = service.gather(add_twelve_week_patient(db), today=TODAY)
    assert data.patient.name == "Maria Jensen"
    assert data.patient.record_number == "RT-00001"
    assert data.patient.age_years == 48
    assert data.surgery is not None and data.surgery.levels == ("L5-S1",)
    assert data.axis_label == "Weeks since surgery"
    program = data.program
    assert program is not None
    assert program.exercise_start == dt.date(2026, 8, 24)
    assert program.current_week == 12
    assert [p.code for p in program.phases] == ["motor_control", "strength", "strength_function"]
    # the first phase starts 5 weeks after the surgery (20 Jul -> 24 Aug) and lasts 4 weeks
    assert (program.phases[0].x_start, program.phases[0].x_end) == (5.0, 9.0)
    assert data.adherence.planned_to_date == 36
    assert data.adherence.attended == 36
    assert data.adherence.percent == 100.0
    odi = data.series("odi")
    assert odi is not None
    assert odi.ys == (42.0, 30.0, 24.0)
    assert odi.xs == (4.0, 11.0, 17.0)
    row = data.row("odi")
    assert row is not None and row.status == "change"
    assert row.baseline == 42.0 and row.latest == 24.0 and row.change == -18.0
    assert row.clinically_important is True
    assert row.threshold == "10-point or 30%"
    assert "Ostelo" in row.threshold_source
    assert row.band_baseline == "severe" and row.band_latest == "moderate"
    assert row.target == 32.0  # 42 - 10 beats 42 x 0.7 = 29.4: the easier rule counts
    leg = data.row("nprs_leg")
    assert leg is not None and leg.clinically_important is False
    assert "below the 2-point and 30% thresholds" in leg.sentence
    assert leg.rule is None and (leg.shown_change, leg.shown_percent) == ("-1", "-20")
    tug = data.row("tug")
    assert tug is not None and tug.clinically_important is True and tug.latest_on == END
    ref = data.six_minute_reference
    # women: 2.11 x 168 - 2.29 x 70 - 5.78 x 48 + 667 = 583.7; LLN = predicted - 139
    assert ref.predicted_m == pytest.approx(583.7, abs=0.1)
    assert ref.lower_limit_m == pytest.approx(ref.predicted_m - 139, abs=0.1)
    loads = {t.exercise_code: t for t in data.training}
    assert loads["roman_chair_extension"].metric == "load"
    assert loads["roman_chair_extension"].weeks == tuple(range(1, 13))
    assert loads["roman_chair_extension"].values[:3] == (3.0, 4.0, 5.0)
    assert loads["bridge"].metric == "volume" and loads["bridge"].unit == "reps"
    assert loads["bridge"].values[0] == 3 * 3 * 8  # three sessions x three sets x 8 reps
    # a screen stored with the earlier question set still reads, its old question labelled
    assert [e.items for e in data.red_flags] == [
        ("pain or numbness in both legs (earlier question, not asked as new)",)]
    assert data.red_flags[0].action == "emergency" and not data.red_flags[0].acknowledged
    assert [a.description for a in data.adverse_events] == ["Muscle soreness after squats"]
    assert len(data.session_pain) == 36


def test_baseline_only_says_no_follow_up(db: Database, service: ReportDataService) -> None:
    data = service.gather(add_baseline_only_patient(db), today=TODAY)
    odi = data.row("odi")
    assert odi is not None
    assert odi.status == "no_follow_up"
    assert odi.change is None and odi.clinically_important is None
    # the line names its measure, once per measure (issue 9 item 12)
    assert odi.sentence == "ODI: no follow-up yet, so its change cannot be computed."
    waiting = [r.sentence for r in data.outcome_rows if r.status == "no_follow_up"]
    assert len(waiting) > 1 and len(set(waiting)) == len(waiting)
    assert all(
        r.sentence.startswith(f"{r.label}: ")
        for r in data.outcome_rows
        if r.status == "no_follow_up"
    )
    leg = data.row("nprs_leg")
    assert leg is not None and leg.status == "no_data"
    # no height: no predicted walk distance, and the reason is given
    assert data.six_minute_reference.predicted_m is None
    assert "height" in data.six_minute_reference.note
    # week 1 is past; week 2's Monday session is today and not logged yet: not "missed"
    assert data.adherence.planned_to_date == 3
    assert data.adherence.attended == 3
    assert data.adherence.missed == 0


def test_missed_weeks(db: Database, service: ReportDataService) -> None:
    data = service.gather(add_missed_weeks_patient(db), today=TODAY)
    adherence = data.adherence
    assert adherence.weeks_without_attendance == (5, 6, 7)
    assert adherence.missed == 9 and adherence.attended == 27
    assert adherence.percent == 75.0
    week6 = next(w for w in adherence.weeks if w.week == 6)
    assert (week6.planned, week6.attended, week6.missed) == (3, 0, 3)
    training = next(t for t in data.training if t.exercise_code == "bridge")
    assert 6 not in training.weeks  # no invented values for missed weeks


def test_conservative_patient_uses_program_start(db: Database, service: ReportDataService) -> None:
    data = service.gather(add_conservative_patient(db), today=TODAY)
    assert data.surgery is None
    assert data.axis_label == "Weeks since program start"
    assert data.axis_origin == dt.date(2026, 9, 28)
    odi = data.series("odi")
    assert odi is not None and odi.xs == (0.0, 7.0)
    row = data.row("odi")
    assert row is not None and row.change == -12.0 and row.clinically_important is True


def test_empty_patient(db: Database, service: ReportDataService) -> None:
    data = service.gather(add_empty_patient(db), today=TODAY)
    assert data.program is None
    assert data.adherence.percent is None
    assert all(r.status == "no_data" for r in data.outcome_rows)
    assert {r.code for r in data.outcome_rows} == {"odi", "nprs_back", "nprs_leg"}
    assert data.training == ()


def test_clinic_threshold_override_is_used_and_cited(
    db: Database, service: ReportDataService
) -> None:
    patient = add_twelve_week_patient(db)
    with db.unit_of_work("test") as session:
        session.add(Setting(key="thresholds", value={"overrides": {"odi": {"absolute": 20}}}))
        session.add(Setting(key="clinic", value={"name": "Harbour Physio"}))
    data = service.gather(patient, today=TODAY)
    row = data.row("odi")
    assert row is not None
    assert row.threshold == "20-point or 30%"
    assert row.threshold_source.startswith("Clinic setting")
    assert row.clinically_important is True  # 18 points is 43%: the relative rule is met
    assert data.clinic.name == "Harbour Physio"


def test_active_patients_and_unknown(db: Database, service: ReportDataService) -> None:
    import uuid

    add_twelve_week_patient(db)
    add_empty_patient(db)
    names = [name for _id, _n, name in service.active_patient_ids()]
    assert names == ["Maria Jensen"]  # the empty patient has no program
    with pytest.raises(NotFoundError):
        service.gather(uuid.uuid4(), today=TODAY)


def test_important_change_target() -> None:
    t = DEFAULT_THRESHOLDS
    assert important_change_target(t["odi"], 20) == 14  # 30% of 20 = 6 is easier than 10
    assert important_change_target(t["walk_6min"], 400) == 430
    assert important_change_target(t["nprs_back"], 1) == pytest.approx(0.7)  # 30% of 1
    assert important_change_target(t["tug"], 1.0) == 0  # clipped at the scale's floor


@pytest.mark.parametrize(
    "stored",
    [
        {"overrides": {"odi": {"absolute": -3}}},  # refused by the domain rule
        {"overrides": {"nonsense": {"absolute": 5}}},
        {"overrides": ["not", "a", "mapping"]},
        ["not", "a", "mapping"],
    ],
)
def test_a_broken_threshold_setting_is_read_as_every_service_reads_it(
    db: Database, service: ReportDataService, stored: object
) -> None:
    """The report takes the clinic's thresholds through SettingsService: a damaged setting falls
    back to the cited defaults in the report exactly as in SettingsService (and OutcomeService)."""
    from rehab_tracker.services.settings import SettingsService

    patient = add_twelve_week_patient(db)
    with db.unit_of_work("test") as session:
        session.add(Setting(key="thresholds", value=stored))
    assert SettingsService(db, staff("test")).thresholds() == DEFAULT_THRESHOLDS
    data = service.gather(patient, today=TODAY)
    assert dict(data.thresholds) == DEFAULT_THRESHOLDS
    row = data.row("odi")
    assert row is not None and not row.threshold_source.startswith("Clinic setting")


def test_training_series_stand_in_the_order_the_patient_met_them(demo_db: Database) -> None:
    """Series stand in the order of each exercise's first logged session, then its position in
    that session, ties by code: the same order for the same records whatever ids the rows have
    (sets of different sessions were once ordered by their random ids, so two seedings differed)."""
    from sqlalchemy import select

    from rehab_tracker.data.models import Exercise, ExerciseLog, SessionLog, SetLog

    service = ReportDataService(demo_db, staff("tester"))
    checked = 0
    for patient_id, _number, _name in service.active_patient_ids():
        data = service.gather(patient_id, today=TODAY)
        codes = [series.exercise_code for series in data.training]
        if len(codes) < 2:
            continue
        with demo_db.reading() as session:
            rows = session.execute(
                select(Exercise.code, SessionLog.session_date, ExerciseLog.position)
                .join(ExerciseLog, ExerciseLog.exercise_id == Exercise.id)
                .join(SessionLog, SessionLog.id == ExerciseLog.session_id)
                .join(SetLog, SetLog.exercise_log_id == ExerciseLog.id)
                .where(Exercise.code.in_(codes), SessionLog.patient_id == patient_id)
            ).all()
        first_met = {code: min((d, p) for c, d, p in rows if c == code) for code in codes}
        assert codes == sorted(codes, key=lambda code: (first_met[code], code))
        checked += 1
    assert checked
