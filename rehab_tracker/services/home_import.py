"""Open a home pack at home (issue 14 items 2 and 3): verify, decrypt, then apply, or refuse.

Everything is checked before anything is written: the seal and the signer (the clinic key
pinned at the first pack; a pack signed by another key is refused), the passphrase, the
signature of the content, its format version, every row's columns and types, that every row
belongs to the pack's one patient and program, the pictures' digests, and then against the home
database: the same patient as before, and a version newer than the newest applied (an older or
the same one is a replay). A refusal is :class:`home_format.Refused` with its reason and one
line, and leaves the database (and the media folder) as it was.

Applying is one unit of work: the clinic key is pinned (first pack), the pack's rows are added
or updated by their ids (ids travel unchanged, so a newer version updates the same rows), rows
of the same program a newer pack no longer lists are removed (a restriction lifted, a session
dropped), the clinic's name and phone are stored, and the pack is recorded (``HomePack``,
direction "applied"). Every change is in the home database's audit trail like any other.
A home database is one that holds no clinic: one with patients but no pinned key, or with a
clinic signing key of its own, is refused.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, Float, Integer, String, Time, Uuid, func, select
from sqlalchemy.orm import Session

from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Base,
    HomePack,
    OutcomeAssessment,
    Patient,
    Prescription,
    ProgramPhase,
    Restriction,
    ScheduledAssessment,
    ScheduledSession,
    Setting,
    SigningKey,
)
from rehab_tracker.data.private_files import write_whole
from rehab_tracker.data.types import JSONDoc, UTCDateTime
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.services import home_format as fmt
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.home_format import MALFORMED, Refused
from rehab_tracker.services.home_pack import TABLES, travelling_columns
from rehab_tracker.services.library import media_file
from rehab_tracker.services.settings import CLINIC_KEY

HOME_ACTOR = "home"
_TABLES = {model.__tablename__: model for model in TABLES}
#: rows a newer pack replaces: those of the pack's program (or patient) that it no longer lists
_REPLACED: tuple[type[Any], ...] = (
    ScheduledAssessment,
    ScheduledSession,
    Prescription,
    ProgramPhase,
    Restriction,
    OutcomeAssessment,
)


@dataclass(frozen=True)
class Applied:
    """A pack applied to the home database."""

    pack_id: uuid.UUID
    version: int
    patient_id: uuid.UUID
    patient_name: str
    key_id: str
    #: True when this pack pinned the clinic's key (the first pack)
    pinned_now: bool
    #: table -> rows in the pack
    counts: dict[str, int]
    removed: int
    pictures: int


@dataclass(frozen=True)
class Verified:
    """A pack file checked without a database (:meth:`HomeImportService.verify_alone`)."""

    sealed: fmt.Sealed
    inner: bytes
    sha256: str


@dataclass(frozen=True)
class _State:
    pinned: str | None
    patient_id: uuid.UUID | None
    newest: int
    applied_ids: frozenset[uuid.UUID]
    is_clinic: bool


@dataclass(frozen=True)
class _Plan:
    """A checked pack, ready to write."""

    pack_id: uuid.UUID
    version: int
    made_at: dt.datetime
    patient_id: uuid.UUID
    program_id: uuid.UUID
    clinic: dict[str, str]
    rows: dict[str, list[dict[str, Any]]]
    media: list[tuple[str, bytes]]
    #: the clinic's X25519 recipient for home logs (None in packs made before it travelled)
    log_recipient: str | None = None
    #: when the newest home log the clinic imported was made (None: none yet, or an old pack)
    log_confirmed: str | None = None


def _malformed(what: str) -> Refused:
    return Refused(MALFORMED, f"the pack's content cannot be read (malformed): {what}")


def _text(raw: Any) -> Any:
    if not isinstance(raw, str):
        raise TypeError
    return raw


def _integer(raw: Any) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise TypeError
    return raw


def _number(raw: Any) -> Any:
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise TypeError
    return float(raw)


def _flag(raw: Any) -> Any:
    if not isinstance(raw, bool):
        raise TypeError
    return raw


def _moment(raw: Any) -> Any:
    value = dt.datetime.fromisoformat(_text(raw))
    if value.tzinfo is None:
        raise ValueError
    return value


_CONVERTERS: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (UTCDateTime, _moment),
    (JSONDoc, lambda raw: raw),
    (Uuid, lambda raw: uuid.UUID(_text(raw))),
    (Date, lambda raw: dt.date.fromisoformat(_text(raw))),
    (Time, lambda raw: dt.time.fromisoformat(_text(raw))),
    (Boolean, _flag),
    (Integer, _integer),
    (Float, _number),
    (String, _text),
)


def _converter(column_type: object) -> Callable[[Any], Any]:
    for kind, convert in _CONVERTERS:
        if isinstance(column_type, kind):
            return convert
    raise AssertionError(f"no converter for {column_type!r}")  # pragma: no cover


def _row(model: type[Base], doc: object) -> dict[str, Any]:
    """The column values of one travelling row, typed (Refused: malformed)."""
    table = model.__tablename__
    wanted = travelling_columns(model)
    if not isinstance(doc, dict) or set(doc) != wanted:
        raise _malformed(f"a row of {table} has other columns than format version 1")
    values: dict[str, Any] = {}
    for attr in model.__mapper__.column_attrs:
        if attr.key not in wanted:
            continue
        column = attr.columns[0]
        raw = doc[attr.key]
        if raw is None:
            if not column.nullable:
                raise _malformed(f"{table}.{attr.key} is empty")
            values[attr.key] = None
            continue
        try:
            values[attr.key] = _converter(column.type)(raw)
        except (TypeError, ValueError):
            raise _malformed(f"{table}.{attr.key} is not of its type") from None
    return values


def _rows(tables: object) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(tables, dict) or set(tables) != set(_TABLES):
        raise _malformed("it does not hold the tables of format version 1")
    rows: dict[str, list[dict[str, Any]]] = {}
    for name, model in _TABLES.items():
        docs = tables[name]
        if not isinstance(docs, list):
            raise _malformed(f"{name} is not a list of rows")
        rows[name] = [_row(model, doc) for doc in docs]
        ids = [r["id"] for r in rows[name]]
        if len(set(ids)) != len(ids):
            raise _malformed(f"{name} lists a row twice")
    return rows


def _one_patient(rows: Mapping[str, list[dict[str, Any]]], patient_id: uuid.UUID) -> uuid.UUID:
    """The program's id, once every row is shown to be the one patient's (Refused otherwise)."""
    patients, programs = rows["patients"], rows["programs"]
    if [p["id"] for p in patients] != [patient_id] or len(programs) != 1:
        raise _malformed("it is not one patient's program")
    program_id: uuid.UUID = programs[0]["id"]
    for name, key, owner in (
        ("programs", "patient_id", patient_id),
        ("restrictions", "patient_id", patient_id),
        ("outcome_assessments", "patient_id", patient_id),
        ("program_phases", "program_id", program_id),
        ("prescriptions", "program_id", program_id),
        ("scheduled_sessions", "program_id", program_id),
        ("scheduled_assessments", "program_id", program_id),
    ):
        if any(r[key] != owner for r in rows[name]):
            raise _malformed(f"{name} holds a row of another patient or program")
    exercises = {r["id"] for r in rows["exercises"]}
    phases = {r["id"] for r in rows["program_phases"]}
    for rx in rows["prescriptions"]:
        if rx["exercise_id"] not in exercises or rx["phase_id"] not in phases:
            raise _malformed("a prescription names an exercise or phase the pack lacks")
    return program_id


def _media(raw: object) -> list[tuple[str, bytes]]:
    if not isinstance(raw, list):
        raise _malformed("its pictures are not a list")
    found: list[tuple[str, bytes]] = []
    for item in raw:
        if not isinstance(item, dict) or set(item) != {"entry", "sha256", "base64"}:
            raise _malformed("a picture has other fields than format version 1")
        entry, digest, encoded = item["entry"], item["sha256"], item["base64"]
        try:
            media_file(_text(entry))
            data = base64.b64decode(_text(encoded), validate=True)
        except (TypeError, ValueError, binascii.Error, ValidationError):
            raise _malformed("a picture's name or data cannot be read") from None
        if fmt.sha256_hex(data) != digest:
            raise _malformed(f"the picture {entry} does not match its digest")
        found.append((entry, data))
    return found


def _clinic(raw: object) -> dict[str, str]:
    if (
        not isinstance(raw, dict)
        or set(raw) != {"name", "phone"}
        or not all(isinstance(v, str) for v in raw.values())
    ):
        raise _malformed("the clinic's name and phone cannot be read")
    return {str(k): str(v) for k, v in raw.items()}


def plan(content: Mapping[str, Any]) -> _Plan:
    """A pack's content checked and typed, or Refused (malformed)."""
    try:
        pack_id = uuid.UUID(_text(content.get("pack_id")))
        patient_id = uuid.UUID(_text(content.get("patient_id")))
        version = _integer(content.get("version"))
        made_at = _moment(content.get("made_at"))
    except (TypeError, ValueError):
        raise _malformed("its id, patient, version or time cannot be read") from None
    if version < 1:
        raise _malformed("its version is not a positive number")
    rows = _rows(content.get("tables"))
    program_id = _one_patient(rows, patient_id)
    return _Plan(
        pack_id,
        version,
        made_at,
        patient_id,
        program_id,
        _clinic(content.get("clinic")),
        rows,
        _media(content.get("media")),
        _recipient(content.get("log_recipient")),
        _log_confirmed(content.get("home_log_confirmed")),
    )


def _log_confirmed(raw: object) -> str | None:
    if raw is None:
        return None
    try:
        if not isinstance(raw, dict):
            raise TypeError
        _moment(raw.get("made_at"))
    except (TypeError, ValueError):
        raise _malformed("the clinic's confirmation of home logs cannot be read") from None
    return str(raw["made_at"])


def _recipient(raw: object) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw.startswith("age1") or len(raw) > 100:
        raise _malformed("the clinic's log key cannot be read")
    return raw


class HomeImportService:
    """Applies home packs to a home database (``actor``: who the audit trail names)."""

    def __init__(self, db: Database, actor: str = HOME_ACTOR) -> None:
        self.db = db
        self.actor = actor

    def import_file(self, path: Path, passphrase: str) -> Applied:
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ServiceError(f"there is no file {path}") from None
        except OSError as exc:
            raise ServiceError(f"cannot read {path}: {exc.strerror}") from exc
        return self.import_bytes(data, passphrase)

    @staticmethod
    def verify_alone(data: bytes, passphrase: str) -> Verified:
        """Check a pack file as far as can be done without a home database (everything but the
        same-patient and replay checks): before a new home database is made for it, so a
        refused file leaves no database behind. Refused otherwise."""
        sealed = fmt.unseal(data, None)
        inner = fmt.decrypt(sealed, passphrase)
        plan(fmt.content_of(inner, sealed))
        return Verified(sealed, inner, fmt.sha256_hex(data))

    def import_bytes(self, data: bytes, passphrase: str) -> Applied:
        """Verify, decrypt and apply a pack file's bytes (Refused, writing nothing, otherwise)."""
        state = self._state()
        _check_home(state)
        sealed = fmt.unseal(data, state.pinned)
        return self.import_inner(sealed, fmt.decrypt(sealed, passphrase), fmt.sha256_hex(data))

    def import_inner(self, sealed: fmt.Sealed, inner: bytes, sha256: str) -> Applied:
        """The step after decryption: check the signed content, then apply it."""
        content = fmt.content_of(inner, sealed)
        checked = plan(content)
        state = self._state()
        _check_home(state)
        _check_against(state, sealed, checked)
        _write_media(checked.media)
        with self.db.unit_of_work(self.actor) as session:
            current = _read_state(session)  # again, inside the write: another import may have run
            _check_home(current)
            _check_against(current, sealed, checked)
            removed = self._apply(session, sealed, checked, sha256, pin=current.pinned is None)
            name = session.get(Patient, checked.patient_id)
            patient_name = name.full_name if name is not None else ""
        return Applied(
            checked.pack_id,
            checked.version,
            checked.patient_id,
            patient_name,
            sealed.key_id,
            state.pinned is None,
            {table: len(rows) for table, rows in checked.rows.items()},
            removed,
            len(checked.media),
        )

    def _state(self) -> _State:
        with self.db.reading() as session:
            return _read_state(session)

    def _apply(
        self, session: Session, sealed: fmt.Sealed, checked: _Plan, sha256: str, *, pin: bool
    ) -> int:
        if pin:
            session.add(
                SigningKey(
                    key_id=sealed.key_id,
                    public_key=sealed.public_key.hex(),
                    role="pinned",
                    owner=checked.clinic["name"],
                    created_by=self.actor,
                )
            )
        for model in TABLES:
            for values in checked.rows[model.__tablename__]:
                row = session.get(model, values["id"])
                if row is None:
                    session.add(model(**values))
                else:
                    for key, value in values.items():
                        if getattr(row, key) != value:
                            setattr(row, key, value)
        session.flush()
        removed = _remove_replaced(session, checked)
        _store_clinic(session, checked.clinic)
        if checked.log_recipient is not None:
            _store_recipient(session, checked.log_recipient)
        if checked.log_confirmed is not None:
            _store_confirmed(session, checked.log_confirmed)
        session.add(
            HomePack(
                id=checked.pack_id,
                patient_id=checked.patient_id,
                direction="applied",
                version=checked.version,
                key_id=sealed.key_id,
                sha256=sha256,
                made_at=checked.made_at,
                size_bytes=sealed.size,
                created_by=self.actor,
            )
        )
        return removed


def _read_state(session: Session) -> _State:
    pinned = session.scalars(select(SigningKey.key_id).where(SigningKey.role == "pinned")).first()
    clinic_key = session.scalars(select(SigningKey.id).where(SigningKey.role == "clinic")).first()
    applied = session.execute(
        select(HomePack.id, HomePack.patient_id, HomePack.version).where(
            HomePack.direction == "applied"
        )
    ).all()
    patients = session.scalar(select(func.count()).select_from(Patient)) or 0
    return _State(
        pinned=pinned,
        patient_id=applied[0].patient_id if applied else None,
        newest=max((a.version for a in applied), default=0),
        applied_ids=frozenset(a.id for a in applied),
        is_clinic=clinic_key is not None or (pinned is None and patients > 0),
    )


def _check_home(state: _State) -> None:
    if state.is_clinic:
        raise Refused(
            fmt.CLINIC_DATABASE,
            "this database holds a clinic's records: open home packs in a home database",
        )


def _check_against(state: _State, sealed: fmt.Sealed, checked: _Plan) -> None:
    if state.pinned is not None and sealed.key_id != state.pinned:
        raise Refused(fmt.OTHER_KEY, "the pack is signed by another key than your clinic's")
    if state.patient_id is not None and checked.patient_id != state.patient_id:
        raise Refused(
            fmt.OTHER_PATIENT,
            "this pack is for another patient than the one this home app belongs to",
        )
    if checked.version <= state.newest or checked.pack_id in state.applied_ids:
        raise Refused(
            fmt.REPLAY,
            f"this pack (version {checked.version}) is not newer than the one already applied "
            f"(version {state.newest}): an old or repeated file (replay)",
        )


def _remove_replaced(session: Session, checked: _Plan) -> int:
    """Delete the rows of the pack's program and patient that the pack no longer lists."""
    removed = 0
    owners: dict[type[Any], tuple[Any, uuid.UUID]] = {
        ScheduledAssessment: (ScheduledAssessment.program_id, checked.program_id),
        ScheduledSession: (ScheduledSession.program_id, checked.program_id),
        Prescription: (Prescription.program_id, checked.program_id),
        ProgramPhase: (ProgramPhase.program_id, checked.program_id),
        Restriction: (Restriction.patient_id, checked.patient_id),
        OutcomeAssessment: (OutcomeAssessment.patient_id, checked.patient_id),
    }
    for model in _REPLACED:
        column, owner = owners[model]
        kept = {r["id"] for r in checked.rows[model.__tablename__]}
        query = select(model).where(column == owner)
        if model is OutcomeAssessment:  # what the patient recorded at home stays
            query = query.where(OutcomeAssessment.source == "clinic")
        for row in session.scalars(query):
            if row.id not in kept:
                session.delete(row)
                removed += 1
    return removed


def _store_clinic(session: Session, clinic: Mapping[str, str]) -> None:
    value = {k: v for k, v in clinic.items() if v}
    row = session.get(Setting, CLINIC_KEY)
    if row is None:
        session.add(Setting(key=CLINIC_KEY, value=value))
    elif row.value != value:
        row.value = value


def _store_recipient(session: Session, recipient: str) -> None:
    value = {"x25519": recipient}
    row = session.get(Setting, "home_log_recipient")
    if row is None:
        session.add(Setting(key="home_log_recipient", value=value))
    elif row.value != value:
        row.value = value


def _store_confirmed(session: Session, made_at: str) -> None:
    value = {"made_at": made_at}
    row = session.get(Setting, "home_log_confirmed")
    if row is None:
        session.add(Setting(key="home_log_confirmed", value=value))
    elif row.value != value:
        row.value = value


def _write_media(media: list[tuple[str, bytes]]) -> None:
    """The pack's pictures into this installation's media folder (each file whole)."""
    for entry, data in media:
        target = media_file(entry)
        try:
            if not (target.is_file() and target.read_bytes() == data):
                write_whole(target, data)
        except OSError as exc:
            raise ServiceError(f"cannot write the picture {target}: {exc.strerror}") from exc
