"""Lookups several services make the same way, written once.

- :func:`patient`: the patient row or :class:`NotFoundError`.
- :func:`latest_surgery_date`: the date of the patient's latest surgery.
- :func:`current_program`: which of a patient's programs is "the current one" (the Sessions tab,
  the patient overview and the report must agree on it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Protocol, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import Patient, Program, Surgery
from rehab_tracker.services.errors import NotFoundError

#: program statuses that make a program "running" (preferred as the current program)
RUNNING_STATUSES = ("active", "planned")


class _HasStatus(Protocol):
    @property
    def status(self) -> str: ...


_P = TypeVar("_P", bound=_HasStatus)


def patient(session: Session, patient_id: uuid.UUID) -> Patient:
    """The patient with this id; :class:`NotFoundError` when there is none."""
    row = session.get(Patient, patient_id)
    if row is None:
        raise NotFoundError(f"no patient with id {patient_id}")
    return row


def latest_surgery_date(session: Session, patient_id: uuid.UUID) -> dt.date | None:
    """The date of the patient's latest recorded surgery, None when there is none."""
    return session.scalar(
        select(func.max(Surgery.surgery_date)).where(Surgery.patient_id == patient_id)
    )


def current_program(programs: Sequence[_P]) -> _P | None:
    """The current program among a patient's programs ordered by start date: the latest active
    or planned one, else the latest one; None when there are none."""
    running = [p for p in programs if p.status in RUNNING_STATUSES]
    if running:
        return running[-1]
    return programs[-1] if programs else None


def programs_by_start(session: Session, patient_id: uuid.UUID) -> list[Program]:
    """The patient's programs, oldest start first (the order :func:`current_program` expects)."""
    return list(
        session.scalars(
            select(Program).where(Program.patient_id == patient_id).order_by(Program.start_date)
        )
    )
