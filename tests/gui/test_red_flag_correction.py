"""A red-flag clearance entered by mistake is corrected from the Sessions tab: the selected
session's outcome opens with the clearance recorded; unticking it withdraws the clearance (asked
first), the flag is open again and the banner is back."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QPushButton

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.domain.redflags import RED_FLAGS, ClearanceEntry, RedFlagOutcomeEntry
from rehab_tracker.ui.sessions.acknowledge import RedFlagOutcomeDialog
from rehab_tracker.ui.sessions.session_tab import SessionsTab
from tests.gui.a11y import assert_accessible
from tests.staff import staff


def test_a_mistaken_clearance_is_withdrawn_from_the_sessions_tab(
    qtbot, db, today, answers, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from rehab_tracker.app import create_main_window

    b = build_patient(db, today)
    s = b.services.sessions
    slot = s.next_slot(b.patient_id)
    sid = s.record_red_flag_stop(
        b.patient_id,
        slot.id,
        {**{f.code: False for f in RED_FLAGS}, "one_sided_leg": True},
        session_date=today,
        today=today,
    )
    s.record_red_flag_outcome(
        sid,
        RedFlagOutcomeEntry("Seen by the surgeon's team.", "surgeon"),
        ClearanceEntry("Dr Wrong", today),
        today=today,
    )
    win = create_main_window(db, today=today, principal=staff("tester"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.workspace.refresh_patients(select=b.patient_id)
    tab = win.findChild(SessionsTab)
    win.workspace.show_tab(tab)  # the tab loads when shown
    assert not tab.alerts.isVisible()
    button = tab.findChild(QPushButton, "correctRedFlagOutcome")
    assert button.text() == "Correct red-flag outcome…"
    assert button.accessibleName() == "Correct red-flag outcome"
    row = next(
        r
        for r in range(tab.proxy.rowCount())
        if tab.proxy.data(tab.proxy.index(r, 0), Qt.ItemDataRole.UserRole) == str(sid)
    )
    tab.table.selectionModel().select(
        tab.proxy.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    seen: list[tuple[bool, str]] = []

    def withdraw(self: RedFlagOutcomeDialog) -> int:
        qtbot.addWidget(self)
        assert_accessible(self)
        seen.append((self.cleared.isChecked(), self.cleared_by.text()))
        qtbot.keyClick(self.cleared, Qt.Key.Key_Space)  # untick: withdraw
        qtbot.mouseClick(self.save_button, Qt.MouseButton.LeftButton)
        return int(self.result())

    monkeypatch.setattr(RedFlagOutcomeDialog, "exec", withdraw)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert seen == [(True, "Dr Wrong")]
    assert answers["confirm"] and "progression holds" in answers["confirm"][-1][1]
    assert [a.session_id for a in s.open_red_flags(b.patient_id)] == [sid]
    assert tab.alerts.isVisible() and "RED FLAG" in tab.alerts.text()
