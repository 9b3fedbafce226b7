"""Migration 0005 (redflag_screen): an acknowledged red flag becomes a clearance that says honestly
what was not recorded; an open one stays open. On SQLite and PostgreSQL (``any_db``)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.exc import IntegrityError

from rehab_tracker.data import audit, migrate
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry, SessionLog
from tests.data.helpers import make_patient

ACK_AT = dt.datetime(2026, 11, 20, 14, 5, tzinfo=dt.UTC)


def _two_positive_logs(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    """An acknowledged and an open positive screen (at head, then the columns are dropped)."""
    with db.unit_of_work("tester") as session:
        patient = make_patient()
        session.add(patient)
        session.flush()
        logs = [
            SessionLog(created_by="tester", patient_id=patient.id, session_date=day,
                       status="aborted", red_flag_result="positive",
                       red_flags={"both_legs": True, "infection": False})
            for day in (dt.date(2026, 11, 19), dt.date(2026, 11, 21))
        ]
        logs[0].red_flag_acknowledged_at = ACK_AT
        logs[0].red_flag_acknowledged_by = "physio Kim"
        logs[0].red_flag_cleared_by = "placeholder, dropped by the downgrade"
        logs[0].red_flag_cleared_on = ACK_AT.date()
        session.add_all(logs)
        session.flush()
        return logs[0].id, logs[1].id


def test_acknowledged_flags_become_honest_clearances_and_open_ones_stay_open(
    any_db: Database,
) -> None:
    acknowledged, still_open = _two_positive_logs(any_db)
    migrate.downgrade(any_db.engine, "0004")
    with any_db.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("session_logs")}
    assert "red_flag_cleared_by" not in columns and "red_flag_acknowledged_at" in columns

    migrate.upgrade(any_db.engine)
    with any_db.reading() as session:
        old = session.get(SessionLog, acknowledged)
        assert old is not None
        assert old.red_flag_cleared_by == "not recorded (acknowledged by physio Kim)"
        assert old.red_flag_cleared_on == dt.date(2026, 11, 20)
        assert old.red_flag_clearance_note == (
            "Recorded before clearance details were kept: acknowledged by physio Kim at "
            "2026-11-20 14:05 UTC. The advice given, the referral and who cleared exercise to "
            "resume were not recorded."
        )
        assert old.red_flag_advice is None and old.red_flag_referred_to is None
        assert old.red_flag_acknowledged_by == "physio Kim"  # who recorded it, unchanged
        new = session.get(SessionLog, still_open)
        assert new is not None and new.red_flag_acknowledged_at is None
        assert new.red_flag_cleared_by is None and new.red_flag_cleared_on is None
        # the backfill is in the audit trail, and the chain still holds
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity_id == str(acknowledged))
            .order_by(AuditEntry.seq.desc())
        ).first()
        assert entry is not None and entry.actor == "migration 0005_redflag_screen"
        assert entry.after is not None
        assert entry.after["red_flag_cleared_on"] == "2026-11-20"
        assert audit.verify_chain(session) == []


def test_a_clearance_without_who_and_when_is_refused_by_the_database(any_db: Database) -> None:
    _acknowledged, still_open = _two_positive_logs(any_db)
    with pytest.raises(IntegrityError), any_db.unit_of_work("tester") as session:
        session.execute(
            text("UPDATE session_logs SET red_flag_acknowledged_at = created_at WHERE id = :i"),
            {"i": still_open.hex if any_db.engine.dialect.name == "sqlite" else still_open},
        )
    with pytest.raises(IntegrityError), any_db.unit_of_work("tester") as session:
        log = session.get(SessionLog, still_open)
        assert log is not None
        log.red_flag_referred_to = "hospital"
