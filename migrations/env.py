"""Alembic environment: runs on the connection the app hands over (rehab_tracker.data.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from rehab_tracker.data.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        compare_server_default=True,
        user_module_prefix="rehab_tracker.data.types.",
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    # Stand-alone use (``alembic -c migrations/alembic.ini ...``): sqlalchemy.url from the ini.
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite:///dev.db")
    with engine.begin() as conn:
        _configure(conn)
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; migrate a database")
run_migrations_online()
