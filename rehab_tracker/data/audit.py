"""The append-only audit trail: every change to a record, who made it, before and after.

Entries are written automatically on every flush (``install``), so no service can forget one.
Each entry carries the SHA-256 of its predecessor, so a row changed or removed behind the app's back
breaks the chain (``verify_chain``); database triggers refuse UPDATE and DELETE on the table.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, insert, inspect, select, text
from sqlalchemy.orm import Session, object_session, sessionmaker

from rehab_tracker.data.models import AuditEntry, Base, Counter, Draft
from rehab_tracker.data.types import jsonable, new_id, utcnow

GENESIS = "0" * 64
#: rows whose changes are not records of care: drafts, counters, and the audit trail itself
_NOT_AUDITED = (AuditEntry, Draft, Counter)
#: any fixed number: the advisory lock that serialises audit appends on PostgreSQL
_PG_AUDIT_LOCK = 727_001


def snapshot(obj: Base) -> dict[str, Any]:
    """Column values of a model instance as JSON-ready data."""
    mapper = inspect(obj).mapper
    return {col.key: jsonable(getattr(obj, col.key)) for col in mapper.column_attrs}


def _before(obj: Base) -> dict[str, Any]:
    state = inspect(obj)
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.deleted:
            values[attr.key] = jsonable(history.deleted[0])
        elif history.unchanged:
            values[attr.key] = jsonable(history.unchanged[0])
        else:
            values[attr.key] = jsonable(getattr(obj, attr.key))
    return values


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


#: the columns the hash covers, in this order
_HASHED = ("id", "at", "actor", "action", "entity", "entity_id", "before", "after")


def _hashed_fields(row: Mapping[str, Any]) -> dict[str, Any]:
    """What an entry's hash covers, from its column values (new or read back): the id as text
    and the time in ISO form. Writing and checking the chain both use this."""
    fields = {name: row[name] for name in _HASHED}
    fields["id"] = str(fields["id"])
    fields["at"] = fields["at"].isoformat()
    return fields


def _entity_id(obj: Base) -> str:
    identity = inspect(obj).identity
    if identity:
        return ",".join(str(part) for part in identity)
    return str(getattr(obj, "id", getattr(obj, "key", "?")))


def append(
    session: Session,
    changes: Iterable[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]],
) -> int:
    """Append (action, entity, entity_id, before, after) rows to the chain; returns how many."""
    rows = list(changes)
    if not rows:
        return 0
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    prev = conn.execute(
        select(AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).scalar_one_or_none() or GENESIS
    actor = str(session.info.get("actor", "system"))
    at = utcnow()
    values = []
    for action, entity, entity_id, before, after in rows:
        value: dict[str, Any] = {
            "id": new_id(),
            "at": at,
            "actor": actor,
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "before": before,
            "after": after,
            "prev_hash": prev,
        }
        value["hash"] = prev = entry_hash(prev, _hashed_fields(value))
        values.append(value)
    for value in values:  # one by one: the chain order is the insertion order
        conn.execute(insert(AuditEntry), value)
    return len(values)


#: session.info key: column values of changed and deleted rows as they were before the flush
_BEFORE_IMAGES = "audit_before_images"
#: session.info key: (row, before image) of every row the flush deletes: those given to
#: ``session.delete`` and those the ORM removes by cascade (an exercise row dropped from a
#: corrected session, and its sets), which ``session.deleted`` never lists
_DELETED = "audit_deleted"


def _audited(obj: object) -> bool:
    return isinstance(obj, Base) and not isinstance(obj, _NOT_AUDITED)


def _before_flush(session: Session, flush_context: object, instances: object) -> None:
    # The flush itself bumps ``version`` and ``updated_at``; by after_flush the history shows the
    # new values as unchanged, so the "before" image must be taken now.
    images: dict[Base, dict[str, Any]] = session.info.setdefault(_BEFORE_IMAGES, {})
    session.info.setdefault(_DELETED, [])
    for obj in (*session.dirty, *session.deleted):
        if _audited(obj):
            images[obj] = _before(obj)


def _before_delete(mapper: object, connection: object, obj: Base) -> None:
    """Every row the flush deletes, cascades included (a mapper event: the ORM calls it for each
    DELETE it emits, whatever asked for it)."""
    session = object_session(obj)
    deleted = None if session is None else session.info.get(_DELETED)
    if deleted is None or not _audited(obj):  # not a session ``install`` audits
        return
    assert session is not None
    image = session.info.get(_BEFORE_IMAGES, {}).get(obj)
    deleted.append((obj, image or _before(obj)))


def _after_flush(session: Session, flush_context: object) -> None:
    images: dict[Base, dict[str, Any]] = session.info.pop(_BEFORE_IMAGES, {})
    deleted: list[tuple[Base, dict[str, Any]]] = session.info.pop(_DELETED, [])
    gone = {id(obj) for obj, _ in deleted}
    changes: list[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]] = []
    for obj in session.new:
        if _audited(obj):
            changes.append(("create", obj.__tablename__, _entity_id(obj), None, snapshot(obj)))
    for obj in session.dirty:
        if not _audited(obj) or id(obj) in gone:
            continue
        if not session.is_modified(obj, include_collections=False):
            continue
        before, after = images.get(obj) or _before(obj), snapshot(obj)
        if before != after:
            changes.append(("update", obj.__tablename__, _entity_id(obj), before, after))
    for obj, before in deleted:
        changes.append(("delete", obj.__tablename__, _entity_id(obj), before, None))
    append(session, changes)


def install(factory: sessionmaker[Session]) -> None:
    """Write audit entries for every flush of sessions made by ``factory``."""
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    if not event.contains(Base, "before_delete", _before_delete):
        event.listen(Base, "before_delete", _before_delete, propagate=True)


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    problem: str


def verify_chain(session: Session) -> list[ChainProblem]:
    """Recompute the hash chain; an empty list means the trail is intact."""
    problems: list[ChainProblem] = []
    prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        if entry.prev_hash != prev:
            # a removed or reordered entry breaks the link of the one after it
            problems.append(ChainProblem(entry.seq, "does not follow the previous entry"))
        fields = _hashed_fields({name: getattr(entry, name) for name in _HASHED})
        if entry_hash(entry.prev_hash, fields) != entry.hash:
            problems.append(ChainProblem(entry.seq, "content changed after it was written"))
        prev = entry.hash
    return problems
