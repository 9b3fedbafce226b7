"""Patient education: the shipped items and the clinic's own, and what was covered with whom."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import EducationItem, EducationRecord, Patient, Program
from rehab_tracker.domain import bounds
from rehab_tracker.domain import education as domain
from rehab_tracker.domain.education import education_item_errors, parse_education_item
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services.access import requires
from rehab_tracker.services.library import (
    EDUCATION_FILE,
    add_missing,
    free_code,
    seed_when_changed,
    slugify,
)


@dataclass(frozen=True)
class EducationRow:
    id: uuid.UUID
    code: str
    title: str
    summary: str
    body: str
    url: str | None
    kind: str
    builtin: bool


@dataclass(frozen=True)
class EducationForm:
    title: str
    summary: str
    body: str = ""
    url: str | None = None


@dataclass(frozen=True)
class CoveredRow:
    item_id: uuid.UUID
    title: str
    covered_on: dt.date
    notes: str | None


#: what a stored item, its list row and a parsed item (shipped or the clinic's own) share
_ITEM_FIELDS = ("code", "title", "summary", "body", "url", "kind")


def _item_values(item: object) -> dict[str, Any]:
    """The :data:`_ITEM_FIELDS` of an item by name: the one mapping between its forms."""
    return {name: getattr(item, name) for name in _ITEM_FIELDS}


def _row(item: EducationItem) -> EducationRow:
    return EducationRow(id=item.id, **_item_values(item), builtin=item.builtin)


def _as_dict(form: EducationForm, code: str) -> dict[str, object]:
    url = (form.url or "").strip() or None
    return {
        "code": code,
        "title": form.title,
        "summary": form.summary,
        "body": form.body,
        "url": url,
        "kind": "text" if form.body.strip() or url is None else "link",
    }


def form_errors(form: EducationForm) -> dict[str, str]:
    """Field errors of the add-item form, in plain words (no item code in front)."""
    errors = education_item_errors(_as_dict(form, slugify(form.title)))
    return {k: v.split(": ", 1)[-1] for k, v in errors.items() if k != "code"}


class EducationService:
    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    def ensure_seeded(self) -> int:
        """Add the shipped items not yet in the database; returns how many were added.

        Nothing is parsed when the shipped file is unchanged since the last seeding.
        """
        return seed_when_changed(
            self.db, self.actor, "education", (EDUCATION_FILE,), self._shipped_items
        )

    def _shipped_items(self) -> Callable[[Session], int]:
        """The shipped items, and the writer that adds the missing ones."""
        from rehab_tracker.data import resources

        shipped = resources.load_education()
        return lambda session: add_missing(
            session, EducationItem.code, shipped, lambda item: self._new_row(item, builtin=True)
        )

    def list_items(self) -> list[EducationRow]:
        with self.db.reading() as session:
            query = (
                select(EducationItem)
                .where(EducationItem.retired_at.is_(None))
                .order_by(EducationItem.builtin.desc(), EducationItem.title)
            )
            return [_row(i) for i in session.scalars(query)]

    def item(self, item_id: uuid.UUID) -> EducationRow:
        with self.db.reading() as session:
            return _row(self._get(session, item_id))

    @requires(Permission.LIBRARY)
    def add_item(self, form: EducationForm) -> uuid.UUID:
        errors = form_errors(form)
        if errors:
            raise ValidationError(errors)
        with self.db.unit_of_work(self.principal) as session:
            base = "clinic-" + slugify(form.title).replace("_", "-")
            code = free_code(set(session.scalars(select(EducationItem.code))), base, "-")
            item = self._new_row(parse_education_item(_as_dict(form, code)), builtin=False)
            session.add(item)
            session.flush()
            return item.id

    def _new_row(self, item: domain.EducationItem, *, builtin: bool) -> EducationItem:
        """The stored row of a parsed item (shipped, or the clinic's own)."""
        return EducationItem(**_item_values(item), builtin=builtin, created_by=self.actor)

    @requires(Permission.OUTCOMES)
    def record_covered(
        self,
        program_id: uuid.UUID,
        item_ids: list[uuid.UUID],
        covered_on: dt.date,
        *,
        today: dt.date,
        notes: str | None = None,
    ) -> None:
        """Record that these items were gone through with the patient on ``covered_on``."""
        errors: dict[str, str] = {}
        if not item_ids:
            errors["items"] = "Tick at least one item."
        if covered_on > today:
            errors["covered_on"] = "The date cannot be in the future."
        checked = Collector()
        bounds.check_notes(checked, "notes", notes)
        bounds.check_past_date(checked, "covered_on", covered_on, date_of_birth=None)
        errors = {**checked.errors, **errors}
        if errors:
            raise ValidationError(errors)
        with self.db.unit_of_work(self.principal) as session:
            program = lookup.by_id(session, Program, program_id, "program")
            born = session.get(Patient, program.patient_id)
            if born is not None and covered_on < born.date_of_birth:
                raise ValidationError.single(
                    "covered_on", "The date cannot be before the patient's date of birth."
                )
            for item_id in item_ids:
                self._get(session, item_id)
                session.add(
                    EducationRecord(
                        program_id=program_id,
                        item_id=item_id,
                        covered_on=covered_on,
                        notes=(notes or "").strip() or None,
                        created_by=self.actor,
                    )
                )

    def covered(self, program_id: uuid.UUID) -> list[CoveredRow]:
        with self.db.reading() as session:
            rows = session.execute(
                select(EducationRecord, EducationItem.title)
                .join(EducationItem, EducationItem.id == EducationRecord.item_id)
                .where(EducationRecord.program_id == program_id)
                .order_by(EducationRecord.covered_on, EducationItem.title)
            )
            return [CoveredRow(r.item_id, title, r.covered_on, r.notes) for r, title in rows]

    @staticmethod
    def _get(session: Session, item_id: uuid.UUID) -> EducationItem:
        return lookup.by_id(session, EducationItem, item_id, "education item")
