"""Trying a clinic server's address: one line that says what was found, never a password."""

from __future__ import annotations

import pytest

from rehab_tracker.data.database import open_database
from rehab_tracker.services.connection import check_server


@pytest.mark.parametrize(
    ("address", "start"),
    [
        ("", "Type the server's address"),
        ("clinic.db", "A clinic server's address starts with postgresql://"),
        ("sqlite:///clinic.db", "A clinic server's address starts with postgresql://"),
        ("postgresql://", "The address needs a server and a database name"),
        ("postgresql://a@host:port/db", "Not a server address: the port must be a number"),
    ],
)
def test_addresses_that_name_no_server(address: str, start: str) -> None:
    found = check_server(address)
    assert not found.ok and found.url == ""
    assert found.message.startswith(start), found.message


def test_a_server_that_does_not_answer() -> None:
    found = check_server("postgres://rehab:s3cret@127.0.0.1:1/clinic", timeout_s=2)
    assert not found.ok
    assert found.message.startswith("No connection to 127.0.0.1:1, database clinic: ")
    assert "s3cret" not in found.message and "\n" not in found.message


@pytest.mark.postgres
def test_a_server_without_then_with_the_records(pg_url: str) -> None:
    empty = check_server(pg_url)
    assert empty.ok, empty.message
    assert "(PostgreSQL " in empty.message
    assert empty.message.endswith(
        "no Rehab Tracker records there yet; the tables are made on first use."
    )
    assert empty.url.startswith("postgresql+psycopg://")
    open_database(pg_url).close()
    ready = check_server(pg_url)
    assert ready.ok and ready.message.endswith("Rehab Tracker records there, up to date.")


@pytest.mark.postgres
def test_records_from_a_newer_version_are_refused(pg_url: str) -> None:
    from sqlalchemy import create_engine, text

    open_database(pg_url).close()
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    found = check_server(pg_url)
    assert not found.ok and found.url == ""
    assert "upgraded by a newer Rehab Tracker" in found.message
