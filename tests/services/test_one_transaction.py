"""Every user action is one transaction, and the audit trail names every row it removed.

A fault injected inside the action (an insert refused during the flush) must leave nothing of
the action committed, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, select

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_sessions_support import build_patient

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, OutcomeAssessment


class InjectedFault(RuntimeError):
    """The crash a test injects in the middle of a user action."""


@pytest.fixture
def leg_pain_insert_fails() -> Iterator[None]:
    """Every insert of a leg-pain row fails during the flush (a crash between the two rows)."""

    def refuse(_mapper: object, _conn: object, row: OutcomeAssessment) -> None:
        if row.instrument == "nprs_leg":
            raise InjectedFault("leg pain insert failed")

    event.listen(OutcomeAssessment, "before_insert", refuse)
    yield
    event.remove(OutcomeAssessment, "before_insert", refuse)


def _audit_count(db: Database, entity: str) -> int:
    with db.reading() as session:
        return session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == entity)
        ) or 0


def test_back_and_leg_pain_are_saved_together_or_not_at_all(any_db, today, leg_pain_insert_fails):
    b = build_patient(any_db, today)
    trail_before = _audit_count(any_db, "outcome_assessments")
    with pytest.raises(InjectedFault):
        b.services.outcomes.record_nprs(
            b.patient_id, back=6, leg=7, assessed_on=today, today=today, timepoint="baseline"
        )
    assert b.services.outcomes.history(b.patient_id) == [], "back pain saved without leg pain"
    assert _audit_count(any_db, "outcome_assessments") == trail_before


def test_back_and_leg_pain_pair_is_recorded(any_db, today):
    b = build_patient(any_db, today)
    ids = b.services.outcomes.record_nprs(
        b.patient_id, back=6, leg=7, assessed_on=today, today=today, timepoint="baseline"
    )
    rows = {r.id: r for r in b.services.outcomes.history(b.patient_id)}
    assert [rows[i].value for i in ids] == [6, 7]
    assert _audit_count(any_db, "outcome_assessments") == 2
