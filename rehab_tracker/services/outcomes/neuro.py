"""Neurological screens at assessment time points: record one (rules in
:mod:`rehab_tracker.domain.neuro`) and read what changed from the baseline screen to the latest
(chosen as for every measure: :func:`rehab_tracker.domain.outcomes.baseline_and_latest`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data.models import NeuroScreen
from rehab_tracker.domain.neuro import (
    NEURO_RULE_VERSION,
    NeuroScreenEntry,
    abnormal,
    compared_count,
    from_doc,
    screen_changes,
    to_doc,
    validate_neuro,
)
from rehab_tracker.domain.outcomes import baseline_and_latest, baseline_of
from rehab_tracker.domain.roles import Permission
from rehab_tracker.services.access import requires
from rehab_tracker.services.outcomes.records import OutcomeRecords


@dataclass(frozen=True)
class ScreenRecord:
    id: uuid.UUID
    on: dt.date
    timepoint: str
    entry: NeuroScreenEntry
    deleted: bool = False


@dataclass(frozen=True)
class NeuroChange:
    """The neurological screen from baseline to latest, in lines for the overview and report.

    ``lines``: one per finding that changed ("L5 myotome left 4/5 -> 5/5 (better)"), or one
    line saying nothing changed, or that there is no follow-up screen yet."""

    baseline_on: dt.date
    latest_on: dt.date | None
    lines: tuple[str, ...]


def read_screens(
    session: Session,
    patient_id: uuid.UUID,
    *,
    today: dt.date | None = None,
    include_deleted: bool = False,
) -> list[ScreenRecord]:
    """The patient's screens, oldest entry first (up to ``today`` when given)."""
    q = (
        select(NeuroScreen)
        .where(NeuroScreen.patient_id == patient_id)
        .order_by(NeuroScreen.examined_on, NeuroScreen.created_at)
    )
    if not include_deleted:
        q = q.where(NeuroScreen.deleted_at.is_(None))
    if today is not None:
        q = q.where(NeuroScreen.examined_on <= today)
    return [
        ScreenRecord(s.id, s.examined_on, s.timepoint, from_doc(s.findings),
                     s.deleted_at is not None)
        for s in session.scalars(q)
    ]


def neuro_change(screens: Sequence[ScreenRecord]) -> NeuroChange | None:
    """What changed from the baseline screen to the latest; None when there is no screen."""
    pair = baseline_and_latest(screens)
    if pair is None:
        only = baseline_of(screens)
        if only is None:
            return None
        found = abnormal(only.entry)
        summary = "; ".join(found) if found else "no abnormal finding"
        return NeuroChange(
            only.on,
            None,
            (f"Neurological screen on {only.on.isoformat()}: {summary}. "
             "No follow-up screen yet: change cannot be computed.",),
        )
    base, latest = pair
    lines = screen_changes(base.entry, latest.entry)
    if not lines:
        count = compared_count(base.entry, latest.entry)
        lines = [
            f"Neurological screen: no change in the {count} findings tested at both screens."
            if count
            else "Neurological screen: no finding was tested at both screens."
        ]
    return NeuroChange(base.on, latest.on, tuple(lines))


def screen_detail(entry: NeuroScreenEntry) -> str:
    """The history's detail column: the abnormal findings."""
    found = abnormal(entry)
    return "; ".join(found) if found else "no abnormal finding"


class NeuroScreens(OutcomeRecords):
    @requires(Permission.OUTCOMES)
    def record_neuro_screen(
        self,
        patient_id: uuid.UUID,
        entry: NeuroScreenEntry,
        *,
        examined_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> uuid.UUID:
        """Store a screen; fields as :func:`rehab_tracker.domain.neuro.validate_neuro` keys
        them (``left.slr_angle``, ``right.myotome.L5``...) and ``screen``."""
        validate_neuro(entry)
        return self._add_record(
            patient_id,
            examined_on,
            today,
            "examined_on",
            timepoint,
            lambda program_id, on: NeuroScreen(
                created_by=self.actor,
                patient_id=patient_id,
                program_id=program_id,
                examined_on=on,
                timepoint=timepoint,
                findings=to_doc(entry),
                rule_version=NEURO_RULE_VERSION,
                notes=notes.strip() or None,
            ),
        )

    def neuro_change(self, patient_id: uuid.UUID) -> NeuroChange | None:
        with self.db.reading() as session:
            return neuro_change(read_screens(session, patient_id))
