"""Whatever is typed, a service either saves it or refuses it the app's way, and a refusal
writes nothing (issue 10 item 4).

Every entry point that takes user input (tests/services/fuzz_entry_points.py) is driven with
fuzzed texts, numbers and dates on a SQLite file and on PostgreSQL. Before the domain checked
what the columns hold, a 300-character name or a NUL character reached the database: stored on
SQLite, a raw ``DataError`` or ``ValueError`` on PostgreSQL.
"""

from __future__ import annotations

import contextlib
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

from rehab_tracker.data.database import Database, open_database
from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.patients import PatientDetails
from rehab_tracker.services.container import Services
from tests.conftest import _pg_url
from tests.staff import staff

TODAY = fuzz.TODAY
#: fuzzed calls per entry point and backend (REHAB_TRACKER_FUZZ_EXAMPLES=200 for a long hunt)
EXAMPLES = int(os.environ.get("REHAB_TRACKER_FUZZ_EXAMPLES", "15"))


@contextlib.contextmanager
def fuzz_database(
    backend: str, folder: Path, migrated_template: Path, prefix: str
) -> Iterator[tuple[Database, str]]:
    """A database of its own and the target naming it (a copy of the migrated template, or a
    fresh PostgreSQL schema ``prefix``... dropped afterwards); skipped without a server."""
    if backend == "sqlite":
        path = folder / "clinic.db"
        shutil.copyfile(migrated_template, path)
        target, drop = str(path), None
    else:
        url = _pg_url()
        if url is None:
            pytest.skip("REHAB_TRACKER_TEST_PG_URL is not set: no PostgreSQL server")
        from sqlalchemy import create_engine, text

        schema = f"{prefix}{uuid.uuid4().hex[:10]}"
        admin = create_engine(url)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        sep = "&" if "?" in url else "?"
        target = f"{url}{sep}options=-csearch_path%3D{schema}"

        def drop() -> None:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()

    db = open_database(target)
    try:
        yield db, target
    finally:
        db.close()
        if drop is not None:
            drop()


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def world(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    migrated_template: Path,
) -> Iterator[fuzz.World]:
    """One clinic per backend for the whole module (building one takes a second)."""
    folder = tmp_path_factory.mktemp("fuzz")
    with (
        fuzz_database(request.param, folder, migrated_template, "t_fuzz_") as (db, _target),
        pytest.MonkeyPatch.context() as patch,  # the library's media folder, per module
    ):
        patch.setenv("REHAB_TRACKER_HOME", str(tmp_path_factory.mktemp("fuzz-home")))
        yield fuzz.build_world(db)


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


def _status_program(db):  # type: ignore[no-untyped-def]
    from test_sessions_support import build_patient

    return build_patient(db, TODAY, weeks_ago=3)


def test_a_status_change_refuses_a_control_character_or_an_endless_reason(any_db) -> None:  # type: ignore[no-untyped-def]
    """A pause's reason, a stop's reason and a completion's note and skip reason were stored as
    typed: a NUL on SQLite, a raw ValueError inside the write on PostgreSQL."""
    b = _status_program(any_db)
    programs = b.services.programs
    version = programs.program(b.program_id).version
    counts = fuzz.row_counts(any_db)
    for bad in ("Chest\x00infection", "Chest \u202einfection", "x" * 10_001):
        with pytest.raises(ValidationError) as caught:
            programs.pause(
                b.program_id, paused_on=TODAY, reason=bad, expected_version=version, today=TODAY
            )
        assert set(caught.value.errors) == {"reason"}
        with pytest.raises(ValidationError) as caught:
            programs.stop(
                b.program_id, ended_on=TODAY, reason=bad, expected_version=version, today=TODAY
            )
        assert set(caught.value.errors) == {"reason"}
        with pytest.raises(ValidationError) as caught:
            programs.complete(
                b.program_id,
                ended_on=TODAY,
                note=bad,
                skip_reason=bad,
                expected_version=version,
                today=TODAY,
            )
        assert set(caught.value.errors) == {"note", "end_assessment"}
    assert fuzz.row_counts(any_db) == counts
    assert programs.program(b.program_id).status == "active"


def test_a_resume_or_an_end_in_year_9999_is_refused_not_an_overflow(any_db) -> None:  # type: ignore[no-untyped-def]
    """A resume on 31 December 9999 moved the schedule past the last date Python has
    (OverflowError), and one in year 9000 was saved; the end-of-program assessment's window
    around 9999-12-31 overflowed too (end_assessment_recorded, complete)."""
    b = _status_program(any_db)
    programs = b.services.programs
    far = dt.date(9999, 12, 31)
    assert programs.end_assessment_recorded(b.program_id, far) is False
    version = programs.program(b.program_id).version
    with pytest.raises(ValidationError) as caught:
        programs.complete(
            b.program_id, ended_on=far, skip_reason="moved", expected_version=version, today=TODAY
        )
    assert set(caught.value.errors) == {"ended_on"}
    version = programs.pause(
        b.program_id, paused_on=TODAY, reason="Surgery", expected_version=version, today=TODAY
    )
    counts = fuzz.row_counts(any_db)
    for day in (far, dt.date(9000, 1, 1), TODAY.replace(year=TODAY.year + 6)):
        with pytest.raises(ValidationError) as caught:
            programs.resume_preview(b.program_id, day)
        assert set(caught.value.errors) == {"resume_on"}
        with pytest.raises(ValidationError) as caught:
            programs.resume(b.program_id, resume_on=day, expected_version=version)
        assert set(caught.value.errors) == {"resume_on"}
    assert fuzz.row_counts(any_db) == counts
    programs.resume(
        b.program_id, resume_on=TODAY.replace(year=TODAY.year + 1), expected_version=version
    )


def test_the_week_and_the_day_of_the_last_date_are_read_not_an_overflow(any_db) -> None:  # type: ignore[no-untyped-def]
    """The calendar's week of 31 December 9999 ran past the last date (OverflowError)."""
    services = Services(any_db, staff("tester"))
    far = dt.date(9999, 12, 31)
    assert services.schedule.week(far) == []
    assert services.schedule.today(today=far).booked == []


def test_a_draft_key_no_draft_can_have_finds_none(any_db) -> None:  # type: ignore[no-untyped-def]
    """Loading, listing or discarding the draft of a key with a lone surrogate or a NUL (a
    key save refuses) raised the driver's UnicodeEncodeError or ValueError."""
    drafts = Services(any_db, staff("tester")).drafts
    drafts.save("patient:new", {"given_name": "Ada"})
    counts = fuzz.row_counts(any_db)
    for key in ("\ud800", "patient:\x00", "p" * 201):
        assert drafts.load(key) is None
        assert drafts.list_drafts(key) == []
        drafts.discard(key)
    assert fuzz.row_counts(any_db) == counts
    assert [d.key for d in drafts.list_drafts()] == ["patient:new"]
