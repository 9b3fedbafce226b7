"""The home log (issue 14 items 5 and 6): made at home, imported at the clinic, or refused.

From the outside in::

    rehab-tracker-home-log/1\\n
    {"ciphertext_bytes":N,"clinic_key_id":..,"device_key_id":..,"device_public_key":..,
     "patient_id":..,"sequence":..}\\n     header (canonical JSON)
    <base64 Ed25519 signature by the home device's key>\\n   over the two lines + ciphertext
    <N bytes: an age file>      encrypted to the clinic's X25519 recipient (pyrage)

and inside the age file::

    rehab-tracker-home-log-content/1\\n
    <base64 Ed25519 signature by the device key>\\n   over the line above + the content
    <content: canonical JSON>

The content: ``format``, ``format_version``, ``log_id``, ``sequence`` (1, 2, ... per home
installation), ``made_at``, ``patient_id``, ``clinic_key_id``, ``device_key_id``, the proof that
the sender held the pack (``pack_id`` and ``pack_sha256`` of the newest pack applied: the id is
only inside the pack's encrypted content, and the clinic recorded both when it made the pack),
and ``tables`` (session_logs, exercise_logs, set_logs, outcome_assessments: rows as the pack's,
SI units).

The clinic's age identity (X25519) is made beside its signing key, a 0600 file
``signing-keys/<clinic key id>.age-identity``; its public recipient travels in every pack made
since (content key ``log_recipient``: older home apps ignore it, and a home database whose pack
lacks it is asked for a new pack). The home device's Ed25519 key is made on the laptop at the
first export (``data.signing_keys.make_key``: a 0600 file); its id is kept in the home database.
At the clinic the first log pins that key to the patient (setting ``home_device:<patient id>``,
which also keeps the newest sequence imported: an older one is a replay).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyrage
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from rehab_tracker.data import audit, signing_keys
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    Base,
    Exercise,
    ExerciseLog,
    HomePack,
    OutcomeAssessment,
    Patient,
    Prescription,
    Program,
    ScheduledSession,
    SessionLog,
    SetLog,
    Setting,
    SigningKey,
)
from rehab_tracker.data.private_files import private_dir, private_file, write_whole
from rehab_tracker.domain.roles import Permission, Principal
from rehab_tracker.services import home_format as fmt
from rehab_tracker.services.access import requires
from rehab_tracker.services.errors import ServiceError
from rehab_tracker.services.home_format import Refused
from rehab_tracker.services.home_import import _row
from rehab_tracker.services.home_pack import row_document

FORMAT = "rehab-tracker-home-log"
FORMAT_VERSION = 1
_MAGIC = FORMAT.encode("ascii") + b"/"
_CONTENT_MAGIC = FORMAT.encode("ascii") + b"-content/"
_HEADER_KEYS = frozenset(
    {
        "ciphertext_bytes",
        "clinic_key_id",
        "device_key_id",
        "device_public_key",
        "patient_id",
        "sequence",
    }
)
_CONTENT_KEYS = frozenset(
    {
        "format",
        "format_version",
        "log_id",
        "sequence",
        "made_at",
        "patient_id",
        "clinic_key_id",
        "device_key_id",
        "pack_id",
        "pack_sha256",
        "tables",
    }
)
#: the tables of a log, parents before children
TABLES: tuple[type[Base], ...] = (SessionLog, ExerciseLog, SetLog, OutcomeAssessment)
_LINE_LIMIT = 1024
MAX_FILE_BYTES = 64 * 1024 * 1024

# home database settings
RECIPIENT_SETTING = "home_log_recipient"
DEVICE_SETTING = "home_device_key"
SEQUENCE_SETTING = "home_log_sequence"
#: clinic database setting prefix: the device key pinned to a patient, newest sequence imported
PINNED_PREFIX = "home_device:"
HOME_SOURCE = "home"
IMPORT_ACTION = "home_log_import"

# refusal reasons beside home_format's
OTHER_CLINIC = "other_clinic"
NO_PROOF = "no_proof"
#: the clinic-side fields of a red-flag screen: never taken from a home file
_CLINIC_ONLY = (
    "red_flag_acknowledged_at",
    "red_flag_acknowledged_by",
    "red_flag_cleared_by",
    "red_flag_cleared_on",
    "red_flag_clearance_note",
    "red_flag_outcome_at",
    "red_flag_outcome_by",
)


def _refused(reason: str, what: str) -> Refused:
    return Refused(reason, f"{what} ({reason.replace('_', ' ')})")


def _tampered() -> Refused:
    return _refused(fmt.TAMPERED, "the home log was changed after it was made")


def _truncated() -> Refused:
    return _refused(fmt.TRUNCATED, "the home log is cut short: ask the patient to send it again")


_NOT_COMPARED = frozenset(
    {"source", "created_by", "location", "created_at", "updated_at", *_CLINIC_ONLY}
)


# --- the clinic's age identity -------------------------------------------------------------


def _identity_path(kid: str) -> Path:
    signing_keys._path(kid)  # checks the id
    return signing_keys.keys_dir() / f"{kid}.age-identity"


def clinic_recipient(kid: str) -> str:
    """The clinic's X25519 recipient for home logs (its identity made beside the signing key
    the first time, 0600)."""
    path = _identity_path(kid)
    if not path.exists():
        identity = pyrage.x25519.Identity.generate()
        private_dir(signing_keys.keys_dir(), ours=True)
        try:
            private_file(path, exclusive=True)
            path.write_text(str(identity) + "\n", encoding="ascii")
        except FileExistsError:
            pass
        except OSError as exc:
            raise ServiceError(f"cannot write the home log key {path}: {exc.strerror}") from exc
    return str(_identity(kid).to_public())


def _identity(kid: str) -> Any:
    path = _identity_path(kid)
    try:
        text = path.read_text(encoding="ascii").strip()
        return pyrage.x25519.Identity.from_str(text)
    except FileNotFoundError:
        raise ServiceError(
            f"the clinic's home log key is not on this workstation: copy {path.name} from the "
            f"workstation that made the clinic's key into {signing_keys.keys_dir()}"
        ) from None
    except (OSError, ValueError, pyrage.IdentityError) as exc:
        raise ServiceError(f"the home log key file {path} is damaged: {exc}") from None


# --- the file ------------------------------------------------------------------------------


def seal(content: dict[str, Any], key: Ed25519PrivateKey, recipient: str) -> bytes:
    body = fmt.canonical(content)
    first = _CONTENT_MAGIC + f"{FORMAT_VERSION}\n".encode("ascii")
    inner = first + base64.b64encode(key.sign(first + body)) + b"\n" + body
    ciphertext: bytes = pyrage.encrypt(inner, [pyrage.x25519.Recipient.from_str(recipient)])
    public = signing_keys.public_bytes(key)
    header = {
        "ciphertext_bytes": len(ciphertext),
        "clinic_key_id": content["clinic_key_id"],
        "device_key_id": signing_keys.key_id(public),
        "device_public_key": public.hex(),
        "patient_id": content["patient_id"],
        "sequence": content["sequence"],
    }
    head = _MAGIC + f"{FORMAT_VERSION}\n".encode("ascii") + fmt.canonical(header) + b"\n"
    return head + base64.b64encode(key.sign(head + ciphertext)) + b"\n" + ciphertext


def _line(data: bytes, start: int) -> tuple[bytes, int]:
    end = data.find(b"\n", start, start + _LINE_LIMIT)
    if end < 0:
        raise _truncated() if len(data) - start < _LINE_LIMIT else _tampered()
    return data[start:end], end + 1


def _version(line: bytes, magic: bytes) -> None:
    version = line[len(magic) :]
    if version != str(FORMAT_VERSION).encode("ascii"):
        if version.isdigit():
            raise _refused(
                fmt.UNKNOWN_VERSION,
                f"the home log is of format version {version.decode('ascii')}, this version of "
                f"Rehab Tracker reads version {FORMAT_VERSION}",
            )
        raise _tampered()


def _signature(line: bytes) -> bytes:
    try:
        signature = base64.b64decode(line, validate=True)
    except (binascii.Error, ValueError):
        raise _tampered() from None
    if len(signature) != signing_keys.SIGNATURE_BYTES or base64.b64encode(signature) != line:
        raise _tampered()
    return signature


@dataclass(frozen=True)
class Outer:
    header: dict[str, Any]
    device_public: bytes
    ciphertext: bytes


def read_outer(data: bytes) -> Outer:  # noqa: C901 - one check after another
    """The log's outer parts with the device's signature checked (Refused otherwise)."""
    if len(data) > MAX_FILE_BYTES:
        raise _refused(fmt.NOT_A_PACK, "the file is too large to be a home log")
    if not data.startswith(_MAGIC):
        if _MAGIC.startswith(data):
            raise _truncated()
        raise _refused(fmt.NOT_A_PACK, "the file is not a Rehab Tracker home log")
    first, at = _line(data, 0)
    _version(first, _MAGIC)
    header_line, at = _line(data, at)
    signature = _signature(_line(data, at)[0])
    at = _line(data, at)[1]
    try:
        header = json.loads(header_line)
    except (ValueError, UnicodeDecodeError):
        raise _tampered() from None
    if (
        not isinstance(header, dict)
        or set(header) != _HEADER_KEYS
        or fmt.canonical(header) != header_line
        or not isinstance(header["ciphertext_bytes"], int)
        or not all(
            isinstance(header[k], str)
            for k in ("clinic_key_id", "device_key_id", "device_public_key", "patient_id")
        )
    ):
        raise _tampered()
    try:
        public = bytes.fromhex(header["device_public_key"])
        uuid.UUID(header["patient_id"])
    except ValueError:
        raise _tampered() from None
    if signing_keys.key_id(public) != header["device_key_id"]:
        raise _tampered()
    ciphertext = data[at:]
    if len(ciphertext) < header["ciphertext_bytes"]:
        raise _truncated()
    if len(ciphertext) > header["ciphertext_bytes"]:
        raise _tampered()
    signed = data[: len(first) + 1 + len(header_line) + 1] + ciphertext
    if not signing_keys.verify(public, signature, signed):
        raise _tampered()
    return Outer(header, public, ciphertext)


def read_content(outer: Outer, identity: Any) -> dict[str, Any]:
    """The decrypted, verified content (Refused: another clinic's, tampered, unknown version)."""
    try:
        inner: bytes = pyrage.decrypt(outer.ciphertext, [identity])
    except pyrage.DecryptError:
        raise _refused(OTHER_CLINIC, "the home log was not sent to this clinic") from None
    if not inner.startswith(_CONTENT_MAGIC):
        raise _tampered()
    first, at = _line(inner, 0)
    _version(first, _CONTENT_MAGIC)
    signature = _signature(_line(inner, at)[0])
    body = inner[_line(inner, at)[1] :]
    if not signing_keys.verify(outer.device_public, signature, first + b"\n" + body):
        raise _tampered()
    try:
        content = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise _tampered() from None
    if not isinstance(content, dict) or fmt.canonical(content) != body:
        raise _tampered()
    if content.get("format") != FORMAT or content.get("format_version") != FORMAT_VERSION:
        raise _refused(fmt.UNKNOWN_VERSION, "the home log's content is of an unknown version")
    if set(content) != _CONTENT_KEYS:
        raise _tampered()
    for key in ("clinic_key_id", "device_key_id", "patient_id", "sequence"):
        if content[key] != outer.header[key]:
            raise _tampered()
    return content


# --- at home -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LogMade:
    path: Path
    log_id: uuid.UUID
    sequence: int
    counts: dict[str, int]
    size_bytes: int
    device_key_id: str


def _setting(session: Session, key: str) -> Any:
    row = session.get(Setting, key)
    return row.value if row is not None else None


def _put(session: Session, key: str, value: dict[str, Any]) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


class HomeLogExport:
    """Makes the home log from a home database (``actor``: who its audit trail names)."""

    def __init__(self, db: Database, actor: str = "home") -> None:
        self.db = db
        self.actor = actor

    def device_key(self) -> str:
        """The home installation's key id (made, with its 0600 file, the first time)."""
        with self.db.reading() as session:
            found = _setting(session, DEVICE_SETTING)
        if isinstance(found, dict) and isinstance(found.get("key_id"), str):
            return str(found["key_id"])
        kid, public = signing_keys.make_key()
        with self.db.unit_of_work(self.actor) as session:
            _put(session, DEVICE_SETTING, {"key_id": kid, "public_key": public.hex()})
        return kid

    def export(self, out: Path, *, full: bool = False) -> LogMade:
        """Write the home entries to ``out``: those changed since the newest log the clinic
        confirmed (its made_at, carried back in the clinic's next pack), or every one
        (``full``; also when nothing was confirmed yet). A session travels whole."""
        with self.db.reading() as session:
            pinned = session.scalars(select(SigningKey).where(SigningKey.role == "pinned")).first()
            pack = session.scalars(
                select(HomePack)
                .where(HomePack.direction == "applied")
                .order_by(HomePack.version.desc())
            ).first()
            recipient = _setting(session, RECIPIENT_SETTING)
            if pinned is None or pack is None:
                raise ServiceError("open a home pack from the clinic before sending a log")
            if not isinstance(recipient, dict) or not isinstance(recipient.get("x25519"), str):
                raise ServiceError(
                    "the clinic's pack is too old to send a log to: ask the clinic for a new pack"
                )
            pid = pack.patient_id
            sessions = session.scalars(
                select(SessionLog).where(SessionLog.patient_id == pid).order_by(SessionLog.id)
            ).all()
            since = _since(_setting(session, "home_log_confirmed"), full)
            if since is not None:
                sessions = [s for s in sessions if _changed_since(s, since)]
            exercises = [e for s in sessions for e in s.exercises]
            sets = [x for e in exercises for x in e.sets]
            outcomes = session.scalars(
                select(OutcomeAssessment)
                .where(
                    OutcomeAssessment.patient_id == pid,
                    OutcomeAssessment.source == HOME_SOURCE,
                )
                .order_by(OutcomeAssessment.id)
            ).all()
            if since is not None:
                outcomes = [o for o in outcomes if o.updated_at > since]
            tables = {
                "session_logs": [row_document(r) for r in sessions],
                "exercise_logs": [row_document(r) for r in exercises],
                "set_logs": [row_document(r) for r in sets],
                "outcome_assessments": [row_document(r) for r in outcomes],
            }
            clinic_kid, pack_id, pack_sha = pinned.key_id, pack.id, pack.sha256
            sequence = int((_setting(session, SEQUENCE_SETTING) or {}).get("last", 0)) + 1
        kid = self.device_key()
        log_id = uuid.uuid4()
        content = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "log_id": str(log_id),
            "sequence": sequence,
            "made_at": dt.datetime.now(dt.UTC).isoformat(),
            "patient_id": str(pid),
            "clinic_key_id": clinic_kid,
            "device_key_id": kid,
            "pack_id": str(pack_id),
            "pack_sha256": pack_sha,
            "tables": tables,
        }
        data = seal(content, signing_keys.private_key(kid), str(recipient["x25519"]))
        out = out.expanduser().resolve()
        try:
            write_whole(out, data)
        except OSError as exc:
            raise ServiceError(f"cannot write {out}: {exc.strerror}") from exc
        with self.db.unit_of_work(self.actor) as session:
            _put(session, SEQUENCE_SETTING, {"last": sequence, "log_id": str(log_id)})
        return LogMade(
            out, log_id, sequence, {k: len(v) for k, v in tables.items()}, len(data), kid
        )


def _since(confirmed: Any, full: bool) -> dt.datetime | None:
    if full or not isinstance(confirmed, dict) or not isinstance(confirmed.get("made_at"), str):
        return None
    return dt.datetime.fromisoformat(confirmed["made_at"])


def _changed_since(log: SessionLog, since: dt.datetime) -> bool:
    """Whether the session, one of its exercises or sets changed after ``since``."""
    moments = [log.updated_at]
    for exercise in log.exercises:
        moments.append(exercise.updated_at)
        moments.extend(s.updated_at for s in exercise.sets)
    return max(moments) > since


# --- at the clinic -------------------------------------------------------------------------


@dataclass
class Imported:
    patient_id: uuid.UUID
    patient_name: str
    device_key_id: str
    sequence: int
    pinned_now: bool
    added: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    #: entries the clinic holds with other values (a clinic edit kept; for the clinician)
    conflicts: list[str] = field(default_factory=list)
    red_flags: int = 0


@dataclass(frozen=True)
class _Checked:
    content: dict[str, Any]
    header: dict[str, Any]
    patient_id: uuid.UUID
    rows: dict[str, list[dict[str, Any]]]


def _typed(tables: object, pid: uuid.UUID) -> dict[str, list[dict[str, Any]]]:
    names = [m.__tablename__ for m in TABLES]
    if not isinstance(tables, dict) or set(tables) != set(names):
        raise _tampered()
    rows: dict[str, list[dict[str, Any]]] = {}
    for model in TABLES:
        docs = tables[model.__tablename__]
        if not isinstance(docs, list):
            raise _tampered()
        try:
            rows[model.__tablename__] = [_row(model, d) for d in docs]
        except Refused:
            raise _refused(fmt.MALFORMED, "the home log's entries cannot be read") from None
    sessions = {r["id"] for r in rows["session_logs"]}
    exercise_logs = {r["id"] for r in rows["exercise_logs"]}
    if (
        any(r["patient_id"] != pid for r in rows["session_logs"])
        or any(r["patient_id"] != pid for r in rows["outcome_assessments"])
        or any(r["session_id"] not in sessions for r in rows["exercise_logs"])
        or any(r["exercise_log_id"] not in exercise_logs for r in rows["set_logs"])
    ):
        raise _refused(fmt.OTHER_PATIENT, "the home log holds entries of another patient")
    for found in rows.values():
        ids = [r["id"] for r in found]
        if len(ids) != len(set(ids)):
            raise _tampered()
    return rows


class HomeLogImport:
    """Imports home logs into the clinic database for the signed-in user (``principal``)."""

    def __init__(self, db: Database, principal: Principal) -> None:
        self.db = db
        self.principal = principal

    def verify(self, data: bytes, patient_id: uuid.UUID | None = None) -> _Checked:
        """Everything checked that can be before the write (Refused otherwise)."""
        outer = read_outer(data)
        header = outer.header
        with self.db.reading() as session:
            clinic = session.scalars(select(SigningKey).where(SigningKey.role == "clinic")).first()
            if clinic is None or clinic.key_id != header["clinic_key_id"]:
                raise _refused(OTHER_CLINIC, "the home log was sent to another clinic")
            pid = uuid.UUID(header["patient_id"])
            if patient_id is not None and pid != patient_id:
                raise _refused(fmt.OTHER_PATIENT, "the home log is another patient's")
            if session.get(Patient, pid) is None:
                raise _refused(OTHER_CLINIC, "the home log's patient is not at this clinic")
            self._check_pin(session, pid, header)
        content = read_content(outer, _identity(header["clinic_key_id"]))
        rows = _typed(content["tables"], pid)
        return _Checked(content, header, pid, rows)

    def _check_pin(self, session: Session, pid: uuid.UUID, header: Mapping[str, Any]) -> None:
        pinned = _setting(session, PINNED_PREFIX + str(pid))
        device = header["device_key_id"]
        if isinstance(pinned, dict):
            if pinned.get("key_id") != device:
                raise _refused(
                    fmt.OTHER_KEY, "the home log is signed by another key than this patient's"
                )
            if int(header["sequence"]) < int(pinned.get("sequence", 0)):
                raise _refused(
                    fmt.REPLAY,
                    f"the home log (number {header['sequence']}) is older than one already "
                    f"imported (number {pinned.get('sequence')})",
                )
        for row in session.scalars(select(Setting).where(Setting.key.like(PINNED_PREFIX + "%"))):
            if (
                row.key != PINNED_PREFIX + str(pid)
                and isinstance(row.value, dict)
                and row.value.get("key_id") == device
            ):
                raise _refused(fmt.OTHER_PATIENT, "the home device belongs to another patient")

    @requires(Permission.SESSIONS)
    def import_bytes(self, data: bytes, patient_id: uuid.UUID | None = None) -> Imported:
        checked = self.verify(data, patient_id)
        content, header, pid = checked.content, checked.header, checked.patient_id
        device = str(header["device_key_id"])
        source = f"home:{device[:12]}"
        with self.db.unit_of_work(self.principal) as session:
            self._check_pin(session, pid, header)  # again, inside the write
            pinned = _setting(session, PINNED_PREFIX + str(pid))
            if (
                isinstance(pinned, dict)
                and pinned.get("sequence") == content["sequence"]
                and pinned.get("log_id") != content["log_id"]
            ):
                raise _refused(fmt.REPLAY, "another home log of the same number was imported")
            self._check_proof(session, pid, content)
            patient = session.get(Patient, pid)
            result = Imported(
                pid,
                patient.full_name if patient is not None else "",
                device,
                int(content["sequence"]),
                not isinstance(pinned, dict),
            )
            self._write(session, checked, result, source)
            _put(
                session,
                PINNED_PREFIX + str(pid),
                {
                    "key_id": device,
                    "public_key": header["device_public_key"],
                    "sequence": content["sequence"],
                    "log_id": content["log_id"],
                    "made_at": content["made_at"],
                },
            )
            details = {
                "source": "home_device",
                "device_key_id": device,
                "log_id": content["log_id"],
                "sequence": str(content["sequence"]),
                "added": json.dumps(result.added, sort_keys=True),
                "skipped": json.dumps(result.skipped, sort_keys=True),
            }
            audit.append(session, [(IMPORT_ACTION, "patients", str(pid), None, details)])
        return result

    @staticmethod
    def _check_proof(session: Session, pid: uuid.UUID, content: Mapping[str, Any]) -> None:
        try:
            pack_id = uuid.UUID(str(content["pack_id"]))
        except ValueError:
            raise _tampered() from None
        pack = session.get(HomePack, pack_id)
        if (
            pack is None
            or pack.direction != "sent"
            or pack.patient_id != pid
            or pack.sha256 != content["pack_sha256"]
        ):
            raise _refused(NO_PROOF, "the home log does not show that its sender held the pack")

    def _write(  # noqa: C901 - one rule per kind of entry
        self, session: Session, checked: _Checked, result: Imported, source: str
    ) -> None:
        pid = checked.patient_id
        taken: set[uuid.UUID] = set()
        for model in TABLES:
            name = model.__tablename__
            result.added[name] = result.skipped[name] = 0
            for values in checked.rows[name]:
                parent = values.get("session_id", values.get("exercise_log_id"))
                existing = session.get(model, values["id"])
                if existing is not None:
                    result.skipped[name] += 1
                    if any(
                        getattr(existing, k) != v
                        for k, v in values.items()
                        if k not in _NOT_COMPARED
                    ):
                        result.conflicts.append(f"{name} {values['id']}")
                    continue
                if model in (ExerciseLog, SetLog) and parent not in taken:
                    result.skipped[name] += 1  # its session (or exercise) was not added
                    continue
                if not self._fits(session, model, values, pid):
                    result.skipped[name] += 1
                    result.conflicts.append(f"{name} {values['id']}")
                    continue
                values = dict(values)
                if model is SessionLog:
                    for key in _CLINIC_ONLY:
                        values[key] = None
                    values["location"] = "home"
                    if values["red_flag_result"] == "positive":
                        result.red_flags += 1
                if model in (SessionLog, OutcomeAssessment):
                    values["source"] = HOME_SOURCE
                values["created_by"] = source
                session.add(model(**values))
                session.flush()
                taken.add(values["id"])
                result.added[name] += 1

    @staticmethod
    def _fits(
        session: Session, model: type[Base], values: Mapping[str, Any], pid: uuid.UUID
    ) -> bool:
        """The entry's references are this patient's rows at the clinic (a slot logged at the
        clinic meanwhile is a conflict)."""
        program_id = values.get("program_id")
        if program_id is not None:
            program = session.get(Program, program_id)
            if program is None or program.patient_id != pid:
                return False
        if model is SessionLog and values["scheduled_session_id"] is not None:
            slot = session.get(ScheduledSession, values["scheduled_session_id"])
            if slot is None or slot.program_id != program_id:
                return False
            clash = session.scalar(
                select(SessionLog.id).where(
                    SessionLog.scheduled_session_id == slot.id, SessionLog.deleted_at.is_(None)
                )
            )
            if clash is not None and values["deleted_at"] is None:
                return False
        if model is ExerciseLog:
            if session.get(Exercise, values["exercise_id"]) is None:
                return False
            rx = values["prescription_id"]
            if rx is not None and session.get(Prescription, rx) is None:
                return False
        return True
