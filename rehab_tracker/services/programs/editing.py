"""Changing a program: save the therapist's edits with history, save it as a clinic template.

History: a prescription row is never changed in place once written. Changing its dosage or
notes, or removing it, closes the row (``valid_to``) and, for a change, opens a new one, so
"what was prescribed when" can always be answered
(:meth:`~rehab_tracker.services.programs.reads.ProgramReads.prescription_history`). Only the
display order (``position``) of an open row is updated in place.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data import resources
from rehab_tracker.data.models import Exercise, Prescription, Program, ProgramTemplate
from rehab_tracker.data.types import utcnow
from rehab_tracker.domain import progression
from rehab_tracker.domain import template as tpl
from rehab_tracker.domain.dosage import dosage_to_dict
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.library import ExerciseSpec
from rehab_tracker.domain.program_status import refuse_dose_edit
from rehab_tracker.domain.roles import Permission
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.programs.catalogue import Catalogue, dosage_types
from rehab_tracker.services.programs.checks import check_template_name, validate_draft
from rehab_tracker.services.programs.common import (
    STALE,
    clean,
    get_program,
    lines,
    new_prescription,
    open_prescriptions,
    stale_is_conflict,
)
from rehab_tracker.services.programs.progression import flag_refusal, open_flag
from rehab_tracker.services.programs.restricted import (
    active_for,
    checked_reason,
    draft_breaches,
)
from rehab_tracker.services.programs.types import PhaseDraft, ProgramDraft


class ProgramEditing(Catalogue):
    """Edits of an existing program, and a program saved as a template."""

    @requires(Permission.PROGRAMS)
    def save_edits(
        self,
        program_id: uuid.UUID,
        edited: ProgramDraft,
        *,
        expected_version: int,
        restriction_reason: str | None = None,
        today: dt.date | None = None,
    ) -> int:
        """Apply an edited program in one unit of work; returns the program's new version.

        A new or changed dose that goes past one of the patient's restrictions active on
        ``today`` (default: the date today) is refused (ValidationError at the item, key
        ``phases[i].items[j].restriction``) unless ``restriction_reason`` says why; the reason
        is stored on each such prescription row (and so in the audit trail).

        Phases are matched by id (their name, dates and weeks are updated). In each phase the
        draft's items, in order, become the open prescriptions: an unchanged item keeps its row
        (its position may change), a changed item's row is closed and a new row opened, an item
        no longer listed is closed, a new item gets a new row. Raises ConflictError when the
        program was saved elsewhere since ``expected_version``.
        """
        with stale_is_conflict(), self.db.unit_of_work(self.principal) as session:
            program = get_program(session, program_id)
            lookup.check_version(program, expected_version, STALE)
            refuse_dose_edit(program.status)
            library = self._library_map(session)
            known = set(session.scalars(select(Exercise.code)))
            validate_draft(edited, library, known, today=today or dt.date.today())
            _refuse_raises_while_flagged(session, program, edited)
            active = active_for(session, program, today or dt.date.today())
            breaches = draft_breaches(program, edited, library, active)
            reason = checked_reason(restriction_reason, breaches)
            phases = {ph.id: ph for ph in program.phases}
            if {p.id for p in edited.phases} != set(phases):
                raise ValidationError.single(
                    "phases", "Phases cannot be added or removed here; reopen the program."
                )
            now = utcnow()
            open_rx = [rx for rx in program.prescriptions if rx.valid_to is None]
            for index, pd in enumerate(edited.phases):
                phase = phases[pd.id]
                phase.name = pd.name.strip()
                phase.start_date = pd.start_date
                phase.end_date = pd.end_date
                phase.start_week = pd.start_week
                phase.end_week = pd.end_week
                current = {rx.id: rx for rx in open_rx if rx.phase_id == phase.id}
                overridden = {
                    j for j in range(len(pd.items))
                    if f"phases[{index}].items[{j}].restriction" in breaches
                }
                self._apply_items(
                    session, program, pd, current, library, now, (overridden, reason)
                )
            program.updated_at = now  # bumps the version: other editors see the change
            session.flush()
            return program.version

    def _apply_items(
        self,
        session: Session,
        program: Program,
        pd: PhaseDraft,
        current: dict[uuid.UUID, Prescription],
        library: dict[str, ExerciseSpec],
        now: dt.datetime,
        override: tuple[set[int], str | None],
    ) -> None:
        """Make the phase draft's items, in order, the phase's open prescriptions; ``current``
        are its open rows before the edit (by id); ``override`` the items whose new row goes
        past a restriction and the reason given for it."""
        overridden, reason = override
        kept: set[uuid.UUID] = set()
        for position, item in enumerate(pd.items):
            old = current.get(item.prescription_id) if item.prescription_id is not None else None
            if old is not None and old.exercise.code == item.exercise_code:
                kept.add(old.id)
                if old.dosage == item.dosage and old.notes == clean(item.notes):
                    if old.position != position:
                        old.position = position
                    continue
                old.valid_to = now
            exercise = self._exercise_by_code(session, item.exercise_code, library)
            assert exercise is not None  # validated
            rx = new_prescription(
                self.actor,
                program,
                pd.id,
                exercise.id,
                position,
                item.dosage,
                clean(item.notes),
                now,
            )
            if position in overridden:
                rx.restriction_override = reason
            session.add(rx)
        for rx_id, rx in current.items():
            if rx_id not in kept:
                rx.valid_to = now

    def restriction_breaches(
        self, program_id: uuid.UUID, edited: ProgramDraft, *, today: dt.date
    ) -> dict[str, str]:
        """The new or changed doses of ``edited`` that go past a restriction of the patient
        active on ``today`` (keyed as :meth:`save_edits` refuses them): the builder asks for a
        reason before saving when there are any."""
        with self.db.reading() as session:
            program = get_program(session, program_id)
            library = self._library_map(session)
            return draft_breaches(program, edited, library, active_for(session, program, today))

    @requires(Permission.PROGRAMS)
    def save_as_template(self, program_id: uuid.UUID, code: str, name: str) -> str:
        """Save the program's current phases and prescriptions as a clinic template.

        Both intensity variants get the program's current dosages (edit the template to differ).
        """
        check_template_name(code, name)
        with self.db.unit_of_work(self.principal) as session:
            if code in resources.list_templates() or session.scalar(
                select(ProgramTemplate.id).where(ProgramTemplate.code == code)
            ):
                raise ValidationError.single("code", f"A template with code {code!r} exists.")
            program = get_program(session, program_id)
            library = self._library_map(session)
            base: tpl.ProgramTemplate | None = None
            if program.template_code:
                try:
                    base, _ = self._load_template(session, program.template_code)
                except ServiceError:
                    base = None
            body = _template_body(program, base, code, name.strip())
            types = dosage_types(library)
            for row in session.scalars(select(Exercise)):
                types.setdefault(row.code, row.dosage_type)
            try:
                tpl.parse_template(body, types)
            except ValidationError as exc:
                raise ValidationError(
                    {"template": f"The program cannot be saved as a template: {exc}"}
                ) from exc
            session.add(
                ProgramTemplate(
                    created_by=self.actor, code=code, name=name.strip(), body=body, builtin=False
                )
            )
        return code


def _template_body(
    program: Program, base: tpl.ProgramTemplate | None, code: str, name: str
) -> dict[str, Any]:
    """The template file of the program: its base template's settings (or plain defaults when
    it has none) with the program's phases and open prescriptions as both variants' doses."""
    body = tpl.template_to_dict(base) if base is not None else _default_settings(program)
    variants = [v["code"] for v in body["variants"]]
    body.update(code=code, name=name, version=1)
    body["phases"] = [
        {
            "code": ph.code,
            "name": ph.name,
            "weeks": {"first": ph.start_week, "last": ph.end_week},
            "goals": list(lines(ph.goals)) or [ph.name],
            "items": [
                {
                    "exercise": rx.exercise.code,
                    "dosage": {v: dosage_to_dict(rx.dosage) for v in variants},
                    "note": clean(rx.notes),
                }
                for rx in open_prescriptions(program, ph.id)
            ],
        }
        for ph in program.phases
    ]
    return body


def _default_settings(program: Program) -> dict[str, Any]:
    """A template's settings for a program not built from one (or whose template is gone)."""
    return {
        "schema_version": tpl.SCHEMA_VERSION,
        "description": f"Saved from a program of {program.weeks} weeks.",
        "sources": ["Clinic template"],
        "dosage_note": "The dosages are the clinic's defaults, to adjust per patient.",
        "weeks": program.weeks,
        "sessions_per_week": program.sessions_per_week,
        "start_weeks_after_surgery": {"min": 4, "max": 6},
        "exercise_start_days_after_education": {"min": 2, "max": 3},
        "education_session": True,
        "variants": [
            {
                "code": v,
                "name": f"{v.title()} intensity",
                "description": f"{v.title()} intensity.",
                "progression_note": "Progress when the targets are met.",
            }
            for v in ("high", "low")
        ],
        "assessments": [
            {"code": "baseline", "name": "Baseline assessment", "week": 0},
            {"code": "end", "name": "End-of-program assessment", "week": program.weeks},
        ],
    }


def _refuse_raises_while_flagged(session: Session, program: Program, draft: ProgramDraft) -> None:
    """A dose raised by hand is a progression: refused at its item while a positive red-flag
    screen is not cleared (as accepting a suggestion is). Lowering, notes and new rows pass."""
    flagged_on = open_flag(session, program)
    if flagged_on is None:
        return
    rows = {rx.id: rx for rx in program.prescriptions if rx.valid_to is None}
    errors = {
        f"phases[{i}].items[{j}].dosage": flag_refusal(old.exercise.name, flagged_on)
        for i, phase in enumerate(draft.phases)
        for j, item in enumerate(phase.items)
        if (old := rows.get(item.prescription_id)) is not None  # type: ignore[arg-type]
        and old.exercise.code == item.exercise_code
        and progression.raises_dose(old.dosage, item.dosage)
    }
    if errors:
        raise ValidationError(errors)
