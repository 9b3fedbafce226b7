"""A selection reads in one read snapshot (issue 12 item 4), yet the panes show fresh data:
a program paused on this workstation, or resumed on another, shows at the next selection of the
patient."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rehab_tracker.data.database import Database, open_database
from rehab_tracker.services.container import Services
from rehab_tracker.ui.program.program_tab import ProgramTab
from tests.gui.conftest import open_window
from tests.services.test_sessions_support import build_patient
from tests.staff import staff


def _version(services: Services, program_id) -> int:  # type: ignore[no-untyped-def]
    return services.programs.program(program_id).version


def test_the_program_tab_shows_a_change_at_the_next_selection(  # type: ignore[no-untyped-def]
    qtbot, db: Database, db_path: Path, today: dt.date, answers
) -> None:
    one = build_patient(db, today, weeks_ago=13, given="Una")
    two = build_patient(db, today, weeks_ago=13, given="Mara")
    win = open_window(qtbot, db, today)
    tab = win.findChild(ProgramTab)
    assert tab is not None
    assert win.patient_list.select(one.patient_id)
    assert ", active, starts" in tab.summary.text()
    s = one.services
    s.programs.pause(one.program_id, paused_on=today, reason="Flu", today=today,
                     expected_version=_version(s, one.program_id))
    assert win.patient_list.select(two.patient_id)
    assert win.patient_list.select(one.patient_id)
    assert ", paused, starts" in tab.summary.text()
    other = open_database(db_path)
    try:
        theirs = Services(other, staff("elsewhere"))
        theirs.programs.resume(one.program_id, resume_on=today,
                               expected_version=_version(theirs, one.program_id))
    finally:
        other.close()
    assert win.patient_list.select(two.patient_id)
    assert win.patient_list.select(one.patient_id)
    assert ", active, starts" in tab.summary.text()
