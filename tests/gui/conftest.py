"""GUI fixtures: a main window over a database with a few patients, dialogs answered by tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from rehab_tracker.data.database import Database, open_database
from rehab_tracker.domain.patients import PatientDetails, SurgeryDetails
from rehab_tracker.services.container import Services
from tests.data.helpers import tmpfs
from tests.staff import staff

PEOPLE = (
    ("Ada", "Lovelace", "RT-9001", dt.date(1980, 5, 1), "female", dt.date(2026, 10, 1), "L5-S1"),
    ("Brian", "Kernighan", "RT-9002", dt.date(1972, 1, 30), "male", dt.date(2026, 9, 15), "L4-L5"),
    ("Carol", "Shaw", "RT-9003", dt.date(1990, 7, 12), "female", dt.date(2026, 11, 2), "L4-L5"),
)


def enrol_people(services: Services, today: dt.date) -> list:
    ids = []
    for given, family, number, dob, sex, surgery, level in PEOPLE:
        ids.append(
            services.patients.enrol(
                PatientDetails(given, family, dob, sex, record_number=number, height_cm=170),
                SurgeryDetails(surgery, (level,), "left", surgeon="Dr Spine"),
                today=today,
            )
        )
    ids.append(
        services.patients.enrol(
            PatientDetails("Dennis", "Ritchie", dt.date(1961, 9, 9), "male",
                           record_number="RT-9004", pathway="conservative"),
            None,
            today=today,
        )
    )
    return ids


@pytest.fixture
def services(db: Database) -> Services:
    return Services(db, staff("tester"))


@pytest.fixture
def patient_ids(services: Services, today: dt.date) -> list:
    return enrol_people(services, today)


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list]]:
    """Record every message the app shows; ``confirm`` answers from answers["confirm_reply"],
    ``ask_reload`` from answers["reload_reply"] (default: keep what was typed)."""
    from rehab_tracker.ui.widgets import dialogs

    seen: dict[str, list] = {"confirm": [], "inform": [], "error": [], "confirm_reply": [True],
                             "reload": [], "reload_reply": [False]}

    def ask_reload(parent, title, text):  # type: ignore[no-untyped-def]
        seen["reload"].append((title, text))
        return seen["reload_reply"][-1]

    def confirm(parent, title, text):  # type: ignore[no-untyped-def]
        seen["confirm"].append((title, text))
        return seen["confirm_reply"][-1]

    monkeypatch.setattr(dialogs, "confirm", confirm)
    monkeypatch.setattr(dialogs, "inform", lambda p, t, x: seen["inform"].append((t, x)))
    monkeypatch.setattr(dialogs, "error", lambda p, t, x: seen["error"].append((t, x)))
    monkeypatch.setattr(dialogs, "ask_reload", ask_reload)
    yield seen


def open_window(qtbot, db: Database, today: dt.date):  # type: ignore[no-untyped-def]
    """The main window over ``db``, shown and exposed."""
    from rehab_tracker.app import create_main_window

    win = create_main_window(db, today=today, principal=staff("tester"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, db: Database, patient_ids, today: dt.date, answers):  # type: ignore[no-untyped-def]
    return open_window(qtbot, db, today)


@pytest.fixture
def empty_window(qtbot, db: Database, today: dt.date, answers):  # type: ignore[no-untyped-def]
    """The main window over a database without patients (the first start)."""
    return open_window(qtbot, db, today)


def db_file(db: Database) -> Path:
    assert db.path is not None
    return db.path


@pytest.fixture
def small_disk(tmp_path: Path, migrated_template: Path):  # type: ignore[no-untyped-def]
    """A migrated database on a 4 MB tmpfs of its own (skipped where mounting is refused)."""
    with tmpfs(tmp_path / "small", 4 * 1024 * 1024) as mount:
        target = mount / "clinic.db"
        target.write_bytes(migrated_template.read_bytes())
        db = open_database(target)
        yield db
        db.close()
