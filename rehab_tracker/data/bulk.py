"""Bulk row writes for generated clinics (issue 12 items 6 and 7): many rows of one table in one
driver call, inside the caller's transaction.

SQLite: the driver's ``executemany`` of one compiled INSERT. PostgreSQL: ``COPY ... FROM STDIN``
through psycopg's ``cursor.copy`` (rows in list order, so a serial key such as the audit trail's
``seq`` is given in that order). Either way each value is first turned into what the database
stores by its column type's own bind processor, exactly what ``conn.execute(insert(table), rows)``
would send, without SQLAlchemy's per-row overhead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import JSON, Connection, Table, insert

#: a column type's bind processor: a Python value to what the driver is given
_Process = Callable[[Any], Any]


def _steps(
    conn: Connection, table: Table, keys: Sequence[str]
) -> list[tuple[str, _Process | None, dict[Any, Any] | None]]:
    """Per column: its key, its bind processor, and a memo of processed values (timestamps and
    foreign keys repeat over a session's exercises and sets; JSON documents are not memoised)."""
    steps: list[tuple[str, _Process | None, dict[Any, Any] | None]] = []
    for key in keys:
        kind = table.c[key].type
        process = kind.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        steps.append((key, process, {} if kind._type_affinity is not JSON else None))
    return steps


def _processed(value: Any, process: _Process | None, memo: dict[Any, Any] | None) -> Any:
    if process is None or value is None:
        return value
    if memo is None:
        return process(value)
    done = memo.get(value, memo)
    if done is memo:
        done = memo[value] = process(value)
    return done


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, column keys of ``table``) in list order."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        _copy(conn, table, rows)
        return
    keys = list(rows[0])
    compiled = insert(table).compile(dialect=conn.dialect, column_keys=keys)
    order = [compiled.binds[name].key for name in compiled.positiontup or ()]
    steps = _steps(conn, table, order)
    values = [
        tuple(_processed(row[key], process, memo) for key, process, memo in steps) for row in rows
    ]
    conn.exec_driver_sql(str(compiled), values)


def _copy(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    keys = list(rows[0])
    steps = _steps(conn, table, keys)
    quote = conn.dialect.identifier_preparer
    columns = ", ".join(quote.quote(table.c[key].name) for key in keys)
    statement = f"COPY {quote.format_table(table)} ({columns}) FROM STDIN"
    raw = conn.connection.dbapi_connection
    assert raw is not None
    with raw.cursor() as cursor, cursor.copy(statement) as copy:  # type: ignore[attr-defined]
        for row in rows:
            copy.write_row([_processed(row[key], process, memo) for key, process, memo in steps])
