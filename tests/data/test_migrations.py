"""The models and the Alembic migrations agree, and the migrations run both ways, on both backends.

Also: opening an existing database whose schema is behind backs it up first and keeps its data;
a database from a newer Rehab Tracker is refused without touching the file.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, select, text

from rehab_tracker.data import audit, locations, migrate
from rehab_tracker.data.backup import list_backups, passes_integrity_check
from rehab_tracker.data.database import Database, DatabaseNotOurs, DatabaseTooNew, open_database
from rehab_tracker.data.models import Base, Patient
from tests.data.helpers import file_digest, make_patient


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database that does not exist yet: a new SQLite file, or an empty PostgreSQL schema."""
    if request.param == "sqlite":
        return str(tmp_path / "fresh.db")
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def fresh_db(fresh_url: str) -> Iterator[Database]:
    database = open_database(fresh_url)
    yield database
    database.close()


def _drift(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn,
            opts={
                "compare_type": True,
                "compare_server_default": True,
                "user_module_prefix": "rehab_tracker.data.types.",
            },
        )
        return list(compare_metadata(context, Base.metadata))


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _audit_triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return set(
                conn.scalars(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            )
        triggers = set(
            conn.scalars(
                text(
                    "SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE n.nspname = current_schema() AND NOT t.tgisinternal"
                )
            )
        )
        functions = set(
            conn.scalars(
                text(
                    "SELECT p.proname FROM pg_proc p JOIN pg_namespace n "
                    "ON n.oid = p.pronamespace WHERE n.nspname = current_schema()"
                )
            )
        )
        return triggers | {f"function:{name}" for name in functions}


def _expected_triggers(engine: Engine) -> set[str]:
    if engine.dialect.name == "sqlite":
        return {"audit_log_no_update", "audit_log_no_delete"}
    return {"audit_log_no_change", "audit_log_no_truncate", "function:audit_log_append_only"}


def test_upgraded_schema_matches_the_models(fresh_db: Database) -> None:
    assert _drift(fresh_db.engine) == []
    # the comparison is not vacuous: the schema has the models' tables
    assert set(Base.metadata.tables) <= _tables(fresh_db.engine)


def test_drift_detection_is_not_blind(fresh_db: Database) -> None:
    """A column added behind the migrations' back shows up in the comparison."""
    with fresh_db.engine.begin() as conn:
        conn.execute(text("ALTER TABLE patients ADD COLUMN nickname VARCHAR(20)"))
    diff = _drift(fresh_db.engine)
    assert any("nickname" in repr(item) for item in diff), diff


def test_audit_triggers_exist_after_upgrade(fresh_db: Database) -> None:
    assert _audit_triggers(fresh_db.engine) >= _expected_triggers(fresh_db.engine)


def test_downgrade_to_base_removes_everything_and_upgrade_works_again(fresh_db: Database) -> None:
    engine = fresh_db.engine
    with fresh_db.unit_of_work("tester") as session:
        session.add(make_patient())
    migrate.downgrade(engine, "base")
    assert _tables(engine) == {"alembic_version"}
    assert _audit_triggers(engine) == set()
    with engine.connect() as conn:
        assert migrate.state(conn).current is None

    migrate.upgrade(engine)
    assert set(Base.metadata.tables) | {"alembic_version"} == _tables(engine)
    assert _drift(engine) == []
    assert _audit_triggers(engine) >= _expected_triggers(engine)
    with engine.connect() as conn:
        assert migrate.state(conn).current == migrate.head_revision()


def test_head_is_the_only_revision_and_state_reports_it(fresh_db: Database) -> None:
    with fresh_db.engine.connect() as conn:
        state = migrate.state(conn)
    assert state.current == state.head == migrate.head_revision()
    assert not state.too_new
    assert not state.needs_upgrade


# --- upgrading a real older database ------------------------------------------------------

def _noop_revision(revision: str, down: str) -> str:
    return f'''"""a later release (test only): no schema change

Revision ID: {revision}
Revises: {down}
"""

revision = "{revision}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
'''


@pytest.fixture
def newer_migrations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """A copy of the shipped migrations with a no-op revision on top, made the app's own.

    Returns (the shipped head, the new head).
    """
    shipped = migrate.head_revision()
    later = f"{int(shipped) + 1:04d}"
    folder = tmp_path / "migrations-later"
    shutil.copytree(
        locations.migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__")
    )
    (folder / "versions" / f"{later}_later_release.py").write_text(
        _noop_revision(later, shipped), encoding="utf-8"
    )
    monkeypatch.setattr(locations, "migrations_dir", lambda: folder)
    return shipped, later


def _revision(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    finally:
        conn.close()


def _patient_numbers(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return sorted(row[0] for row in conn.execute("SELECT record_number FROM patients"))
    finally:
        conn.close()


def test_database_behind_is_backed_up_then_upgraded_with_its_data(
    db_path: Path, newer_migrations: tuple[str, str]
) -> None:
    shipped, later = newer_migrations
    # a clinic database written by the release whose newest revision was the shipped head
    assert _revision(db_path) == [shipped]
    assert migrate.head_revision() == later
    database = open_database(db_path, upgrade=False)
    with database.unit_of_work("dr.kim") as session:
        session.add(make_patient("RT-00001"))
        session.add(make_patient("RT-00002", given_name="Grace"))
    database.close()
    assert _revision(db_path) == [shipped]
    backups = locations.backup_dir_for(db_path)
    assert list_backups(backups, db_path.stem) == []

    upgraded = open_database(db_path)
    try:
        assert _revision(db_path) == [later]
        with upgraded.reading() as session:
            names = sorted(session.scalars(select(Patient.record_number)))
            assert names == ["RT-00001", "RT-00002"]
            assert audit.verify_chain(session) == []
    finally:
        upgraded.close()

    made = list_backups(backups, db_path.stem)
    assert len(made) == 1
    backup = made[0][1]
    assert f"before-upgrade-{shipped}" in backup.name
    assert passes_integrity_check(backup)
    assert _revision(backup) == [shipped]  # taken before the migration ran
    assert _patient_numbers(backup) == ["RT-00001", "RT-00002"]


def test_database_at_head_is_opened_without_a_backup(db_path: Path) -> None:
    open_database(db_path).close()
    assert list_backups(locations.backup_dir_for(db_path), db_path.stem) == []


def test_database_at_base_is_refused_untouched(tmp_path: Path) -> None:
    """An emptied schema (alembic_version present, no row) names no revision: the app cannot
    know what the file holds, so it refuses it rather than build a schema over it (issue 10
    item 6; it used to be upgraded in place)."""
    path = tmp_path / "base.db"
    database = open_database(path)
    migrate.downgrade(database.engine, "base")
    database.close()
    assert _revision(path) == []
    before = file_digest(path)

    with pytest.raises(DatabaseNotOurs, match="alembic_version table is empty"):
        open_database(path)
    assert file_digest(path) == before
    assert list_backups(locations.backup_dir_for(path), path.stem) == []


def test_upgrade_false_leaves_a_database_behind_as_it_is(
    db_path: Path, newer_migrations: tuple[str, str]
) -> None:
    open_database(db_path, upgrade=False).close()
    assert _revision(db_path) == [newer_migrations[0]]
    assert list_backups(locations.backup_dir_for(db_path), db_path.stem) == []


def _stamp(path: Path, revision: str) -> None:
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def test_database_from_a_newer_release_is_refused_and_untouched(db_path: Path) -> None:
    database = open_database(db_path)
    with database.unit_of_work() as session:
        session.add(make_patient())
    database.close()
    _stamp(db_path, "9999")
    before = file_digest(db_path)
    siblings = sorted(p.name for p in db_path.parent.iterdir())

    with pytest.raises(DatabaseTooNew) as caught:
        open_database(db_path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(db_path) in message and "9999" in message

    assert file_digest(db_path) == before
    assert _revision(db_path) == ["9999"]
    assert list_backups(locations.backup_dir_for(db_path), db_path.stem) == []
    # no WAL or backup folder left behind either
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings


@pytest.mark.postgres
def test_postgres_database_from_a_newer_release_is_refused(pg_url: str) -> None:
    open_database(pg_url).close()
    from sqlalchemy import create_engine

    engine = create_engine(pg_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    try:
        with pytest.raises(DatabaseTooNew, match="9999"):
            open_database(pg_url)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT version_num FROM alembic_version")) == "9999"
    finally:
        engine.dispose()


def test_revision_files_follow_the_naming_convention_the_fast_open_relies_on() -> None:
    """open_database skips loading Alembic when the database carries the newest file's id."""
    import importlib.util

    from rehab_tracker.data import locations, migrate
    from rehab_tracker.data.database import newest_revision_file

    files = sorted((locations.migrations_dir() / "versions").glob("*.py"))
    previous = None
    for path in files:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert path.name.split("_", 1)[0] == module.revision, path.name
        assert module.down_revision == previous, f"{path.name} must follow {previous}"
        previous = module.revision
    assert newest_revision_file() == migrate.head_revision() == previous


def test_opening_an_up_to_date_database_does_not_load_alembic(db_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from rehab_tracker.data.database import open_database\n"
        f"open_database({str(db_path)!r}).close()\n"
        "print('alembic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


# --- a real clinic file written by release 0001 -------------------------------------------

FIXTURES = Path(__file__).parent / "fixtures"


def _schema_sql(path: Path, table: str) -> str:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return str(row[0])
    finally:
        conn.close()


def test_a_real_0001_clinic_file_upgrades_with_every_record_and_constraint(
    tmp_path: Path,
) -> None:
    """clinic-0001.db.gz was written by the 0001 release (two demo patients, 49 sessions)."""
    import gzip

    path = tmp_path / "clinic.db"
    path.write_bytes(gzip.decompress((FIXTURES / "clinic-0001.db.gz").read_bytes()))
    assert _revision(path) == ["0001"]
    counts_before = _table_counts(path)

    database = open_database(path)
    try:
        assert _revision(path) == [migrate.head_revision()]
        assert _drift(database.engine) == []
        with database.reading() as session:
            assert audit.verify_chain(session) == []
        # the whole check: the unkeyed history sealed by 0009, every record as the trail says
        from rehab_tracker.data import maintenance

        report = maintenance.check(database)
        assert report.ok, report.lines()
    finally:
        database.close()
    counts_after = _table_counts(path)
    # 0004 adds the neurological screens' table and 0008 the assessment skips', empty; 0009
    # seals the unkeyed trail with one keyed entry; 0013 adds the home packs' and signing keys'
    # tables, empty; every other table keeps its rows
    assert counts_after.pop("neuro_screens") == 0
    assert counts_after.pop("assessment_skips") == 0
    assert counts_after.pop("home_packs") == 0
    assert counts_after.pop("signing_keys") == 0
    assert counts_after.pop("audit_log") == counts_before.pop("audit_log") + 1
    assert counts_after == counts_before
    # the rebuilt outcome tables accept the new measures and keep their other constraints
    assert "'psfs', 'grc'" in _schema_sql(path, "outcome_assessments")
    walk_sql = _schema_sql(path, "walk_tests")
    assert "'sts_5x', 'sorensen'" in walk_sql and "ck_walk_tests_value" in walk_sql
    # the batch rebuild of session_logs kept every CHECK constraint and foreign key
    sql = _schema_sql(path, "session_logs")
    for name in ("ck_session_logs_status", "ck_session_logs_pain_leg_after",
                 "ck_session_logs_red_flag_result", "fk_session_logs_patient_id_patients"):
        assert name in sql, name
    assert "UNIQUE (scheduled_session_id)" not in sql
    backups = list_backups(locations.backup_dir_for(path), path.stem)
    assert len(backups) == 1 and _revision(backups[0][1]) == ["0001"]


def _table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name != 'alembic_version'"
            )
        ]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}
    finally:
        conn.close()


def test_a_deleted_session_log_no_longer_holds_its_slot(db: Database) -> None:
    """Only undeleted logs must be unique per slot, so a deleted one can still be undone."""
    from sqlalchemy.exc import IntegrityError

    from rehab_tracker.data.models import Program, ScheduledSession, SessionLog
    from rehab_tracker.data.types import utcnow

    with db.unit_of_work("t") as s:
        patient = make_patient("RT-00001")
        s.add(patient)
        s.flush()
        program = Program(patient_id=patient.id, name="p", start_date=patient.date_of_birth)
        s.add(program)
        s.flush()
        slot = ScheduledSession(program_id=program.id, number=1, week=1,
                                scheduled_date=patient.date_of_birth)
        s.add(slot)
        s.flush()
        first = SessionLog(patient_id=patient.id, scheduled_session_id=slot.id,
                           session_date=slot.scheduled_date, deleted_at=utcnow())
        s.add(first)
        s.add(SessionLog(patient_id=patient.id, scheduled_session_id=slot.id,
                         session_date=slot.scheduled_date))
    with pytest.raises(IntegrityError), db.unit_of_work("t") as s:
        s.add(SessionLog(patient_id=patient.id, scheduled_session_id=slot.id,
                         session_date=slot.scheduled_date))
