"""The append-only audit trail: every change to a record, who made it, before and after.

Entries are written automatically on every flush (``install``), so no service can forget one.
Each entry carries the hash of its predecessor and is sealed with HMAC-SHA256 under a key kept
outside the database (``data.audit_keys``; the entry's ``key_id`` names it), so a row changed or
removed behind the app's back breaks the chain (``verify_chain``) and cannot be sealed again by
someone who can edit the database but does not hold the key; database triggers refuse UPDATE and
DELETE on the table. Entries written before the keys (revision 0009) have an unkeyed SHA-256
and no key id; the upgrade seals them with a keyed entry after the newest of them (its seal
covers their hashes), so unkeyed entries are trusted only where a keyed entry follows them.
``data.trail_check`` adds what the chain alone cannot see (removed newest entries, missing
triggers, records changed behind the trail's back).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, RowMapping, event, insert, inspect, select, text
from sqlalchemy.orm import Session, object_session, sessionmaker

from rehab_tracker.data import audit_keys
from rehab_tracker.data.models import AUDIT_DIGEST, AuditEntry, Base, Counter, Draft
from rehab_tracker.data.types import jsonable, new_id, utcnow

GENESIS = "0" * 64
#: rows whose changes are not records of care: drafts, counters, and the audit trail itself
_NOT_AUDITED = (AuditEntry, Draft, Counter)
#: any fixed number: the advisory lock that serialises audit appends on PostgreSQL
_PG_AUDIT_LOCK = 727_001


def recorded(column: ColumnElement[Any], value: Any) -> Any:
    """A column's value as the trail records it: JSON-ready data, or for a column marked
    ``AUDIT_DIGEST`` (a password hash) the SHA-256 of the value (``db check`` compares the
    digest of the current value with it)."""
    if value is not None and column.info.get(AUDIT_DIGEST):
        return "sha256:" + hashlib.sha256(str(value).encode("utf-8")).hexdigest()
    return jsonable(value)


def snapshot(obj: Base) -> dict[str, Any]:
    """Column values of a model instance as the trail records them."""
    mapper = inspect(obj).mapper
    return {
        col.key: recorded(col.columns[0], getattr(obj, col.key)) for col in mapper.column_attrs
    }


def _before(obj: Base) -> dict[str, Any]:
    state = inspect(obj)
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        history = state.attrs[attr.key].history
        if history.deleted:
            value = history.deleted[0]
        elif history.unchanged:
            value = history.unchanged[0]
        else:
            value = getattr(obj, attr.key)
        values[attr.key] = recorded(attr.columns[0], value)
    return values


def _canonical(fields: dict[str, Any]) -> str:
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """The unkeyed SHA-256 of an entry written before revision 0009 (kept to verify those)."""
    return hashlib.sha256((prev_hash + _canonical(fields)).encode("utf-8")).hexdigest()


def sealed_hash(key: bytes, key_id: str, prev_hash: str, fields: dict[str, Any]) -> str:
    """The keyed hash of an entry: HMAC-SHA256 over the previous hash and the fields, the key's
    id among them (so an entry cannot be passed off as sealed by another key)."""
    return audit_keys.seal(key, prev_hash, _canonical({**fields, "key_id": key_id}))


#: the writers' keys, read from the settings folder once
_RING = audit_keys.KeyRing()


#: the columns the hash covers, in this order
_HASHED = ("id", "at", "actor", "action", "entity", "entity_id", "before", "after")


def _hashed_fields(row: Mapping[str, Any] | RowMapping) -> dict[str, Any]:
    """What an entry's hash covers, from its column values (new or read back): the id as text
    and the time in ISO form. Writing and checking the chain both use this."""
    fields = {name: row[name] for name in _HASHED}
    fields["id"] = str(fields["id"])
    fields["at"] = fields["at"].isoformat()
    if row.get("os_user") is not None:  # revision 0015: covered when recorded
        fields["os_user"] = row["os_user"]
    return fields


def _entity_id(obj: Base) -> str:
    identity = inspect(obj).identity
    if identity:
        return ",".join(str(part) for part in identity)
    return str(getattr(obj, "id", getattr(obj, "key", "?")))


def append(
    session: Session,
    changes: Iterable[tuple[str, str, str, dict[str, Any] | None, dict[str, Any] | None]],
    *,
    keyed: bool = True,
    bulk: bool = False,
) -> int:
    """Append (action, entity, entity_id, before, after) rows to the chain; returns how many.

    Sealed with the key of the newest entry when this installation holds it, else with the
    installation's own key; ``keyed=False`` only for migrations before revision 0009 (whose
    table has no ``key_id`` yet), which write the unkeyed SHA-256 of their time. ``bulk=True``
    (the clinic-scale generator) writes them in one driver call (PostgreSQL: COPY, in order),
    sealed the same way."""
    rows = list(changes)
    if not rows:
        return 0
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_AUDIT_LOCK})
    newest = select(AuditEntry.hash, AuditEntry.key_id) if keyed else select(AuditEntry.hash)
    head = conn.execute(newest.order_by(AuditEntry.seq.desc()).limit(1)).first()
    prev = head[0] if head is not None else GENESIS
    key_id, key = _RING.key_for(head[1] if head is not None and keyed else None)
    actor = str(session.info.get("actor", "system"))
    os_user = session.info.get("os_user")
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
        if os_user is not None:
            value["os_user"] = str(os_user)
        fields = _hashed_fields(value)
        if keyed:
            value["key_id"] = key_id
            value["hash"] = prev = sealed_hash(key, key_id, prev, fields)
        else:
            value["hash"] = prev = entry_hash(prev, fields)
        values.append(value)
    if bulk:
        from rehab_tracker.data import bulk as bulk_rows

        bulk_rows.insert_rows(conn, AuditEntry.__table__, values)  # type: ignore[arg-type]
    elif conn.dialect.name == "sqlite":  # the driver's executemany inserts them in list order
        conn.execute(insert(AuditEntry), values)
    else:
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


def is_audited_class(cls: type) -> bool:
    """Whether changes of rows of the model ``cls`` are written to the trail."""
    return issubclass(cls, Base) and not issubclass(cls, _NOT_AUDITED)


def _before_flush(session: Session, flush_context: object, instances: object) -> None:
    # The flush itself bumps ``version`` and ``updated_at``; by after_flush the history shows the
    # new values as unchanged, so the "before" image must be taken now.
    images: dict[Base, dict[str, Any]] = session.info.setdefault(_BEFORE_IMAGES, {})
    session.info.setdefault(_DELETED, [])
    for obj in (*session.dirty, *session.deleted):
        if _audited(obj):
            images[obj] = _before(obj)
    stamp = utcnow()
    for obj in session.dirty:
        # The change time is set here, not left to the column's ``onupdate``: when one flush
        # updates several rows of a table at once (executemany), the ORM computes that default
        # again for the statement, a few microseconds after the value the object (and so the
        # trail's "after") holds, and ``db check`` would find every such row changed behind
        # the trail's back.
        if (
            _audited(obj)
            and "updated_at" in inspect(obj).mapper.columns
            and session.is_modified(obj, include_collections=False)
            and not inspect(obj).attrs["updated_at"].history.added
        ):
            obj.updated_at = stamp


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
    """A problem of entry ``seq`` (through ``last``, when consecutive entries share it)."""

    seq: int
    problem: str
    last: int | None = None

    def line(self) -> str:
        where = f"entries {self.seq}-{self.last}" if self.last else f"entry {self.seq}"
        return f"{where}: {self.problem}"


@dataclass
class ChainResult:
    """What a walk along the chain found: its problems, its length and its newest entry."""

    problems: list[ChainProblem] = field(default_factory=list)
    count: int = 0
    head_seq: int = 0
    head: str = GENESIS
    keyed: int = 0
    #: the first of the newest entries that carry the unkeyed hash with no keyed entry after
    #: them to seal them (None when the newest entry is keyed)
    unsealed_from: int | None = None
    #: how many entries this walk read (all of them, or those after its start)
    walked: int = 0


NOT_SEALED = (
    "the trail is not sealed with a key: all {count} entries carry the unkeyed hash "
    "(recomputed behind the app's back, or never opened by this version)"
)
_BROKEN_LINK = "does not follow the previous entry"
_CHANGED = "content changed after it was written"
UNSEALED_TAIL = (
    "entries {first}-{last} carry the unkeyed hash and no keyed entry after them seals them "
    "(written behind the app's back)"
)
_UNKNOWN_KEY = (
    "sealed with key {key_id}, which this installation does not hold "
    "(copy that key file into {folder}, or the entries were forged)"
)


def has_key_ids(conn: Connection) -> bool:
    """Whether the trail's table has the ``key_id`` column (revision 0009 and later)."""
    return any(c["name"] == "key_id" for c in inspect(conn).get_columns("audit_log"))


class Cancelled(Exception):
    """A walk stopped because its progress callback asked it to (nothing is wrong)."""


#: entries walked so far -> False to stop the walk (``Cancelled``); None or True to go on
Progress = Callable[[int], "bool | None"]


@dataclass(frozen=True)
class Start:
    """Where a walk begins: after entry ``seq``, whose hash is ``head``, the ``count``-th entry
    (a point a clean check verified; see ``data.audit_keys.Verified``)."""

    count: int
    seq: int
    head: str


def _entries(
    conn: Connection, keyed: bool, batch: int, after: int | None
) -> Iterator[Sequence[RowMapping]]:
    """The entries in order, ``batch`` at a time: keyset pages on the sequence number, each its
    own statement, so neither the driver (PostgreSQL's client cursor reads a whole result) nor
    SQLAlchemy holds more than a page, whatever the backend."""
    columns = [AuditEntry.seq, AuditEntry.prev_hash, AuditEntry.hash]
    columns += [getattr(AuditEntry, name) for name in _HASHED]
    columns += [AuditEntry.key_id] if keyed else []
    names = {c["name"] for c in inspect(conn).get_columns("audit_log")}
    columns += [AuditEntry.os_user] if "os_user" in names else []
    last = after
    while True:
        statement = select(*columns).order_by(AuditEntry.seq).limit(batch)
        if last is not None:
            statement = statement.where(AuditEntry.seq > last)
        page = conn.execute(statement).mappings().all()
        if not page:
            return
        yield page
        if len(page) < batch:
            return
        last = int(page[-1]["seq"])


def walk_chain(
    conn: Connection,
    keys: Mapping[str, bytes] | None = None,
    *,
    batch: int = 1000,
    start: Start | None = None,
    progress: Progress | None = None,
) -> ChainResult:
    """Recompute every link and seal in order, ``batch`` entries in memory at a time; ``keys``
    (by id) are the keys to verify with (default: those in the settings folder).

    ``start``: walk only the entries after a point already verified (incremental; the first
    one must link to its head). ``progress`` is called after each batch with the number of
    entries walked; returning False raises :class:`Cancelled`."""
    keyed = has_key_ids(conn)
    keys = audit_keys.held_keys() if keys is None and keyed else (keys or {})
    walk = _Walk(keyed, keys)
    if start is not None:
        walk.begin_after(start)
    for page in _entries(conn, keyed, batch, None if start is None else start.seq):
        for row in page:
            walk.entry(row)
        walk.result.walked += len(page)
        if progress is not None and progress(walk.result.walked) is False:
            raise Cancelled
    return walk.result


class _Walk:
    """The state of a walk along the chain: the hash the next entry must link to."""

    def __init__(self, keyed: bool, keys: Mapping[str, bytes]) -> None:
        self.keyed, self.keys = keyed, keys
        self.result = ChainResult()
        self.prev = GENESIS

    def begin_after(self, start: Start) -> None:
        # a clean check leaves no unsealed tail, so the verified part ends sealed (when the
        # trail has keys at all)
        result = self.result
        result.count, result.head_seq, result.head = start.count, start.seq, start.head
        result.keyed = 1 if self.keyed else 0
        self.prev = start.head

    def report(self, seq: int, problem: str) -> None:
        problems = self.result.problems
        last = problems[-1] if problems else None
        if last is not None and last.problem == problem and (last.last or last.seq) == seq - 1:
            problems[-1] = ChainProblem(last.seq, problem, seq)
        else:
            problems.append(ChainProblem(seq, problem))

    def entry(self, row: RowMapping) -> None:
        result = self.result
        seq = int(row["seq"])
        if row["prev_hash"] != self.prev:
            # a removed or reordered entry breaks the link of the one after it
            self.report(seq, _BROKEN_LINK)
        fields = _hashed_fields(row)
        key_id = row["key_id"] if self.keyed else None
        if key_id is None:  # written before 0009 (or by a migration before it): fixed by the
            # seal of the next keyed entry, which covers its hash
            if result.unsealed_from is None:
                result.unsealed_from = seq
            if entry_hash(row["prev_hash"], fields) != row["hash"]:
                self.report(seq, _CHANGED)
        else:
            result.keyed += 1
            result.unsealed_from = None
            key = self.keys.get(key_id)
            if key is None:
                self.report(seq, _UNKNOWN_KEY.format(key_id=key_id, folder=audit_keys.keys_dir()))
            elif not audit_keys.matches(
                sealed_hash(key, key_id, row["prev_hash"], fields), row["hash"]
            ):
                self.report(seq, _CHANGED)
        self.prev = row["hash"]
        result.count += 1
        result.head_seq, result.head = seq, self.prev


def verify_chain(session: Session) -> list[ChainProblem]:
    """Recompute the hash chain; an empty list means the trail is intact."""
    return walk_chain(session.connection()).problems
