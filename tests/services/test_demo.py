"""The demo clinic: enough realistic, varied data for a newcomer to see a living clinic."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from sqlalchemy import func, select

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    AdverseEvent,
    AuditEntry,
    OutcomeAssessment,
    Patient,
    SessionLog,
    SetLog,
    WalkTest,
)
from rehab_tracker.domain.redflags import RED_FLAGS
from rehab_tracker.services.container import Services
from rehab_tracker.services.demo import seed_demo
from rehab_tracker.services.errors import ServiceError
from tests.staff import staff


@pytest.fixture
def seeded(demo_db: Database) -> Database:
    """The demo clinic as ``seed_demo(db, today=TODAY)`` leaves it (seeded once, copied)."""
    return demo_db


def test_patients_sit_at_different_weeks(seeded: Database, today: dt.date) -> None:
    rows = Services(seeded, staff("t")).patients.list_patients(today=today)
    weeks = [r.program_week for r in rows if r.program_week is not None]
    assert len(rows) >= 6
    assert len(set(weeks)) >= 6
    assert any(r.pathway == "conservative" for r in rows)
    assert any(r.program_id is None for r in rows), "one patient is enrolled without a program"


def test_every_program_patient_has_sessions_sets_outcomes_and_walks(seeded: Database) -> None:
    with seeded.reading() as s:
        patients = s.scalars(select(Patient)).all()
        sessions = dict(
            s.execute(select(SessionLog.patient_id, func.count()).group_by(SessionLog.patient_id))
            .all()
        )
        outcomes = dict(
            s.execute(
                select(OutcomeAssessment.patient_id, func.count()).group_by(
                    OutcomeAssessment.patient_id
                )
            ).all()
        )
        walks = dict(
            s.execute(select(WalkTest.patient_id, func.count()).group_by(WalkTest.patient_id))
            .all()
        )
        assert s.scalar(select(func.count()).select_from(SetLog)) > 1000
        assert s.scalar(select(func.count()).select_from(AdverseEvent)) == 1
        with_program = [p for p in patients if p.programs]
    assert len(with_program) >= 6
    for p in with_program:
        assert sessions.get(p.id, 0) > 0, p.full_name
        assert outcomes.get(p.id, 0) >= 4, p.full_name
        assert walks.get(p.id, 0) >= 5, p.full_name


def test_trajectories_improve_on_average(seeded: Database) -> None:
    """Disability falls and walking distance rises between the first and last assessment."""
    with seeded.reading() as s:
        odi: dict[object, list[tuple[dt.date, float]]] = defaultdict(list)
        for row in s.execute(
            select(OutcomeAssessment.patient_id, OutcomeAssessment.assessed_on,
                   OutcomeAssessment.score).where(OutcomeAssessment.instrument == "odi")
        ):
            odi[row[0]].append((row[1], row[2]))
        six: dict[object, list[tuple[dt.date, float]]] = defaultdict(list)
        for row in s.execute(
            select(WalkTest.patient_id, WalkTest.performed_on, WalkTest.value).where(
                WalkTest.test == "walk_6min"
            )
        ):
            six[row[0]].append((row[1], row[2]))
    followed = [sorted(v) for v in odi.values() if len(v) >= 2]
    assert len(followed) >= 4
    assert all(series[-1][1] < series[0][1] for series in followed)
    for series in (sorted(v) for v in six.values() if len(v) >= 2):
        assert series[-1][1] > series[0][1]
    assert all(0 <= score <= 100 for series in odi.values() for _, score in series)


def test_one_open_red_flag_and_missed_sessions(seeded: Database) -> None:
    with seeded.reading() as s:
        flagged = s.scalars(
            select(SessionLog).where(SessionLog.red_flag_result == "positive")
        ).all()
        missed = s.scalar(
            select(func.count()).select_from(SessionLog).where(SessionLog.attended.is_(False))
        )
    assert len(flagged) == 1
    assert flagged[0].status == "aborted" and flagged[0].red_flag_acknowledged_at is None
    # the current questions: new symptoms in both legs; the referral is recorded, no clearance
    assert {c for c, yes in flagged[0].red_flags.items() if yes} == {"new_both_legs"}
    assert set(flagged[0].red_flags) == {f.code for f in RED_FLAGS}
    assert flagged[0].red_flag_referred_to == "emergency_services"
    assert flagged[0].red_flag_advice and flagged[0].red_flag_cleared_on is None
    assert missed and missed > 0


def test_demo_is_audited_and_refuses_a_clinic_with_patients(
    seeded: Database, today: dt.date
) -> None:
    with seeded.reading() as s:
        actors = set(s.scalars(select(AuditEntry.actor).distinct()))
    assert "demo" in actors
    with pytest.raises(ServiceError, match="already has patients"):
        seed_demo(seeded, today=today)
