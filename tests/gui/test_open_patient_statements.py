"""Selecting a patient in the window reads in a bounded number of SQL statements (issue 12
item 4): the window's twin of ``tests/services/test_open_patient_statements.py``, so the list
of service calls there stays the one the panes make."""

from __future__ import annotations

import datetime as dt

from rehab_tracker.data.database import Database
from tests.gui.conftest import open_window
from tests.services.test_open_patient_statements import BOUND, small_and_large
from tests.services.test_sessions_support import counted


def test_selecting_a_patient_is_bounded(qtbot, db: Database, today: dt.date, answers) -> None:  # type: ignore[no-untyped-def]
    small, large = small_and_large(db, today)
    win = open_window(qtbot, db, today)
    counts = []
    for built in (small, large, small, large):  # each a change of patient
        with counted(db) as seen:
            assert win.patient_list.select(built.patient_id)
            qtbot.wait(10)  # anything queued by the selection runs too
        assert win.patient_list.selected_id() == built.patient_id
        counts.append(len(seen))
    assert counts[2:] == [counts[2]] * 2, f"statements per selection: {counts}"
    assert counts[2] <= BOUND, f"selecting a patient takes {counts[2]} statements (bound {BOUND})"
