"""What ``db check`` looks at to tell whether the audit trail can be trusted (issue 10 item 10).

* the chain: every link and every keyed seal (:func:`rehab_tracker.data.audit.walk_chain`), and a
  trail that is not sealed with a key at all (recomputed with the old unkeyed hash);
* the checkpoint: the trail still reaches the (count, head) recorded outside the database at the
  last backup, clean check or restore (``data.audit_keys``): its newest entries were not removed;
* the guards: the triggers that make the table append-only exist, unaltered and enabled;
* the records: each current row of every audited table equals the last state the trail recorded
  for it (a row changed, added or brought back by direct SQL shows), and every row the trail
  last saw created or updated is still there (a row removed by direct SQL shows).

Every problem is one line naming tables, columns, entry numbers and record ids, never a value
(no patient data). Tables and the trail are read in batches, so memory stays bounded however
large the clinic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Mapper

from rehab_tracker.data import audit, audit_keys
from rehab_tracker.data.models import AUDIT_DIGEST, AuditEntry, Base
from rehab_tracker.data.types import jsonable

if TYPE_CHECKING:
    from rehab_tracker.data.database import Database

#: rows per batch when comparing records with the trail
BATCH = 500
#: the actions that change a record (other entries record disclosures, restores, seals)
_CHANGES = ("create", "update", "delete")

#: the append-only guards as the initial migration creates them (SQLite keeps the text)
SQLITE_GUARDS = {
    "audit_log_no_update": """CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
    "audit_log_no_delete": """CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
       BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END""",
}
#: PostgreSQL: trigger name -> what its definition must say
PG_GUARDS = {
    "audit_log_no_change": ("BEFORE DELETE OR UPDATE ON", "FOR EACH ROW"),
    "audit_log_no_truncate": ("BEFORE TRUNCATE ON", "FOR EACH STATEMENT"),
}
_PG_GUARD_FUNCTION = "audit_log_append_only"


def location(db: Database) -> str:
    """The database's place, as its checkpoints are filed (no password)."""
    return make_url(db.url).render_as_string(hide_password=True)


def record_checkpoint(db: Database, reason: str) -> None:
    """Write the trail's (count, head) outside the database (after a backup, a clean check or a
    restore); an empty trail has nothing to record."""
    with db.read_connection() as conn:
        count = int(conn.execute(select(_count())).scalar_one())
        head = conn.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
    if head is not None:
        audit_keys.write_checkpoint(location(db), count, int(head[0]), str(head[1]), reason)


def _count() -> Any:
    return func.count(AuditEntry.seq)


def problems(db: Database, *, records: bool = True) -> list[str]:
    """Every reason not to trust the trail, one line each (empty: it can be trusted);
    ``records=False`` leaves out the comparison of the records (a schema older than the code's,
    whose tables lack columns the models have)."""
    found: list[str] = []
    with db.read_connection() as conn:
        chain = audit.walk_chain(conn)
        found += [p.line() for p in chain.problems]
        if chain.unsealed_from is not None and audit.has_key_ids(conn):
            found.append(
                audit.NOT_SEALED.format(count=chain.count)
                if not chain.keyed
                else audit.UNSEALED_TAIL.format(first=chain.unsealed_from, last=chain.head_seq)
            )
        found += checkpoint_problems(conn, audit_keys.read_checkpoint(location(db)), chain)
        found += guard_problems(conn)
        if records:
            found += list(record_problems(conn))
    return found


def checkpoint_problems(
    conn: Connection, checkpoint: audit_keys.Checkpoint | None, chain: audit.ChainResult
) -> list[str]:
    """Whether the trail still reaches ``checkpoint`` (entry ``head_seq`` with hash ``head``,
    and as many entries up to it)."""
    if checkpoint is None:
        return []
    when = f"the checkpoint of {checkpoint.at[:19].replace('T', ' ')} UTC ({checkpoint.reason})"
    row = conn.execute(select(AuditEntry.hash).where(AuditEntry.seq == checkpoint.head_seq)).first()
    if row is None:
        return [
            f"the trail has {chain.count} entries up to entry {chain.head_seq}, but {when} "
            f"recorded {checkpoint.count} up to entry {checkpoint.head_seq}: entries were removed"
        ]
    if row[0] != checkpoint.head:
        return [
            f"entry {checkpoint.head_seq} is not the one {when} recorded: the trail was rewritten"
        ]
    upto = conn.execute(select(_count()).where(AuditEntry.seq <= checkpoint.head_seq)).scalar_one()
    if int(upto) != checkpoint.count:
        return [
            f"{when} recorded {checkpoint.count} entries up to entry {checkpoint.head_seq}, "
            f"the trail has {upto}: entries were removed"
        ]
    return []


def _normal(sql: str) -> str:
    return " ".join(sql.split())


def guard_problems(conn: Connection) -> list[str]:
    """The triggers that keep the trail append-only: present, as created, enabled."""
    if conn.dialect.name == "postgresql":
        return _pg_guard_problems(conn)
    found: dict[str, str] = dict(
        conn.execute(
            text(
                "SELECT name, sql FROM sqlite_master"
                " WHERE type = 'trigger' AND tbl_name = 'audit_log'"
            )
        ).all()
    )
    out = []
    for name, sql in SQLITE_GUARDS.items():
        if name not in found:
            out.append(f"trigger {name} is missing: the trail can be changed or emptied")
        elif _normal(str(found[name])) != _normal(sql):
            out.append(f"trigger {name} was altered: it may no longer refuse changes")
    return out


def _pg_guard_problems(conn: Connection) -> list[str]:
    rows = conn.execute(
        text(
            "SELECT t.tgname, t.tgenabled, pg_get_triggerdef(t.oid), p.proname, p.prosrc "
            "FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = to_regclass('audit_log') AND NOT t.tgisinternal"
        )
    ).all()
    found = {str(r[0]): r for r in rows}
    out = []
    for name, phrases in PG_GUARDS.items():
        row = found.get(name)
        if row is None:
            out.append(f"trigger {name} is missing: the trail can be changed or emptied")
            continue
        _, enabled, definition, function, body = row
        definition = _normal(str(definition))
        if (
            any(phrase not in definition for phrase in phrases)
            or " WHEN " in definition
            or function != _PG_GUARD_FUNCTION
            or "RAISE EXCEPTION" not in _normal(str(body)).upper()
        ):
            out.append(f"trigger {name} was altered: it may no longer refuse changes")
        elif str(enabled) not in ("O", "A"):
            out.append(f"trigger {name} is disabled: the trail can be changed or emptied")
    return out


def _audited_mappers() -> list[Mapper[Any]]:
    mappers = sorted(Base.registry.mappers, key=lambda m: m.class_.__name__)
    return [mapper for mapper in mappers if audit.is_audited_class(mapper.class_)]


def record_problems(conn: Connection, batch: int = BATCH) -> Iterator[str]:
    """Each current row of every audited table against the last state the trail recorded for
    it: one line per row that differs (the columns that differ), that the trail never saw, or
    that the trail recorded as removed."""
    for mapper in _audited_mappers():
        yield from _table_problems(conn, mapper, batch)
        yield from _removed_problems(conn, mapper, batch)


def _table_problems(conn: Connection, mapper: Mapper[Any], batch: int) -> Iterator[str]:
    table = mapper.local_table
    assert isinstance(table, Table)
    (key_column,) = mapper.primary_key
    attrs = [(attr.key, attr.columns[0]) for attr in mapper.column_attrs]
    statement = (
        select(*(column for _, column in attrs))
        .order_by(key_column)
        .execution_options(yield_per=batch)
    )
    key_index = next(i for i, (_, column) in enumerate(attrs) if column is key_column)
    for part in conn.execute(statement).partitions():
        ids = [str(row[key_index]) for row in part]
        states = _recorded_states(conn, str(table.name), ids)
        for entity_id, row in zip(ids, part, strict=True):
            problem = _compare(attrs, row, states.get(entity_id, _NEVER))
            if problem:
                yield f"{table.name} {entity_id}: {problem}"


def _removed_problems(conn: Connection, mapper: Mapper[Any], batch: int) -> Iterator[str]:
    """Rows whose last entry in the trail is not their removal, yet are gone."""
    table = mapper.local_table
    assert isinstance(table, Table)
    (key_column,) = mapper.primary_key
    last = (
        select(func.max(AuditEntry.seq).label("seq"))
        .where(AuditEntry.entity == table.name, AuditEntry.action.in_(_CHANGES))
        .group_by(AuditEntry.entity_id)
        .subquery()
    )
    live = (
        select(AuditEntry.entity_id)
        .join(last, last.c.seq == AuditEntry.seq)
        .where(AuditEntry.action != "delete")
        .order_by(AuditEntry.seq)
        .execution_options(yield_per=batch)
    )
    to_key = key_column.type.python_type
    for part in conn.execute(live).partitions():
        wanted: dict[Any, str] = {}
        for (entity_id,) in part:
            try:
                wanted[to_key(entity_id)] = entity_id
            except ValueError:
                yield f"{table.name} {entity_id}: the trail names a record that cannot exist"
        found = set(conn.execute(select(key_column).where(key_column.in_(wanted))).scalars())
        for key, entity_id in wanted.items():
            if key not in found:
                yield (
                    f"{table.name} {entity_id}: removed behind the app's back (the trail "
                    "has no record of its removal)"
                )


#: no entry in the trail for the row
_NEVER: dict[str, Any] = {}
#: the trail's last word on the row is its removal
_GONE: dict[str, Any] = {"\0removed": True}


def _recorded_states(conn: Connection, entity: str, ids: Sequence[str]) -> dict[str, Any]:
    """The last state the trail recorded for each of ``ids``: the creation's snapshot with the
    later updates applied in order (an update of a migration may name only what it changed)."""
    states: dict[str, dict[str, Any]] = {}
    rows = conn.execute(
        select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.after)
        .where(
            AuditEntry.entity == entity,
            AuditEntry.entity_id.in_(ids),
            AuditEntry.action.in_(_CHANGES),
        )
        .order_by(AuditEntry.seq)
    )
    for entity_id, action, after in rows:
        if action == "delete":
            states[entity_id] = _GONE
        elif action == "create" or states.get(entity_id) in (None, _GONE):
            states[entity_id] = dict(after or {})
        else:
            states[entity_id] = {**states[entity_id], **(after or {})}
    return states


def _compare(
    attrs: Sequence[tuple[str, Any]], row: Sequence[Any], state: Mapping[str, Any]
) -> str | None:
    if state is _NEVER:
        return "not in the trail: added behind the app's back"
    if state is _GONE:
        return "the trail recorded its removal, yet it is there: put back behind the app's back"
    differs = [
        key
        for (key, column), value in zip(attrs, row, strict=True)
        if key in state and not _same(_as_recorded(column, value), state[key])
    ]
    if differs:
        return f"differs from the last state the trail recorded ({', '.join(differs)})"
    return None


def _as_recorded(column: Any, value: Any) -> Any:
    """The current value in the form the trail keeps it (a digest for a password hash)."""
    return audit.recorded(column, value) if column.info.get(AUDIT_DIGEST) else value


def _same(current: Any, recorded: Any) -> bool:
    """Whether a column's value equals what the trail recorded (JSON: times in ISO form)."""
    if isinstance(current, dt.datetime) and isinstance(recorded, str):
        try:
            return current == dt.datetime.fromisoformat(recorded)
        except ValueError:
            return False
    return bool(jsonable(current) == recorded)
