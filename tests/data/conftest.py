"""Data-layer test fixtures: one fixture that runs a test on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from rehab_tracker.data.database import Database


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest) -> Database:
    """The migrated SQLite file, then (when REHAB_TRACKER_TEST_PG_URL is set) PostgreSQL."""
    name = "db" if request.param == "sqlite" else "pg_db"
    database: Database = request.getfixturevalue(name)
    return database
