"""What the parts of :class:`~rehab_tracker.services.programs.ProgramService` share.

:class:`ServicePart` holds the database and who acts; the functions read rows every part needs
(the program, the patient's surgery date, a prescription as a :class:`PrescribedExercise`) and
turn a write that lost a race with another workstation into one :class:`ConflictError`.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import Exercise, Patient, Prescription, Program
from rehab_tracker.domain.dosage import Dosage
from rehab_tracker.domain.roles import Principal
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.programs.types import PrescribedExercise
from rehab_tracker.services.settings import SettingsService


class ServicePart:
    """A part of the program service: one job, the shared database, actor and settings."""

    def __init__(
        self, db: Database, principal: Principal, settings: SettingsService | None = None
    ) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username
        #: the clinic's settings (the container passes its one instance)
        self.settings = settings or SettingsService(db, principal)


def lines(text: str) -> tuple[str, ...]:
    """The non-blank lines of a stored multi-line text, stripped."""
    return tuple(line.strip() for line in text.splitlines() if line.strip())


def clean(text: str | None) -> str | None:
    """A note as stored: stripped, None when blank."""
    return (text or "").strip() or None


def get_program(session: Session, program_id: uuid.UUID) -> Program:
    return lookup.by_id(session, Program, program_id, "program")


def surgery_date(session: Session, patient: Patient) -> dt.date | None:
    """The latest surgery's date; None on a non-surgical pathway (programs date from it)."""
    if patient.pathway != "surgical":
        return None
    return lookup.latest_surgery_date(session, patient.id)


def open_prescriptions(program: Program, phase_id: uuid.UUID) -> list[Prescription]:
    """The phase's open prescription rows (``valid_to`` None), in display order."""
    return sorted(
        (rx for rx in program.prescriptions if rx.phase_id == phase_id and rx.valid_to is None),
        key=lambda r: r.position,
    )


def new_prescription(
    actor: str,
    program: Program,
    phase_id: uuid.UUID,
    exercise_id: uuid.UUID,
    position: int,
    dosage: Dosage,
    notes: str | None,
    valid_from: dt.datetime,
) -> Prescription:
    """A new open prescription row (a first one, or the next version of one): valid from
    ``valid_from`` until it is replaced, at the program's sessions per week."""
    rx = Prescription(
        created_by=actor,
        program_id=program.id,
        phase_id=phase_id,
        exercise_id=exercise_id,
        position=position,
        sessions_per_week=program.sessions_per_week,
        notes=notes,
        valid_from=valid_from,
    )
    rx.dosage = dosage
    return rx


def prescribed_all(session: Session, rows: Iterable[Prescription]) -> list[PrescribedExercise]:
    """``rows`` as :class:`PrescribedExercise` in their order, their exercises read in one
    statement (not one per row: a program holds thirty-odd prescriptions)."""
    rows = list(rows)
    wanted = {rx.exercise_id for rx in rows}
    # held here so the session's (weak) identity map keeps them while the rows are built
    query = select(Exercise).where(Exercise.id.in_(wanted))
    exercises = session.scalars(query).all() if wanted else []
    found = {e.id: e for e in exercises}
    return [prescribed(rx, found[rx.exercise_id]) for rx in rows]


def prescribed(rx: Prescription, exercise: Exercise | None = None) -> PrescribedExercise:
    """One prescription row for display (``exercise``: its exercise, when already read)."""
    ex = exercise or rx.exercise
    return PrescribedExercise(
        id=rx.id,
        phase_id=rx.phase_id,
        phase_name=rx.phase.name,
        exercise_id=rx.exercise_id,
        exercise_code=ex.code,
        exercise_name=ex.name,
        position=rx.position,
        dosage=rx.dosage,
        notes=rx.notes,
        instructions=lines(ex.instructions),
        cautions=lines(ex.cautions),
        valid_from=rx.valid_from,
        valid_to=rx.valid_to,
        movements=tuple(ex.movements or ()),
        restriction_override=rx.restriction_override,
    )


#: what the second writer of a program is told it was (``lookup.conflict_message``)
STALE = "This program"


def stale_is_conflict() -> AbstractContextManager[None]:
    """:func:`lookup.stale_is_conflict` of a program: the lost version race becomes the
    :class:`ConflictError` the UI offers to reload on."""
    return lookup.stale_is_conflict(STALE)
