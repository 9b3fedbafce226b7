"""Shared column types: UTC timestamps and UUID keys, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Patient, Setting
from rehab_tracker.data.types import jsonable
from tests.data.helpers import make_patient


def test_naive_datetime_is_refused(any_db: Database) -> None:
    with pytest.raises(StatementError, match="timezone-aware"), any_db.unit_of_work() as session:
        session.add(make_patient(archived_at=dt.datetime(2026, 11, 23, 9, 30)))
    with any_db.reading() as session:
        assert session.scalars(select(Patient)).all() == []


def test_aware_datetime_comes_back_as_the_same_instant_in_utc(any_db: Database) -> None:
    local = dt.timezone(dt.timedelta(hours=5, minutes=30))
    when = dt.datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=local)
    with any_db.unit_of_work() as session:
        patient = make_patient(archived_at=when)
        session.add(patient)
    with any_db.reading() as session:
        loaded = session.get(Patient, patient.id)
        assert loaded is not None and loaded.archived_at is not None
        assert loaded.archived_at == when
        assert loaded.archived_at.utcoffset() == dt.timedelta(0)
        assert loaded.archived_at.hour == 4  # 09:30 at +05:30 is 04:00 UTC
        assert loaded.created_at.utcoffset() == dt.timedelta(0)
        assert loaded.updated_at.utcoffset() == dt.timedelta(0)
        stored = session.scalar(
            text("SELECT archived_at FROM patients WHERE record_number = :n"),
            {"n": patient.record_number},
        )
    if any_db.is_sqlite:
        assert str(stored).startswith("2026-11-23 04:00:15")  # UTC on disk, never local time


def test_uuid_keys_round_trip(any_db: Database) -> None:
    chosen = uuid.UUID("12345678-1234-5678-1234-567812345678")
    with any_db.unit_of_work() as session:
        session.add(make_patient("RT-A", id=chosen))
        generated = make_patient("RT-B")
        session.add(generated)
    with any_db.reading() as session:
        loaded = session.get(Patient, chosen)
        assert loaded is not None and loaded.record_number == "RT-A"
        assert isinstance(loaded.id, uuid.UUID) and loaded.id == chosen
        other = session.scalars(select(Patient).where(Patient.record_number == "RT-B")).one()
        assert isinstance(other.id, uuid.UUID) and other.id.version == 4
        assert session.scalars(select(Patient.id).where(Patient.id == chosen)).one() == chosen


def test_json_documents_round_trip(any_db: Database) -> None:
    value = {"units": "metric", "nested": {"list": [1, 2.5, "three", None, True]}}
    with any_db.unit_of_work() as session:
        session.add(Setting(key="display", value=value))
    with any_db.reading() as session:
        loaded = session.get(Setting, "display")
        assert loaded is not None and loaded.value == value
        assert loaded.updated_at.tzinfo is not None


def test_jsonable_makes_audit_snapshots_serialisable() -> None:
    ident = uuid.uuid4()
    value = {
        "when": dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
        "day": dt.date(2026, 1, 2),
        "id": ident,
        "items": (ident, [dt.date(2026, 1, 3)]),
        1: "key",
    }
    assert jsonable(value) == {
        "when": "2026-01-02T03:04:00+00:00",
        "day": "2026-01-02",
        "id": str(ident),
        "items": [str(ident), ["2026-01-03"]],
        "1": "key",
    }
