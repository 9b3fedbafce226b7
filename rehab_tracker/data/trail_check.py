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
(no patient data). Tables and the trail are read in keyset pages (``BATCH`` rows a statement, on
SQLite and PostgreSQL alike), so memory stays bounded however large the clinic (issue 12 item 5).

**Incremental.** The chain is walked from the verified checkpoint of the last clean check
(``audit_keys.Verified``) when there is one: the trail must still reach that point (the entry
there with the hash recorded, as many entries up to it), and only the entries after it are
recomputed, so the walk takes time in proportion to what was written since. ``full=True``
(``db check --full``, the scheduled check, the check after a backup) walks every entry again:
only a full walk sees an older entry whose content was changed while its hash was kept. The
records are compared in full either way (a change by direct SQL leaves no trace in the trail
to start from).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
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


#: (what is being checked, done, total; total 0 when unknown) -> False to cancel
Progress = Callable[[str, int, int], "bool | None"]

CHAIN_STAGE = "Verifying the audit trail's chain"
RECORDS_STAGE = "Comparing the records with the audit trail"


def record_checkpoint(
    db: Database,
    reason: str,
    *,
    verified: audit.ChainResult | None = None,
    full: bool = False,
    forget_verified: bool = False,
) -> None:
    """Write the trail's (count, head) outside the database (after a backup, a clean check or a
    restore); an empty trail has nothing to record. ``verified``: the walk of a clean check,
    whose head becomes the verified checkpoint (``full``: it walked every entry);
    ``forget_verified``: a restore put another trail in place, which the next check walks in
    full."""
    if verified is not None:
        if verified.count:
            audit_keys.write_checkpoint(
                location(db),
                verified.count,
                verified.head_seq,
                verified.head,
                reason,
                verified=True,
                full=full,
            )
        return
    with db.read_connection() as conn:
        count = int(conn.execute(select(_count())).scalar_one())
        head = conn.execute(
            select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
        ).first()
    if head is not None:
        audit_keys.write_checkpoint(
            location(db), count, int(head[0]), str(head[1]), reason,
            keep_verified=not forget_verified,
        )


def _count() -> Any:
    return func.count(AuditEntry.seq)


@dataclass
class TrailReport:
    """What the trail check found, and how much of the chain it walked."""

    problems: list[str] = field(default_factory=list)
    chain: audit.ChainResult | None = None
    #: the verified checkpoint the walk started from (None: every entry was walked)
    started_from: audit_keys.Verified | None = None

    @property
    def full(self) -> bool:
        return self.started_from is None

    def note(self) -> str | None:
        """One line on how far the chain walk went (for an incremental check)."""
        start, chain = self.started_from, self.chain
        if start is None or chain is None:
            return None
        full = (
            f"last verified in full {start.full_at[:10]}"
            if start.full_at
            else "never verified in full by this version"
        )
        return (
            f"audit chain verified from the checkpoint of {start.at[:19].replace('T', ' ')} UTC: "
            f"{chain.walked} newer entries walked, {start.count} verified before ({full}); "
            "`db check --full` walks them all"
        )


def problems(db: Database, *, records: bool = True) -> list[str]:
    """Every reason not to trust the trail, one line each (empty: it can be trusted), from a
    walk of every entry; ``records=False`` leaves out the comparison of the records (a schema
    older than the code's, whose tables lack columns the models have)."""
    return check(db, records=records, full=True).problems


def check(
    db: Database,
    *,
    records: bool = True,
    full: bool = False,
    progress: Progress | None = None,
) -> TrailReport:
    """The trail check: the chain (from the verified checkpoint unless ``full``), the
    checkpoint, the guards and (``records``) the records. ``progress`` as :data:`Progress`;
    returning False raises :class:`audit.Cancelled`."""
    report = TrailReport()
    found = report.problems
    checkpoint = audit_keys.read_checkpoint(location(db))
    with _snapshot(db) as conn:
        start = None
        verified = None if full or checkpoint is None else checkpoint.verified
        if verified is not None:
            lost = _reach_problems(
                conn,
                verified.count,
                verified.head_seq,
                verified.head,
                _when(verified.at, "last clean check"),
            )
            if lost:  # the verified part itself changed: say so, and walk all of it
                found += lost
            else:
                start = audit.Start(verified.count, verified.head_seq, verified.head)
                report.started_from = verified
        chain = report.chain = _walk(conn, start, progress)
        found += [p.line() for p in chain.problems]
        if chain.unsealed_from is not None and audit.has_key_ids(conn):
            found.append(
                audit.NOT_SEALED.format(count=chain.count)
                if not chain.keyed
                else audit.UNSEALED_TAIL.format(first=chain.unsealed_from, last=chain.head_seq)
            )
        found += checkpoint_problems(conn, checkpoint, chain)
        found += guard_problems(conn)
        if records:
            found += list(record_problems(conn, progress=progress))
    return report


@contextmanager
def _snapshot(db: Database) -> Iterator[Connection]:
    """One read transaction that sees one state of the database throughout: SQLite's read
    transaction does; on PostgreSQL, REPEATABLE READ (under READ COMMITTED a record and its
    entry committed between two pages of the check would show as a change behind the trail's
    back while the clinic works on during a background check)."""
    if db.is_sqlite:
        with db.read_connection() as conn:
            yield conn
        return
    with db.engine.connect() as plain:
        conn = plain.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with conn.begin() as transaction:
            try:
                yield conn
            finally:
                transaction.rollback()


def _walk(
    conn: Connection, start: audit.Start | None, progress: Progress | None
) -> audit.ChainResult:
    if progress is None:
        return audit.walk_chain(conn, start=start)
    newer = select(_count())
    if start is not None:
        newer = newer.where(AuditEntry.seq > start.seq)
    total = int(conn.execute(newer).scalar_one())
    if progress(CHAIN_STAGE, 0, total) is False:
        raise audit.Cancelled
    return audit.walk_chain(
        conn, start=start, progress=lambda done: progress(CHAIN_STAGE, done, total)
    )


def _when(at: str, reason: str) -> str:
    return f"the checkpoint of {at[:19].replace('T', ' ')} UTC ({reason})"


def checkpoint_problems(
    conn: Connection, checkpoint: audit_keys.Checkpoint | None, chain: audit.ChainResult
) -> list[str]:
    """Whether the trail still reaches ``checkpoint`` (entry ``head_seq`` with hash ``head``,
    and as many entries up to it)."""
    if checkpoint is None:
        return []
    return _reach_problems(
        conn,
        checkpoint.count,
        checkpoint.head_seq,
        checkpoint.head,
        _when(checkpoint.at, checkpoint.reason),
        chain,
    )


def _reach_problems(
    conn: Connection,
    count: int,
    head_seq: int,
    head: str,
    when: str,
    chain: audit.ChainResult | None = None,
) -> list[str]:
    row = conn.execute(select(AuditEntry.hash).where(AuditEntry.seq == head_seq)).first()
    if row is None:
        if chain is None:
            newest = conn.execute(select(_count(), func.max(AuditEntry.seq))).one()
            has, last = int(newest[0]), int(newest[1] or 0)
        else:
            has, last = chain.count, chain.head_seq
        return [
            f"the trail has {has} entries up to entry {last}, but {when} "
            f"recorded {count} up to entry {head_seq}: entries were removed"
        ]
    if row[0] != head:
        return [f"entry {head_seq} is not the one {when} recorded: the trail was rewritten"]
    upto = conn.execute(select(_count()).where(AuditEntry.seq <= head_seq)).scalar_one()
    if int(upto) != count:
        return [
            f"{when} recorded {count} entries up to entry {head_seq}, "
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


def record_problems(
    conn: Connection, batch: int = BATCH, *, progress: Progress | None = None
) -> Iterator[str]:
    """Each current row of every audited table against the last state the trail recorded for
    it: one line per row that differs (the columns that differ), that the trail never saw, or
    that the trail recorded as removed. ``progress`` counts the rows compared."""
    mappers = _audited_mappers()
    total = 0
    if progress is not None:
        for mapper in mappers:
            total += int(
                conn.execute(select(func.count()).select_from(mapper.local_table)).scalar_one()
            )
    done = 0

    def step(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None and progress(RECORDS_STAGE, done, total) is False:
            raise audit.Cancelled

    step(0)
    for mapper in mappers:
        yield from _table_problems(conn, mapper, batch, step)
        yield from _removed_problems(conn, mapper, batch, lambda _rows: step(0))


def _pages(
    conn: Connection, statement: Any, key: Any, batch: int, position: int = 0
) -> Iterator[Sequence[Any]]:
    """The rows of ``statement`` in keyset pages of ``batch`` on ``key`` (its column at
    ``position`` in each row): one bounded statement a page, on any backend."""
    last = None
    while True:
        page = statement.order_by(key).limit(batch)
        if last is not None:
            page = page.where(key > last)
        rows = conn.execute(page).all()
        if rows:
            yield rows
        if len(rows) < batch:
            return
        last = rows[-1][position]


def _table_problems(
    conn: Connection, mapper: Mapper[Any], batch: int, step: Callable[[int], None]
) -> Iterator[str]:
    table = mapper.local_table
    assert isinstance(table, Table)
    (key_column,) = mapper.primary_key
    attrs = [(attr.key, attr.columns[0]) for attr in mapper.column_attrs]
    key_index = next(i for i, (_, column) in enumerate(attrs) if column is key_column)
    statement = select(*(column for _, column in attrs))
    for part in _pages(conn, statement, key_column, batch, key_index):
        ids = [str(row[key_index]) for row in part]
        states = _recorded_states(conn, str(table.name), ids)
        for entity_id, row in zip(ids, part, strict=True):
            problem = _compare(attrs, row, states.get(entity_id, _NEVER))
            if problem:
                yield f"{table.name} {entity_id}: {problem}"
        step(len(part))


def _removed_problems(
    conn: Connection, mapper: Mapper[Any], batch: int, step: Callable[[int], None]
) -> Iterator[str]:
    """Rows whose last entry in the trail is not their removal, yet are gone: the trail's
    record ids of the table in keyset pages (the index on entity, record id and entry)."""
    table = mapper.local_table
    assert isinstance(table, Table)
    (key_column,) = mapper.primary_key
    to_key = key_column.type.python_type
    after: str | None = None
    while True:
        last = (
            select(AuditEntry.entity_id, func.max(AuditEntry.seq).label("seq"))
            .where(AuditEntry.entity == table.name, AuditEntry.action.in_(_CHANGES))
            .group_by(AuditEntry.entity_id)
            .order_by(AuditEntry.entity_id)
            .limit(batch)
        )
        if after is not None:
            last = last.where(AuditEntry.entity_id > after)
        newest = last.subquery()
        part = conn.execute(
            select(newest.c.entity_id, AuditEntry.action)
            .join(AuditEntry, AuditEntry.seq == newest.c.seq)
            .order_by(newest.c.entity_id)
        ).all()
        if not part:
            return
        wanted: dict[Any, str] = {}
        for entity_id, action in part:
            if action == "delete":
                continue
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
        step(len(part))
        if len(part) < batch:
            return
        after = str(part[-1][0])


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
