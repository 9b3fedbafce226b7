"""Trying a clinic server's address before the workstation uses it (the welcome page's
"Connect to a clinic server"): one connection, one line that says what was found.

Qt-free: the welcome page calls :func:`check_server` and shows its ``message``; the choice is
then saved with ``data.locations.save_database``, where ``--db`` and ``$REHAB_TRACKER_DB`` still
take precedence for the command line.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import URL, Connection, create_engine, inspect, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from rehab_tracker.data.database import DatabaseError, resolve_target
from rehab_tracker.data.locations import newest_revision_file

#: seconds to wait for the server to answer (a wrong host should not freeze the window long)
CONNECT_TIMEOUT_S = 5
EXAMPLE = "postgresql://user@server/rehab"


@dataclass(frozen=True, slots=True)
class ServerCheck:
    """What trying an address found: ``ok`` when it can be used; ``url`` the address in the
    form it is saved in (a driver added); ``message`` one line for the user, no password."""

    ok: bool
    message: str
    url: str = ""


def check_server(address: str, *, timeout_s: int = CONNECT_TIMEOUT_S) -> ServerCheck:
    """Connect once to the PostgreSQL server ``address`` names and say what is there: the
    server's version and whether the Rehab Tracker tables are new, current or need an upgrade;
    or why it cannot be used."""
    parsed = _parse(address)
    if isinstance(parsed, ServerCheck):
        return parsed
    port = f":{parsed.port}" if parsed.port else ""
    shown = f"{parsed.host}{port}, database {parsed.database}"
    engine = create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": timeout_s})
    try:
        with engine.connect() as conn:
            version = str(conn.execute(text("SHOW server_version")).scalar() or "").split()[0]
            revision = _revision(conn)
    except DBAPIError as exc:
        return ServerCheck(False, f"No connection to {shown}: {_reason(exc)}.")
    finally:
        engine.dispose()
    usable, state = _state(revision)
    url = parsed.render_as_string(hide_password=False)
    return ServerCheck(
        usable, f"Connected to {shown} (PostgreSQL {version}): {state}.", url if usable else ""
    )


def _parse(address: str) -> URL | ServerCheck:
    """The server URL ``address`` names (psycopg as the driver), or why it names none."""
    typed = address.strip()
    if not typed:
        return ServerCheck(False, f"Type the server's address, for example {EXAMPLE}.")
    if typed.startswith("postgres://"):
        typed = "postgresql://" + typed.removeprefix("postgres://")
    if not typed.startswith(("postgresql://", "postgresql+psycopg://")):
        return ServerCheck(
            False, f"A clinic server's address starts with postgresql://, for example {EXAMPLE}."
        )
    try:
        parsed = make_url(resolve_target(typed))
    except (DatabaseError, ArgumentError) as exc:
        return ServerCheck(False, f"Not a server address: {exc}.")
    except ValueError:  # SQLAlchemy's URL parser: a port that is not a number
        return ServerCheck(
            False,
            f"Not a server address: the port must be a number, for "
            f"example {EXAMPLE.replace('server', 'server:5432')}.",
        )
    if not parsed.host or not parsed.database:
        return ServerCheck(
            False, f"The address needs a server and a database name, for example {EXAMPLE}."
        )
    return parsed


def _revision(conn: Connection) -> str | None:
    """The Rehab Tracker schema revision stamped in the database (None: no tables yet)."""
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    value = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return None if value is None else str(value)


def _state(revision: str | None) -> tuple[bool, str]:
    """Whether this version can use the records found, and what they are."""
    newest = newest_revision_file()
    if revision is None:
        return True, "no Rehab Tracker records there yet; the tables are made on first use"
    if revision == newest:
        return True, "Rehab Tracker records there, up to date"
    if newest is not None and revision > newest:
        return False, (
            "its records were upgraded by a newer Rehab Tracker; install that "
            "version on this workstation first"
        )
    return True, "Rehab Tracker records there, upgraded (after a check) on first use"


def _reason(exc: DBAPIError) -> str:
    """The driver's first line, without the address (already said) or a password."""
    lines = str(exc.orig).strip().splitlines() if exc.orig is not None else []
    reason = lines[0] if lines else type(exc).__name__
    return reason.removeprefix("connection failed: ").rstrip(".")
