"""Send a program home (issue 14 items 1 and 2): one patient's home pack, made at the clinic.

A pack holds what the home app needs and nothing about anyone else: the patient (name, record
number, date of birth, sex, pathway; no contact details or notes), the current program with its
phases, prescriptions (also the closed ones, so entries made under an older version still name
theirs; ids never change), scheduled sessions and assessments, the exercises prescribed (with
instructions and pictures), the clinic's education items (its library, and any retired one
covered with the patient), the restrictions not yet ended, each
instrument's baseline score (``domain.outcomes.baseline_of``), and the clinic's name and phone
for red flags. Its file format is ``services.home_format``.

Each pack of a patient gets the next version number (1, 2, ...) and a new UUID; it is recorded
(``HomePack``, direction "sent") together with its disclosure in the audit trail (who, which
patient, when, the file it went to) in one transaction, then moved into place.
"""

from __future__ import annotations

import base64
import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rehab_tracker.data import audit, signing_keys
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Base,
    EducationItem,
    EducationRecord,
    Exercise,
    HomePack,
    OutcomeAssessment,
    Patient,
    Prescription,
    Program,
    ProgramPhase,
    Restriction,
    ScheduledAssessment,
    ScheduledSession,
    Setting,
    SigningKey,
)
from rehab_tracker.data.private_files import write_whole
from rehab_tracker.domain.outcomes import baseline_of
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services import _lookup as lookup
from rehab_tracker.services import home_format as fmt
from rehab_tracker.services.access import requires
from rehab_tracker.services.disclosures import DISCLOSE, disclosure_details
from rehab_tracker.services.errors import ConflictError, ServiceError
from rehab_tracker.services.library import media_file
from rehab_tracker.services.settings import CLINIC_KEY

#: the tables of a pack, parents before children (the order a home database writes them in)
TABLES: tuple[type[Base], ...] = (
    Patient,
    Exercise,
    EducationItem,
    Program,
    ProgramPhase,
    Prescription,
    ScheduledSession,
    ScheduledAssessment,
    Restriction,
    OutcomeAssessment,
)
#: columns that stay at the clinic: contact details, clinicians' notes, local row versions
#: (``version`` counts edits in one database; each database keeps its own)
WITHHELD: dict[str, frozenset[str]] = {
    "patients": frozenset(
        {"phone", "email", "address", "notes", "height_m", "weight_kg", "archived_at"}
    ),
    "programs": frozenset({"notes", "early_start_reason", "end_assessment_skip_reason"}),
    "outcome_assessments": frozenset({"notes"}),
}
_LOCAL = frozenset({"version"})


def row_document(row: Base) -> dict[str, Any]:
    """A row as it travels: its columns as the audit trail writes them, less those withheld."""
    table = str(row.__tablename__)
    skip = WITHHELD.get(table, frozenset()) | _LOCAL
    return {k: v for k, v in audit.snapshot(row).items() if k not in skip}


def travelling_columns(model: type[Base]) -> frozenset[str]:
    """The column keys a pack carries for ``model``."""
    keys = {attr.key for attr in model.__mapper__.column_attrs}
    return frozenset(keys - WITHHELD.get(model.__tablename__, frozenset()) - _LOCAL)


@dataclass(frozen=True)
class PackMade:
    """A pack written: where, its version and id, its passphrase (to print), size and digest."""

    path: Path
    pack_id: uuid.UUID
    version: int
    passphrase: str
    passphrase_made: bool
    size_bytes: int
    sha256: str
    key_id: str


class ClinicKeys:
    """The clinic database's signing key: made on first use, then the same one."""

    def __init__(self, db: Database, actor: str) -> None:
        self.db = db
        self.actor = actor

    def key_id(self) -> str:
        """The id of the clinic's key (made, with its private file, the first time)."""
        with self.db.reading() as session:
            found = _clinic_key(session)
        if found is not None:
            return found.key_id
        kid, public = signing_keys.make_key()
        try:
            with self.db.unit_of_work(self.actor) as session:
                session.add(
                    SigningKey(
                        key_id=kid,
                        public_key=public.hex(),
                        role="clinic",
                        owner=_clinic_name(session),
                        created_by=self.actor,
                    )
                )
        except IntegrityError:  # another workstation made the clinic's key meanwhile
            signing_keys.forget_key(kid)
            with self.db.reading() as session:
                found = _clinic_key(session)
            if found is None:
                raise
            return found.key_id
        return kid


def clinic_recipient(kid: str) -> str:
    from rehab_tracker.services.home_log import clinic_recipient as recipient

    return recipient(kid)


def _confirmed(session: Session, patient_id: uuid.UUID) -> dict[str, Any] | None:
    row = session.get(Setting, f"home_device:{patient_id}")
    value = row.value if row is not None else None
    if not isinstance(value, dict) or not isinstance(value.get("made_at"), str):
        return None
    return {"sequence": value.get("sequence"), "made_at": value["made_at"]}


def _clinic_key(session: Session) -> SigningKey | None:
    return session.scalars(select(SigningKey).where(SigningKey.role == "clinic")).first()


def _clinic_details(session: Session) -> dict[str, str]:
    row = session.get(Setting, CLINIC_KEY)
    value = row.value if row is not None and isinstance(row.value, dict) else {}
    return {f: str(value.get(f) or "").strip() for f in ("name", "phone")}


def _clinic_name(session: Session) -> str:
    return _clinic_details(session)["name"]


def _sorted(rows: Iterable[Base]) -> list[dict[str, Any]]:
    return sorted((row_document(r) for r in rows), key=lambda d: str(d["id"]))


def _baselines(session: Session, patient_id: uuid.UUID) -> list[OutcomeAssessment]:
    rows = session.scalars(
        select(OutcomeAssessment)
        .where(OutcomeAssessment.patient_id == patient_id, OutcomeAssessment.deleted_at.is_(None))
        .order_by(OutcomeAssessment.assessed_on, OutcomeAssessment.created_at)
    ).all()
    by_instrument: dict[str, list[OutcomeAssessment]] = {}
    for row in rows:
        by_instrument.setdefault(row.instrument, []).append(row)
    found = []
    for records in by_instrument.values():
        first = baseline_of(_Dated(r) for r in records)
        if first is not None:
            found.append(first.row)
    return found


@dataclass(frozen=True)
class _Dated:
    row: OutcomeAssessment

    @property
    def on(self) -> dt.date:
        return self.row.assessed_on

    @property
    def timepoint(self) -> str:
        return self.row.timepoint


def _tables(
    session: Session, patient: Patient, program: Program, today: dt.date
) -> dict[str, list[dict[str, Any]]]:
    prescriptions = list(program.prescriptions)
    exercise_ids = {p.exercise_id for p in prescriptions}
    exercises = session.scalars(select(Exercise).where(Exercise.id.in_(exercise_ids))).all()
    items = session.scalars(  # the clinic's library (no patient's data), and what was covered
        select(EducationItem).where(
            EducationItem.retired_at.is_(None)
            | EducationItem.id.in_(
                select(EducationRecord.item_id).where(EducationRecord.program_id == program.id)
            )
        )
    ).all()
    restrictions = session.scalars(
        select(Restriction).where(
            Restriction.patient_id == patient.id,
            (Restriction.until.is_(None)) | (Restriction.until >= today),
        )
    ).all()
    found: dict[type[Base], Sequence[Base]] = {
        Patient: [patient],
        Exercise: exercises,
        EducationItem: items,
        Program: [program],
        ProgramPhase: program.phases,
        Prescription: prescriptions,
        ScheduledSession: program.scheduled_sessions,
        ScheduledAssessment: program.assessments_due,
        Restriction: restrictions,
        OutcomeAssessment: _baselines(session, patient.id),
    }
    return {model.__tablename__: _sorted(found[model]) for model in TABLES}


def _media(exercises: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """The pictures of the exercises (relative media entries; links travel as they are)."""
    found: dict[str, dict[str, str]] = {}
    for exercise in exercises:
        for entry in exercise.get("media") or []:
            if not isinstance(entry, str) or entry in found or "://" in entry:
                continue
            path = media_file(entry)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ServiceError(
                    f"the picture {entry} of {exercise.get('name')} cannot be read "
                    f"({exc.strerror}): attach it again or remove it"
                ) from exc
            found[entry] = {
                "entry": entry,
                "sha256": fmt.sha256_hex(data),
                "base64": base64.b64encode(data).decode("ascii"),
            }
    return [found[k] for k in sorted(found)]


class HomePackService:
    """Makes home packs at the clinic for the signed-in user (``principal``)."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal
        self.actor = principal.username

    def content(
        self, patient_id: uuid.UUID, *, today: dt.date, version: int, pack_id: uuid.UUID
    ) -> dict[str, Any]:
        """The pack's content for the patient (``home_format``), without signing it."""
        kid = ClinicKeys(self.db, self.actor).key_id()
        with self.db.reading() as session:
            patient = lookup.patient(session, patient_id)
            program = lookup.current_program(lookup.programs_by_start(session, patient_id))
            if program is None:
                raise ServiceError(
                    f"{patient.full_name} has no program yet: build one before sending it home"
                )
            tables = _tables(session, patient, program, today)
            clinic = _clinic_details(session)
            confirmed = _confirmed(session, patient_id)
        return {
            "format": fmt.FORMAT,
            "format_version": fmt.FORMAT_VERSION,
            "pack_id": str(pack_id),
            "version": version,
            "made_at": dt.datetime.now(dt.UTC).isoformat(),
            "made_by": self.actor,
            "key_id": kid,
            "patient_id": str(patient_id),
            "clinic": clinic,
            "tables": tables,
            "media": _media(tables["exercises"]),
            # where the home log goes (an addition to format version 1: older readers skip it)
            "log_recipient": clinic_recipient(kid),
            # the newest home log imported from this patient: the next one starts after it
            "home_log_confirmed": confirmed,
        }

    def next_version(self, patient_id: uuid.UUID) -> int:
        with self.db.reading() as session:
            newest = session.scalar(
                select(func.max(HomePack.version)).where(
                    HomePack.patient_id == patient_id, HomePack.direction == "sent"
                )
            )
        return (newest or 0) + 1

    @requires(Permission.DISCLOSE)
    def make(
        self,
        patient_id: uuid.UUID,
        out: Path,
        *,
        today: dt.date,
        passphrase: str | None = None,
    ) -> PackMade:
        """Write the patient's next pack to ``out``, record it and its disclosure."""
        chosen = fmt.check_passphrase(passphrase) if passphrase is not None else None
        secret = chosen or fmt.make_passphrase()
        version = self.next_version(patient_id)
        pack_id = uuid.uuid4()
        content = self.content(patient_id, today=today, version=version, pack_id=pack_id)
        key = signing_keys.private_key(content["key_id"])
        data = fmt.seal(content, key, secret)
        out = out.expanduser().resolve()
        try:
            write_whole(out, data)
        except OSError as exc:
            raise ServiceError(f"cannot write {out}: {exc.strerror}") from exc
        try:
            with self.db.unit_of_work(self.principal) as session:
                session.add(
                    HomePack(
                        id=pack_id,
                        patient_id=patient_id,
                        direction="sent",
                        version=version,
                        key_id=content["key_id"],
                        sha256=fmt.sha256_hex(data),
                        made_at=dt.datetime.fromisoformat(content["made_at"]),
                        size_bytes=len(data),
                        created_by=self.actor,
                    )
                )
                details = disclosure_details("home_pack", str(out), audience="patient")
                details["pack_version"] = str(version)
                details["pack_id"] = str(pack_id)
                audit.append(session, [(DISCLOSE, "patients", str(patient_id), None, details)])
        except BaseException as exc:  # not recorded: the file does not stay either
            out.unlink(missing_ok=True)
            if isinstance(exc, IntegrityError):
                raise ConflictError(
                    "another home pack for this patient was made at the same moment: make it again"
                ) from None
            raise
        return PackMade(
            out,
            pack_id,
            version,
            secret,
            chosen is None,
            len(data),
            fmt.sha256_hex(data),
            content["key_id"],
        )
