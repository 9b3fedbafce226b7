"""Alembic, driven from code: where the schema is, and bringing it to the latest revision."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from rehab_tracker.data import locations


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(locations.migrations_dir()))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    if head is None:
        raise RuntimeError("the migrations folder has no revisions")
    return head


@dataclass(frozen=True)
class SchemaState:
    current: str | None
    head: str
    too_new: bool

    @property
    def needs_upgrade(self) -> bool:
        return not self.too_new and self.current != self.head


def state(conn: Connection) -> SchemaState:
    current = MigrationContext.configure(conn).get_current_revision()
    scripts = script_directory()
    head = head_revision()
    known = {rev.revision for rev in scripts.walk_revisions()}
    too_new = current is not None and current not in known
    return SchemaState(current=current, head=head, too_new=too_new)


@contextlib.contextmanager
def _migration_connection(engine: Engine) -> Iterator[Connection]:
    """A transaction for migrating; on SQLite with foreign-key actions switched off.

    Alembic's batch mode rebuilds a SQLite table by copying it and dropping the old one; with
    foreign keys on, that DROP would run the ON DELETE CASCADE rules and empty child tables. The
    pragma only takes effect outside a transaction, so it is set on the raw connection first, and
    ``foreign_key_check`` proves the result consistent before the commit.
    """
    with engine.connect() as conn:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def upgrade(engine: Engine, revision: str = "head") -> None:
    with _migration_connection(engine) as conn:
        command.upgrade(alembic_config(conn), revision)


def downgrade(engine: Engine, revision: str) -> None:
    with _migration_connection(engine) as conn:
        command.downgrade(alembic_config(conn), revision)
