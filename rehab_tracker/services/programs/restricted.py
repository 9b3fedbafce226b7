"""A program's doses against the patient's active surgeon restrictions.

The rules are the domain's (:func:`rehab_tracker.domain.restrictions.check_dose`); this reads
what they need: the restrictions in force and each exercise's library movements. The builder's
save (:meth:`~rehab_tracker.services.programs.editing.ProgramEditing.save_edits`) refuses a new
or changed dose that goes past one unless a reason is given, and stores the reason on the row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy.orm import Session

from rehab_tracker.data.models import Exercise, Program
from rehab_tracker.domain import restrictions as rules
from rehab_tracker.domain.bounds import text_problem
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.library import ExerciseSpec
from rehab_tracker.services.programs.common import clean
from rehab_tracker.services.programs.types import ProgramDraft
from rehab_tracker.services.restrictions import active_restrictions

#: the most a reason for going past a restriction may say
MAX_REASON = 1000


def facts_of(exercise: Exercise | ExerciseSpec) -> rules.ExerciseFacts:
    """What a restriction check needs of an exercise row or library entry."""
    return rules.ExerciseFacts(exercise.name, tuple(exercise.movements or ()))


def active_for(session: Session, program: Program, today: dt.date) -> Sequence[rules.Restriction]:
    """The restrictions of the program's patient in force on ``today``."""
    return active_restrictions(session, program.patient_id, today)


def changed_items(program: Program, draft: ProgramDraft) -> set[tuple[int, int]]:
    """(phase index, item index) of the draft items that will write a new prescription row:
    new ones, and those whose exercise, dose or notes differ from their open row."""
    rows = {rx.id: rx for rx in program.prescriptions if rx.valid_to is None}
    out: set[tuple[int, int]] = set()
    for i, phase in enumerate(draft.phases):
        for j, item in enumerate(phase.items):
            old = rows.get(item.prescription_id) if item.prescription_id is not None else None
            same = (
                old is not None
                and old.exercise.code == item.exercise_code
                and old.dosage == item.dosage
                and old.notes == clean(item.notes)
            )
            if not same:
                out.add((i, j))
    return out


def draft_breaches(
    program: Program,
    draft: ProgramDraft,
    library: dict[str, ExerciseSpec],
    active: Sequence[rules.Restriction],
) -> dict[str, str]:
    """The new or changed items whose dose goes past an active restriction, keyed
    ``phases[i].items[j].restriction`` (the builder's field keys), each with what it breaks."""
    if not active:
        return {}
    rows = {row.code: row for row in (rx.exercise for rx in program.prescriptions)}
    out: dict[str, str] = {}
    for i, j in sorted(changed_items(program, draft)):
        item = draft.phases[i].items[j]
        exercise = library.get(item.exercise_code) or rows.get(item.exercise_code)
        if exercise is None:
            continue
        breaches = rules.check_dose(facts_of(exercise), item.dosage, active)
        if breaches:
            out[f"phases[{i}].items[{j}].restriction"] = " ".join(b.message for b in breaches)
    return out


def checked_reason(reason: str | None, breaches: dict[str, str]) -> str | None:
    """The reason to store on the breaching rows; ValidationError (``restriction_reason``)
    when doses go past a restriction and no reason (or too long a one) is given."""
    text = clean(reason)
    problem = None if text is None else text_problem(text, limit=MAX_REASON, multiline=True)
    if problem is not None:
        raise ValidationError.single("restriction_reason", problem)
    if not breaches:
        return None
    if text is None:
        raise ValidationError(
            {
                key: f"{message} Give a reason to prescribe this dose, or lower it."
                for key, message in breaches.items()
            }
            | {"restriction_reason": "A dose goes past an active restriction: give a reason."}
        )
    if len(text) > MAX_REASON:
        raise ValidationError.single("restriction_reason", f"At most {MAX_REASON} characters.")
    return text
