"""Disclosures and access, in the audit trail (issue 10 item 11; HIPAA's audit controls).

Every report saved or printed, every batch export and every printed or saved home sheet is a
*disclosure*: who, which patient, when, what (``kind``) and where it went (the file's path or the
printer's name). Opening a patient's record in the window is an *access*. Both are audit entries
(action ``disclose`` or ``access``, entity ``patients``, the patient's id), so they are sealed and
chained like every change (``data.audit``) and cannot be removed or altered unseen. Writing one
is one insert in its own transaction: cheap enough for the open-patient path.

``history`` lists them for one patient, newest first (the audit viewer of the clinic sign-in
issue reads it).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from rehab_tracker.data import audit
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import AuditEntry
from rehab_tracker.domain.bounds import LONG_TEXT, text_problem
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import ServiceError

DISCLOSE = "disclose"
ACCESS = "access"
#: what can leave the app, and how
KINDS = {
    "report_pdf": "progress report saved as PDF",
    "report_print": "progress report printed",
    "report_export": "progress report in a batch export",
    "handout_pdf": "home exercise sheet saved as PDF",
    "handout_print": "home exercise sheet printed",
    "audit_export": "audit trail entries exported to CSV",
    "home_pack": "home pack (program for the home app) written to a file",
}
#: what can be looked at
ACCESSES = {"record": "patient record opened"}


@dataclass(frozen=True)
class DisclosureRecord:
    """One disclosure or access of a patient's record."""

    at: dt.datetime
    actor: str
    action: str
    kind: str
    #: the file or printer it went to (None for an access)
    destination: str | None
    audience: str | None

    @property
    def description(self) -> str:
        return {**KINDS, **ACCESSES}.get(self.kind, self.kind)


def disclosure_details(
    kind: str, destination: str, *, audience: str | None = None
) -> dict[str, str | None]:
    """What a disclosure entry records (``after``): checked; for a use case that writes the
    entry in its own transaction together with the rest of what it records."""
    if kind not in KINDS:
        raise ServiceError(f"unknown kind of disclosure: {kind!r}")
    if not destination.strip():
        raise ServiceError("a disclosure names where it went (a file or a printer)")
    problem = text_problem(destination, limit=LONG_TEXT)
    if problem is not None:  # a path or printer name the trail cannot hold (a NUL, a bidi control)
        raise ServiceError(f"where the disclosure went cannot be recorded: {problem}")
    return {"kind": kind, "destination": destination, "audience": audience}


class DisclosureService:
    """Records disclosures and accesses of patients' records for the signed-in user."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    @requires(Permission.DISCLOSE)
    def disclosed(
        self, patient_id: uuid.UUID, kind: str, destination: str, *, audience: str | None = None
    ) -> None:
        """``kind`` (one of :data:`KINDS`) of the patient's record went to ``destination``."""
        self.disclosed_many([patient_id], kind, destination, audience=audience)

    @requires(Permission.DISCLOSE)
    def disclosed_many(
        self,
        patient_ids: Sequence[uuid.UUID | str],
        kind: str,
        destination: str,
        *,
        audience: str | None = None,
    ) -> None:
        """One file or print holding several patients' records: a disclosure of each, all
        recorded in one transaction."""
        details = disclosure_details(kind, destination, audience=audience)
        with self.db.unit_of_work(self.actor) as session:
            audit.append(
                session, [(DISCLOSE, "patients", str(p), None, details) for p in patient_ids]
            )

    @requires(Permission.DISCLOSE)
    def accessed(self, patient_id: uuid.UUID, what: str = "record") -> None:
        """The user opened the patient's ``what`` (one of :data:`ACCESSES`)."""
        if what not in ACCESSES:
            raise ServiceError(f"unknown kind of access: {what!r}")
        self._record(ACCESS, patient_id, {"kind": what})

    def _record(self, action: str, patient_id: uuid.UUID, details: dict[str, str | None]) -> None:
        with self.db.unit_of_work(self.principal) as session:
            audit.append(session, [(action, "patients", str(patient_id), None, details)])

    def history(self, patient_id: uuid.UUID, *, limit: int = 500) -> list[DisclosureRecord]:
        """The patient's disclosures and accesses, newest first (at most ``limit``)."""
        with self.db.read_connection() as conn:
            rows = conn.execute(
                select(AuditEntry.at, AuditEntry.actor, AuditEntry.action, AuditEntry.after)
                .where(
                    AuditEntry.entity_id == str(patient_id),
                    AuditEntry.entity == "patients",
                    AuditEntry.action.in_((DISCLOSE, ACCESS)),
                )
                .order_by(AuditEntry.seq.desc())
                .limit(limit)
            ).all()
        return [
            DisclosureRecord(
                at=at,
                actor=actor,
                action=action,
                kind=str((after or {}).get("kind", "")),
                destination=(after or {}).get("destination"),
                audience=(after or {}).get("audience"),
            )
            for at, actor, action, after in rows
        ]
