"""Issue 11 item 4 in the real main window: Outcomes > Record Assessment (Ctrl+Shift+A) opens one
screen for the review at a time point (the one due around today, or any chosen); the clinician
types the ODI, pain and a walk, skips the rest with a reason, and one Save records the review;
what is wrong is shown at its field and nothing is saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rehab_tracker.ui.outcomes.feature import OutcomesFeature, open_assessment
from rehab_tracker.ui.outcomes.review_dialog import AssessmentDialog
from tests.gui.a11y import assert_accessible
from tests.gui.installed import installed
from tests.gui.test_session_menu import make_window


@pytest.fixture
def clinic(qtbot, db, today, answers):  # type: ignore[no-untyped-def]
    return make_window(qtbot, db, today, weeks_ago=7)


def _drive(monkeypatch, steps):  # type: ignore[no-untyped-def]
    seen: list[AssessmentDialog] = []

    def run(self: AssessmentDialog) -> int:
        seen.append(self)
        steps(self)
        return int(self.result())

    monkeypatch.setattr(AssessmentDialog, "exec", run)
    return seen


def _type(qtbot, widget, text: str) -> None:  # type: ignore[no-untyped-def]
    widget.setFocus()
    qtbot.keyClicks(widget, text)


def _tick(qtbot, box) -> None:  # type: ignore[no-untyped-def]
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)


def test_a_baseline_review_recorded_and_skipped_on_one_screen(
    qtbot, clinic, today, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    b, win = clinic
    action = win.findChild(QAction, "recordAssessment")
    assert action.shortcut().toString() == "Ctrl+Shift+A"
    assert action.text() == "Record &Assessment (All Measures)…" and action.isEnabled()
    assert action in win.menus["&Outcomes"].actions()
    expected = b.services.outcomes.review_timepoint(b.patient_id, today=today)

    def steps(d: AssessmentDialog) -> None:
        qtbot.addWidget(d)
        assert_accessible(d)
        assert d.timepoint.currentData() == expected  # today's review, as every form defaults
        d.timepoint.setFocus()
        d.timepoint.setCurrentIndex(d.timepoint.findData("baseline"))
        assert "still to record or skip" in d.plan_label.text()
        assert "5-minute walk" in d.plan_label.text()
        assert d.groups["odi"].title().endswith("scheduled")
        assert d.groups["rmdq"].title().endswith("optional")
        for field in d.odi_fields:
            _type(qtbot, field, "2")
        assert d.odi_score.text().startswith("ODI 40%")
        _type(qtbot, d.numbers["nprs.back"], "5")
        _type(qtbot, d.numbers["nprs.leg"], "6")
        _type(qtbot, d.numbers["walk_5min.value"], "350")
        for code in ("walk_50ft_preferred", "walk_50ft_fastest"):
            _tick(qtbot, d.parts[code].skip)
            assert not d.numbers[f"{code}.value"].isEnabled()
            _type(qtbot, d.parts[code].reason, "Leg pain 8/10 on walking")
        qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)

    seen = _drive(monkeypatch, steps)
    action.trigger()
    assert seen and seen[0].saved_ids
    base = next(a for a in b.services.outcomes.schedule(b.patient_id, today=today)
                if a.timepoint == "baseline")
    assert base.state == "done"
    rows = b.services.outcomes.history(b.patient_id)
    assert {r.timepoint for r in rows} == {"baseline"} and len(rows) == 4
    tab = installed(win, OutcomesFeature).tab
    assert "Baseline assessment" in tab.schedule_label.text()


def test_wrong_input_is_shown_at_its_field_and_nothing_is_saved(
    qtbot, clinic, today, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    b, win = clinic
    messages: dict[str, str] = {}

    def steps(d: AssessmentDialog) -> None:
        qtbot.addWidget(d)
        _type(qtbot, d.odi_fields[0], "6")  # refused as typed
        assert "0 to 5" in d.odi_fields[0].error.text()
        qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
        messages["typed"] = d.banner.text()
        d.odi_fields[0].clear()
        _tick(qtbot, d.parts["tug"].skip)  # skipped without a reason: the service refuses
        qtbot.mouseClick(d.save_button, Qt.MouseButton.LeftButton)
        messages["reason"] = d.forms_error("skip.tug")
        messages["focus"] = d.focusWidget().objectName()
        d.reject()

    _drive(monkeypatch, steps)
    assert open_assessment(win, b.patient_id, "mid") is False
    assert "Not saved" in messages["typed"]
    assert "Say why" in messages["reason"] and messages["focus"] == "skip_reason_tug"
    assert b.services.outcomes.history(b.patient_id) == []


def test_the_main_window_opens_the_screen_for_a_patient_and_time_point(
    qtbot, clinic, today, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """What the Today view's "record the assessment" uses."""
    b, win = clinic
    win.workspace.refresh_patients(select=None)
    seen = _drive(monkeypatch, lambda d: (qtbot.addWidget(d), d.reject()))
    assert open_assessment(win, b.patient_id, "end") is False
    assert seen[0].timepoint.currentData() == "end"
    assert win.patient_list.selected_id() == b.patient_id
    assert "End of program" in seen[0].windowTitle()


def test_the_outcomes_tab_says_what_a_review_still_needs_and_opens_the_screen(
    qtbot, clinic, today, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    b, win = clinic
    base = next(a for a in b.services.outcomes.schedule(b.patient_id, today=today)
                if a.timepoint == "baseline")
    b.services.outcomes.record_odi(b.patient_id, [1] * 10, assessed_on=base.due_date,
                                   today=today, timepoint="baseline")
    tab = installed(win, OutcomesFeature).tab
    win.workspace.show_tab(tab)
    line = next(x for x in tab.schedule_label.text().splitlines() if x.startswith("Baseline"))
    assert "still to record or skip: Back pain (NPRS 0-10), Leg pain (NPRS 0-10)" in line
    assert tab.assessment_button.accessibleName() == "Record assessment (all measures)"
    seen = _drive(monkeypatch, lambda d: (qtbot.addWidget(d), d.reject()))
    qtbot.mouseClick(tab.assessment_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1 and seen[0].patient_id == b.patient_id


def test_what_is_typed_is_kept_as_a_draft_until_saved(
    qtbot, clinic, today, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Close (keep draft) keeps what was typed, with its time point; the draft reopens from
    Session > Resume Unsaved Draft's opener; Save records it and removes the draft."""
    b, win = clinic
    feature = installed(win, OutcomesFeature)

    def type_and_close(d: AssessmentDialog) -> None:
        qtbot.addWidget(d)
        d.timepoint.setCurrentIndex(d.timepoint.findData("end"))
        _type(qtbot, d.numbers["nprs.back"], "4")
        _tick(qtbot, d.parts["tug"].skip)
        _type(qtbot, d.parts["tug"].reason, "Walking aid forgotten")
        d.reject()  # Close (keep draft)

    _drive(monkeypatch, type_and_close)
    assert open_assessment(win, b.patient_id) is False
    [draft] = b.services.drafts.list_drafts(f"outcome:{b.patient_id}:")
    seen: list[tuple[str, str, bool, str]] = []

    def check_and_save(d: AssessmentDialog) -> None:
        qtbot.addWidget(d)
        seen.append((d.timepoint.currentData(), d.numbers["nprs.back"].text(),
                     d.parts["tug"].skipped, d.status.text()))
        d.show()
        qtbot.waitExposed(d)
        d.activateWindow()
        qtbot.waitUntil(d.isActiveWindow)
        qtbot.keyClick(d.notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    _drive(monkeypatch, check_and_save)
    feature.resume_draft(draft)
    assert seen == [("end", "4", True,
                     "Draft restored (End of program (week 12)): your unsaved entries are back.")]
    assert b.services.drafts.list_drafts(f"outcome:{b.patient_id}:") == []
    assert [r.timepoint for r in b.services.outcomes.history(b.patient_id)] == ["end"]


def test_a_skip_is_listed_with_its_reason_and_a_wrong_one_is_deleted(
    qtbot, clinic, today
) -> None:  # type: ignore[no-untyped-def]
    """The Outcomes table lists each skipped instrument with its reason; deleting a wrong skip
    makes the review not done again (Undo delete brings it back)."""
    from rehab_tracker.services.outcomes.review import ReviewEntry

    b, win = clinic
    o = b.services.outcomes
    base = next(a for a in o.schedule(b.patient_id, today=today) if a.timepoint == "baseline")
    o.record_review(b.patient_id, ReviewEntry(
        "baseline", base.due_date, odi=[1] * 10, back_pain=3, leg_pain=2,
        walks={"walk_5min": 320.0, "walk_50ft_preferred": 12.0},
        skips={"walk_50ft_fastest": "Knee pain on fast walking"}), today=today)
    assert next(a for a in o.schedule(b.patient_id, today=today)
                if a.timepoint == "baseline").state == "done"
    tab = installed(win, OutcomesFeature).tab
    win.workspace.show_tab(tab)
    texts = [[tab.proxy.data(tab.proxy.index(r, c)) for c in range(tab.proxy.columnCount())]
             for r in range(tab.proxy.rowCount())]
    [skip_row] = [i for i, t in enumerate(texts) if "skipped" in " ".join(map(str, t))]
    assert "Knee pain on fast walking" in " ".join(map(str, texts[skip_row]))
    assert "50-foot walk, fastest speed: skipped" in " ".join(map(str, texts[skip_row]))
    tab.table.selectRow(skip_row)
    qtbot.mouseClick(tab.delete_button, Qt.MouseButton.LeftButton)
    base = next(a for a in o.schedule(b.patient_id, today=today) if a.timepoint == "baseline")
    assert base.state == "overdue" and base.missing == ("walk_50ft_fastest",)
    qtbot.mouseClick(tab.undo_button, Qt.MouseButton.LeftButton)
    assert next(a for a in o.schedule(b.patient_id, today=today)
                if a.timepoint == "baseline").state == "done"
    # a skip has no value: the change from baseline is computed from records only
    assert all(c.measure != "walk_50ft_fastest" for c in o.changes(b.patient_id))


def _complete(b, timepoint: str, today) -> None:  # type: ignore[no-untyped-def]
    """The review at ``timepoint`` recorded on its due date: the ODI and pain typed, the rest
    skipped with a reason."""
    from rehab_tracker.services.outcomes.review import ReviewEntry

    o = b.services.outcomes
    plan = o.review_plan(b.patient_id, timepoint, today=today)
    rest = [c for c in plan.missing if c not in ("odi", "nprs_back", "nprs_leg")]
    o.record_review(b.patient_id, ReviewEntry(
        timepoint, plan.due_date, odi=[1] * 10, back_pain=3, leg_pain=2,
        skips={c: "Not done that day" for c in rest}), today=today)
    assert o.review_plan(b.patient_id, timepoint, today=today).missing == ()


def test_the_screen_never_opens_at_a_review_already_complete(
    qtbot, clinic, today, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The walkthrough of issue 11: with the baseline and the mid-program review complete, the
    screen opened at the mid-program review (nearest today). It opens at the first review not
    complete: due or overdue first, else the next one (here the end of program)."""
    b, win = clinic
    action = win.findChild(QAction, "recordAssessment")
    seen: list[tuple[str, str]] = []
    _drive(monkeypatch, lambda d: (qtbot.addWidget(d),
                                   seen.append((d.timepoint.currentData(), d.plan_label.text())),
                                   d.reject()))
    action.trigger()
    assert seen[-1][0] == "baseline"  # overdue and not complete: first
    _complete(b, "baseline", today)
    action.trigger()
    assert seen[-1][0] == "mid"
    _complete(b, "mid", today)
    action.trigger()
    assert seen[-1][0] == "end"
    assert "still to record or skip" in seen[-1][1]


def test_the_still_to_record_line_follows_every_edit(
    qtbot, clinic, today, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """It did not change as instruments were typed or skipped (walkthrough of issue 11)."""
    b, win = clinic
    lines: list[str] = []

    def steps(d: AssessmentDialog) -> None:
        qtbot.addWidget(d)
        d.timepoint.setCurrentIndex(d.timepoint.findData("baseline"))
        line = d.plan_label
        assert "still to record or skip: Oswestry Disability Index (ODI)," in line.text()
        for field in d.odi_fields[:5]:
            _type(qtbot, field, "2")
        assert "(ODI)" in line.text()  # five of ten sections: no score, not recorded yet
        for field in d.odi_fields[5:]:
            _type(qtbot, field, "2")
        lines.append(line.text())
        _type(qtbot, d.numbers["nprs.back"], "5")
        lines.append(line.text())
        _type(qtbot, d.numbers["nprs.leg"], "6")
        _type(qtbot, d.numbers["walk_5min.value"], "350")
        _tick(qtbot, d.parts["walk_50ft_preferred"].skip)
        lines.append(line.text())  # ticked, no reason yet: not a skip Save would take
        _type(qtbot, d.parts["walk_50ft_preferred"].reason, "Leg pain")
        lines.append(line.text())
        _tick(qtbot, d.parts["walk_50ft_fastest"].skip)
        _type(qtbot, d.parts["walk_50ft_fastest"].reason, "Leg pain")
        lines.append(line.text())
        d.numbers["nprs.leg"].clear()  # taking a value back puts it back on the line
        lines.append(line.text())
        d.reject()

    _drive(monkeypatch, steps)
    assert open_assessment(win, b.patient_id) is False
    names = ("Back pain (NPRS 0-10), Leg pain (NPRS 0-10), 5-minute walk, "
             "50-foot walk, preferred speed, 50-foot walk, fastest speed")
    tail = names.split(", ", 1)[1]
    assert lines[0].endswith(f"still to record or skip: {names}.")
    assert lines[1].endswith(f"still to record or skip: {tail}.")
    assert lines[2].endswith(
        "still to record or skip: 50-foot walk, preferred speed, 50-foot walk, fastest speed."
    )
    assert lines[3].endswith("still to record or skip: 50-foot walk, fastest speed.")
    assert lines[4].endswith("nothing left to record or skip: Save completes it.")
    assert lines[5].endswith("still to record or skip: Leg pain (NPRS 0-10).")
