"""Issue 11 item 4: on one day every instrument's form starts at the same timepoint. Before, the
ODI opened on the mid-program review's day defaulted to "Mid-program" and, once the review's
instruments were saved, the pain form of the same day to "Other". The rule (walkthrough of
issue 11): the first review due or overdue and not complete, never one already done."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.services.outcomes.review import ReviewEntry
from rehab_tracker.ui.outcomes.outcome_forms import NprsDialog, OdiDialog, RmdqDialog
from rehab_tracker.ui.outcomes.outcome_tab import OutcomesTab


def test_every_form_opened_on_the_mid_program_day_defaults_to_mid_program(
    qtbot, db, today, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    b = build_patient(db, today, weeks_ago=7)
    mid = next(
        a for a in b.services.outcomes.schedule(b.patient_id, today=today) if a.timepoint == "mid"
    )
    day = min(mid.due_date, today)
    # the baseline, overdue, comes first until it is complete: skipped on its day
    baseline = b.services.outcomes.review_plan(b.patient_id, "baseline", today=day)
    assert baseline.state == "overdue" and baseline.due_date is not None
    b.services.outcomes.record_review(
        b.patient_id,
        ReviewEntry(
            "baseline", baseline.due_date, skips={c: "Not done then" for c in baseline.missing}
        ),
        today=day,
    )
    tab = OutcomesTab(b.services, lambda: day)
    qtbot.addWidget(tab)
    tab.show()
    tab.set_patient(
        next(r for r in b.services.patients.list_patients(today=today) if r.id == b.patient_id)
    )
    opened: list[tuple[str, str]] = []

    def fill(kind, type_values):  # type: ignore[no-untyped-def]
        def run(self) -> int:  # type: ignore[no-untyped-def]
            qtbot.addWidget(self)
            opened.append((kind, self.timepoint.currentText()))
            type_values(self)
            qtbot.mouseClick(self.save_button, Qt.MouseButton.LeftButton)
            return int(self.result())

        return run

    def odi(d) -> None:  # type: ignore[no-untyped-def]
        for field in d.sections:
            qtbot.keyClicks(field, "2")

    def pain(d) -> None:  # type: ignore[no-untyped-def]
        qtbot.keyClicks(d.back, "3")
        qtbot.keyClicks(d.leg, "2")

    for kind, cls, typing in (
        ("odi", OdiDialog, odi),
        ("rmdq", RmdqDialog, lambda d: None),
        ("nprs", NprsDialog, pain),
    ):
        monkeypatch.setattr(cls, "exec", fill(kind, typing))
        qtbot.mouseClick(tab.record_buttons[kind], Qt.MouseButton.LeftButton)
        QApplication.processEvents()
    assert opened == [
        ("odi", "Mid-program (week 6)"),
        ("rmdq", "Mid-program (week 6)"),
        ("nprs", "Mid-program (week 6)"),
    ]
    assert {r.timepoint for r in b.services.outcomes.history(b.patient_id)} == {"mid"}
    # the pain completed the mid-program review (ODI, back and leg pain): it is no longer the
    # default of any form, nor of the assessment screen (the end of program comes next)
    assert tab.timepoint_now() == "other"
    assert b.services.outcomes.review_timepoint(b.patient_id, today=day) == "end"
