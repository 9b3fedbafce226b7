"""Whatever is typed, a service either saves it or refuses it the app's way, and a refusal
writes nothing (issue 10 item 4).

Every entry point that takes user input (tests/services/fuzz_entry_points.py) is driven with
fuzzed texts, numbers and dates on a SQLite file and on PostgreSQL. Before the domain checked
what the columns hold, a 300-character name or a NUL character reached the database: stored on
SQLite, a raw ``DataError`` or ``ValueError`` on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fuzz_entry_points as fuzz

from rehab_tracker.data.database import open_database
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.patients import PatientDetails
from rehab_tracker.services.container import Services
from tests.conftest import _pg_url
from tests.staff import staff

TODAY = fuzz.TODAY
#: fuzzed calls per entry point and backend (REHAB_TRACKER_FUZZ_EXAMPLES=200 for a long hunt)
EXAMPLES = int(os.environ.get("REHAB_TRACKER_FUZZ_EXAMPLES", "15"))


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    migrated_template: Path,
) -> Iterator[fuzz.World]:
    """One clinic per backend for the whole module (building one takes a second)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("fuzz") / "clinic.db"
        shutil.copyfile(migrated_template, path)
        db = open_database(path)
        drop = None
    else:
        url = _pg_url()
        if url is None:
            pytest.skip("REHAB_TRACKER_TEST_PG_URL is not set: no PostgreSQL server")
        from sqlalchemy import create_engine, text

        schema = f"t_fuzz_{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in url else "?"
        db = open_database(f"{url}{sep}options=-csearch_path%3D{schema}")

        def drop() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    with pytest.MonkeyPatch.context() as patch:  # the library's media folder, per module
        patch.setenv("REHAB_TRACKER_HOME", str(tmp_path_factory.mktemp("fuzz-home")))
        try:
            yield fuzz.build_world(db)
        finally:
            db.close()
            if drop is not None:
                drop()


@pytest.mark.parametrize("entry", list(fuzz.ENTRY_POINTS))
def test_only_the_apps_refusals_escape_and_they_write_nothing(
    world: fuzz.World, entry: str
) -> None:
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        outcome = fuzz.attempt(world, entry, data.draw)
        if outcome.escaped is not None:
            raise outcome.escaped
        assert outcome.wrote_on_refusal is None, (outcome.refused, outcome.wrote_on_refusal)

    run()


# --- the cases the fuzzer found first, as plain examples ------------------------------------


def test_a_300_character_name_is_refused_at_the_field(any_db) -> None:  # type: ignore[no-untyped-def]
    services = Services(any_db, staff("tester"))
    with pytest.raises(ValidationError) as caught:
        services.patients.enrol(
            PatientDetails(
                given_name="A" * 300,
                family_name="Lovelace",
                date_of_birth=dt.date(1980, 5, 17),
                sex="female",
                pathway="conservative",
            ),
            None,
            today=TODAY,
        )
    assert set(caught.value.errors) == {"given_name"}
    assert "100" in caught.value.errors["given_name"]
    assert services.patients.list_patients(today=TODAY) == []


def test_a_nul_in_the_notes_is_refused_at_the_field(any_db) -> None:  # type: ignore[no-untyped-def]
    services = Services(any_db, staff("tester"))
    with pytest.raises(ValidationError) as caught:
        services.patients.enrol(
            PatientDetails(
                given_name="Ada",
                family_name="Lovelace",
                date_of_birth=dt.date(1980, 5, 17),
                sex="female",
                pathway="conservative",
                notes="line one\nline\x00two",
            ),
            None,
            today=TODAY,
        )
    assert set(caught.value.errors) == {"notes"}
    assert services.patients.list_patients(today=TODAY) == []


def test_a_patient_without_surgery_gets_no_record_dated_before_birth(any_db) -> None:  # type: ignore[no-untyped-def]
    """Nothing bounded a conservative patient's dates from below: a session or an outcome of
    1 January 1900 was saved."""
    from rehab_tracker.domain.sessions import SessionEntry

    services = Services(any_db, staff("tester"))
    patient = services.patients.enrol(
        PatientDetails(
            given_name="Cyd",
            family_name="Charisse",
            sex="female",
            date_of_birth=dt.date(1980, 5, 17),
            pathway="conservative",
        ),
        None,
        today=TODAY,
    )
    counts = fuzz.row_counts(any_db)
    day = dt.date(1900, 1, 1)
    with pytest.raises(ValidationError) as caught:
        services.sessions.save(
            patient, None, SessionEntry(session_date=day, red_flags=fuzz.ALL_NO), today=TODAY
        )
    assert set(caught.value.errors) == {"session_date"}
    with pytest.raises(ValidationError) as caught:
        services.outcomes.record_nprs(patient, back=3, leg=2, assessed_on=day, today=TODAY)
    assert set(caught.value.errors) == {"assessed_on"}
    assert "date of birth" in caught.value.errors["assessed_on"]
    assert fuzz.row_counts(any_db) == counts
