"""Home logs (issue 14 items 5 and 6): made at home, signed by the home device and encrypted to
the clinic; imported once, as home-sourced records, or refused writing nothing."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from rehab_tracker.data import audit
from rehab_tracker.data.database import Database
from rehab_tracker.data.models import (
    ExerciseLog,
    OutcomeAssessment,
    Program,
    SessionLog,
    SetLog,
)
from rehab_tracker.services import home_format as fmt
from rehab_tracker.services import home_log
from rehab_tracker.services.demo import seed_demo
from rehab_tracker.services.home_import import HomeImportService
from rehab_tracker.services.home_log import HomeLogExport, HomeLogImport
from rehab_tracker.services.home_pack import HomePackService
from tests.conftest import TODAY
from tests.services.home_pack_support import (
    OTHER,
    PATIENT,
    encrypted_home,
    home_database,
    move_to,
    patient_id,
    snapshot,
)
from tests.staff import staff

WORDS = "correct horse battery staple words"


def _home_entries(home: Database, pid: uuid.UUID) -> dict[str, uuid.UUID]:
    """A session done at home (one exercise, two sets, pain), a red-flag stop, an ODI."""
    with home.reading() as session:
        program = session.scalars(select(Program).where(Program.patient_id == pid)).one()
        rx = program.prescriptions[0]
        slot = program.scheduled_sessions[-1]
        program_id, rx_id, exercise_id, slot_id = program.id, rx.id, rx.exercise_id, slot.id
    with home.unit_of_work("home") as session:
        done = SessionLog(
            patient_id=pid, program_id=program_id, scheduled_session_id=slot_id,
            session_date=TODAY, location="home", pain_back_before=3, pain_back_after=2,
            pain_leg_before=1, pain_leg_after=1, effort=5, red_flag_result="clear",
            red_flags={"saddle_numbness": False},
        )
        done.exercises.append(ExerciseLog(exercise_id=exercise_id, prescription_id=rx_id,
                                          status="changed", position=0))
        done.exercises[0].sets.extend(
            [SetLog(set_number=1, reps=10, load_kg=2.5), SetLog(set_number=2, hold_seconds=7.5)]
        )
        stop = SessionLog(
            patient_id=pid, program_id=program_id, session_date=TODAY, location="home",
            status="aborted", red_flag_result="positive", red_flags={"saddle_numbness": True},
        )
        odi = OutcomeAssessment(
            patient_id=pid, program_id=program_id, instrument="odi", assessed_on=TODAY,
            answers={"sections": [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}, score=20.0,
            scoring_rule="odi-2.1a;max_missing=1", source="home",
        )
        session.add_all([done, stop, odi])
        session.flush()
        return {"done": done.id, "stop": stop.id, "odi": odi.id,
                "set": done.exercises[0].sets[0].id}


def _setup(
    clinic: Database, tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[uuid.UUID, Path, dict[str, uuid.UUID], Database]:
    """clinic -> pack -> home database with entries; the home database is left open."""
    seed_demo(clinic, today=TODAY)
    pid = patient_id(clinic, PATIENT)
    made = HomePackService(clinic, staff("dr.kim")).make(
        pid, tmp_path / "pack.rthp", today=TODAY, passphrase=WORDS
    )
    move_to(monkeypatch, tmp_path / "laptop", isolated_home)
    home = encrypted_home(tmp_path / "home.db")
    HomeImportService(home).import_file(made.path, WORDS)
    ids = _home_entries(home, pid)
    return pid, made.path, ids, home


def _clinic(monkeypatch: pytest.MonkeyPatch, isolated_home: Path) -> None:
    monkeypatch.setenv("REHAB_TRACKER_HOME", str(isolated_home))


def test_round_trip_clinic_pack_home_log_clinic(
    any_db: Database, tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pid, _, ids, home = _setup(any_db, tmp_path, isolated_home, monkeypatch)
    try:
        made = HomeLogExport(home).export(tmp_path / "log.rthl")
        assert made.counts == {"session_logs": 2, "exercise_logs": 1, "set_logs": 2,
                               "outcome_assessments": 1}
        with home.reading() as session:
            at_home = {r.id: r for r in session.scalars(select(SetLog))}
    finally:
        home.close()
    assert b"saddle" not in made.path.read_bytes()  # encrypted

    _clinic(monkeypatch, isolated_home)
    importer = HomeLogImport(any_db, staff("dr.kim"))
    done = importer.import_bytes(made.path.read_bytes())
    assert done.added == made.counts and done.pinned_now and done.red_flags == 1
    assert not done.conflicts
    with any_db.reading() as session:
        log = session.get(SessionLog, ids["done"])
        assert log is not None and (log.source, log.location) == ("home", "home")
        assert (log.pain_back_before, log.pain_back_after, log.effort) == (3, 2, 5)
        s1 = session.get(SetLog, ids["set"])
        assert s1 is not None and (s1.reps, s1.load_kg) == (10, 2.5)  # kg, SI
        for key, row in at_home.items():  # every field arrives once, as at home
            got = session.get(SetLog, key)
            assert got is not None
            assert (got.hold_seconds, got.load_kg, got.reps) == (
                row.hold_seconds, row.load_kg, row.reps
            )
        stop = session.get(SessionLog, ids["stop"])
        assert stop is not None and stop.red_flag_result == "positive"
        assert stop.red_flag_acknowledged_at is None  # open: the red-flag banner is up
        odi = session.get(OutcomeAssessment, ids["odi"])
        assert odi is not None and (odi.source, odi.score) == ("home", 20.0)
        assert audit.verify_chain(session) == []

    # the same file twice adds nothing
    before = snapshot(any_db)
    again = importer.import_bytes(made.path.read_bytes())
    assert sum(again.added.values()) == 0 and again.skipped == made.counts
    after = snapshot(any_db)
    assert after["counts"]["session_logs"] == before["counts"]["session_logs"]

    # a clinic edit is never overwritten by a later log
    with any_db.unit_of_work("dr.kim") as session:
        edited = session.get(SessionLog, ids["done"])
        assert edited is not None
        edited.pain_back_after = 4
    move_to(monkeypatch, tmp_path / "laptop", isolated_home)
    home = encrypted_home(tmp_path / "home.db")
    try:
        second = HomeLogExport(home).export(tmp_path / "log2.rthl", full=True)
    finally:
        home.close()
    _clinic(monkeypatch, isolated_home)
    third = importer.import_bytes(second.path.read_bytes())
    assert third.sequence == 2 and sum(third.added.values()) == 0
    assert f"session_logs {ids['done']}" in third.conflicts
    with any_db.reading() as session:
        kept = session.get(SessionLog, ids["done"])
        assert kept is not None and kept.pain_back_after == 4

    # the clinic's next pack confirms log 2: the next log carries only what changed since
    pid = _pid
    pack2 = HomePackService(any_db, staff("dr.kim")).make(
        pid, tmp_path / "pack2.rthp", today=TODAY, passphrase=WORDS
    )
    move_to(monkeypatch, tmp_path / "laptop", isolated_home)
    home = encrypted_home(tmp_path / "home.db")
    try:
        HomeImportService(home).import_file(pack2.path, WORDS)
        with home.unit_of_work("home") as session:
            session.add(SessionLog(patient_id=pid, session_date=TODAY, location="home",
                                   red_flag_result="clear"))
        since = HomeLogExport(home).export(tmp_path / "log3.rthl")
        everything = HomeLogExport(home).export(tmp_path / "log4.rthl", full=True)
    finally:
        home.close()
    assert since.counts["session_logs"] == 1 and since.counts["outcome_assessments"] == 0
    assert everything.counts["session_logs"] == 3
    _clinic(monkeypatch, isolated_home)
    fourth = importer.import_bytes(since.path.read_bytes())
    assert fourth.added["session_logs"] == 1

    # the first log is now older than one imported: a replay
    before = snapshot(any_db)
    with pytest.raises(fmt.Refused) as refused:
        importer.import_bytes(made.path.read_bytes())
    assert refused.value.reason == fmt.REPLAY and "\n" not in str(refused.value)
    assert snapshot(any_db) == before


@pytest.fixture
def exchanged(
    demo_db: Database, tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Database, bytes, uuid.UUID]:
    """A clinic database and a home log for it (not yet imported)."""
    clinic = demo_db
    pid = patient_id(clinic, PATIENT)
    made = HomePackService(clinic, staff("dr.kim")).make(
        pid, tmp_path / "pack.rthp", today=TODAY, passphrase=WORDS
    )
    move_to(monkeypatch, tmp_path / "laptop", isolated_home)
    home = encrypted_home(tmp_path / "home.db")
    try:
        HomeImportService(home).import_file(made.path, WORDS)
        _home_entries(home, pid)
        log = HomeLogExport(home).export(tmp_path / "log.rthl")
    finally:
        home.close()
    _clinic(monkeypatch, isolated_home)
    return clinic, log.path.read_bytes(), pid


def _refused(clinic: Database, data: bytes, reason: str | None = None, **kw: Any) -> str:
    before = snapshot(clinic)
    with pytest.raises(fmt.Refused) as refused:
        HomeLogImport(clinic, staff("dr.kim")).import_bytes(data, **kw)
    assert "\n" not in str(refused.value)
    if reason is not None:
        assert refused.value.reason == reason, str(refused.value)
    assert snapshot(clinic) == before
    return refused.value.reason


def test_refusals_write_nothing(exchanged: tuple[Database, bytes, uuid.UUID]) -> None:
    clinic, data, _pid = exchanged
    head = data.index(b"\n") + 1
    _refused(clinic, data[:-10], fmt.TRUNCATED)
    _refused(clinic, data[:head + 20], fmt.TRUNCATED)
    flipped = bytearray(data)
    flipped[-50] ^= 1
    _refused(clinic, bytes(flipped), fmt.TAMPERED)
    _refused(clinic, data.replace(b"home-log/1", b"home-log/9", 1), fmt.UNKNOWN_VERSION)
    _refused(clinic, b"not a log", fmt.NOT_A_PACK)
    _refused(clinic, data, fmt.OTHER_PATIENT, patient_id=patient_id(clinic, OTHER))


def test_another_clinic_and_another_device_are_refused(
    exchanged: tuple[Database, bytes, uuid.UUID], migrated_template: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, isolated_home: Path,
) -> None:
    clinic, data, pid = exchanged
    db = home_database(tmp_path / "other-clinic.db", migrated_template)
    try:
        seed_demo(db, today=TODAY)  # another clinic, with its own key
        HomePackService(db, staff("dr.kim")).make(
            patient_id(db, PATIENT), tmp_path / "p2.rthp", today=TODAY, passphrase=WORDS
        )
        _refused(db, data, home_log.OTHER_CLINIC)
    finally:
        db.close()

    HomeLogImport(clinic, staff("dr.kim")).import_bytes(data)  # pins the device
    # a log from another home installation (its own key) for the same patient
    made = HomePackService(clinic, staff("dr.kim")).make(
        pid, tmp_path / "p3.rthp", today=TODAY, passphrase=WORDS
    )
    move_to(monkeypatch, tmp_path / "laptop2", isolated_home)
    home = encrypted_home(tmp_path / "home2.db")
    try:
        HomeImportService(home).import_file(made.path, WORDS)
        other = HomeLogExport(home).export(tmp_path / "other.rthl")
    finally:
        home.close()
    _clinic(monkeypatch, isolated_home)
    _refused(clinic, other.path.read_bytes(), fmt.OTHER_KEY)


def _swap(data: bytes, other: bytes) -> bytes:
    """The header and seal of ``data`` on the ciphertext of ``other``."""
    lines = data.split(b"\n", 3)
    return b"\n".join(lines[:3]) + b"\n" + other.split(b"\n", 3)[3]


def _resigned(data: bytes) -> bytes:
    """The log's header and ciphertext signed again by an attacker's own key."""
    import json

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from rehab_tracker.data import signing_keys

    first, header_line, _, ciphertext = data.split(b"\n", 3)
    key = Ed25519PrivateKey.generate()
    header = json.loads(header_line)
    public = signing_keys.public_bytes(key)
    header["device_public_key"] = public.hex()
    header["device_key_id"] = signing_keys.key_id(public)
    head = first + b"\n" + fmt.canonical(header) + b"\n"
    import base64

    return head + base64.b64encode(key.sign(head + ciphertext)) + b"\n" + ciphertext


EXAMPLES = 150


@pytest.mark.figures
def test_campaign_over_home_logs(exchanged: tuple[Database, bytes, uuid.UUID]) -> None:
    """Bit flips, truncations, swapped parts, replays, another patient: 0 accepted, 0 rows."""
    clinic, data, _pid = exchanged
    other_patient = patient_id(clinic, OTHER)
    accepted: list[str] = []
    seen: list[str] = []
    start = time.monotonic()
    before = snapshot(clinic)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(
        kind=st.sampled_from(
            ["flip", "truncate", "swap", "other_patient", "insert", "resign"]
        ),
        at=st.integers(min_value=0, max_value=len(data) - 1),
        bit=st.integers(min_value=0, max_value=7),
    )
    def attack(kind: str, at: int, bit: int) -> None:
        kw: dict[str, Any] = {}
        if kind == "flip":
            changed = bytearray(data)
            changed[at] ^= 1 << bit
            bad = bytes(changed)
        elif kind == "truncate":
            bad = data[:at]
        elif kind == "insert":
            bad = data[:at] + bytes([bit]) + data[at:]
        elif kind == "resign":
            bad = _resigned(data)
        elif kind == "swap":
            bad = _swap(data, data[:-1] + bytes([data[-1] ^ (1 << bit)]))
        else:
            bad, kw = data, {"patient_id": other_patient}
        try:
            HomeLogImport(clinic, staff("dr.kim")).import_bytes(bad, **kw)
        except fmt.Refused as refused:
            seen.append(refused.reason)
        else:
            accepted.append(kind)

    attack()
    assert snapshot(clinic) == before
    elapsed = time.monotonic() - start
    print(f"home log campaign: {len(seen) + len(accepted)} examples, {len(accepted)} accepted, "
          f"reasons {sorted(set(seen))}, {elapsed:.1f} s")
    assert accepted == []
    assert elapsed < 30
