"""The program builder driven as a user would: create from the template, edit, undo, save."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from rehab_tracker.data.models import ExerciseLog, SessionLog, SetLog
from rehab_tracker.domain.dosage import LIMITS, Dosage
from rehab_tracker.services.container import Services
from rehab_tracker.services.programs import PrescriptionDraft
from rehab_tracker.ui.program import builder as pb
from rehab_tracker.ui.program.builder import (
    COLUMN,
    ExercisePicker,
    PrescriptionModel,
    ProgramBuilderDialog,
    parse_cell,
)
from tests.gui.a11y import assert_accessible

TEMPLATE = "usc-12-week"


@pytest.fixture
def ada(patient_ids: list[uuid.UUID]) -> uuid.UUID:
    return patient_ids[0]  # surgery 2026-10-01: today (2026-11-23) is past 4 weeks


@pytest.fixture
def carol(patient_ids: list[uuid.UUID]) -> uuid.UUID:
    return patient_ids[2]  # surgery 2026-11-02: 3 weeks before today


def make_dialog(qtbot, services: Services, today: dt.date, patient: uuid.UUID):  # type: ignore[no-untyped-def]
    dialog = ProgramBuilderDialog(services, lambda: today, patient)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def build_through_dialog(qtbot, services, today, patient):  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, services, today, patient)
    page = dialog.create_page
    assert page is not None
    assert page.template_combo.currentData() == TEMPLATE
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    return dialog


def test_create_from_template_through_dialog(qtbot, services, today, ada, answers) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, services, today, ada)
    page = dialog.create_page
    assert page is not None
    assert_accessible(dialog)
    assert "clinic defaults" in page.info_label.text() and "Kulig" in page.info_label.text()
    # start date prefilled with the suggestion (first Monday at or after surgery + 4 weeks)
    assert page.start_edit.value() == today
    assert not page.early_check.isEnabled() and not page.reason_edit.isEnabled()
    page.intensity_combo.setFocus()
    low = page.intensity_combo.findData("low")
    page.intensity_combo.setCurrentIndex(low)
    # train on Tue/Thu/Sat instead of Mon/Wed/Fri
    for i in (0, 2, 4):
        qtbot.mouseClick(page.weekday_boxes[i], Qt.MouseButton.LeftButton)
    assert not page.create_button.isEnabled()  # no weekday chosen
    for i in (1, 3, 5):
        qtbot.mouseClick(page.weekday_boxes[i], Qt.MouseButton.LeftButton)
    assert "36 exercise sessions" in page.preview_label.text()
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)

    program = services.programs.active_program_for(ada)
    assert program is not None and program.intensity == "low"
    assert {s.date.weekday() for s in program.sessions[1:]} == {1, 3, 5}
    assert dialog.stack.currentWidget() is dialog.editor_page
    assert dialog.tabs.count() == 3
    assert dialog.saved


def test_early_start_needs_the_override(qtbot, services, today, carol, answers) -> None:  # type: ignore[no-untyped-def]
    dialog = make_dialog(qtbot, services, today, carol)
    page = dialog.create_page
    assert page is not None
    # the suggestion is four weeks after surgery; move the start to today instead
    page.start_edit.set_value(today)
    assert page.early_check.isEnabled()
    assert not page.reason_edit.isEnabled()
    assert "earlier than 4 weeks" in page.warnings_label.text()
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    assert services.programs.active_program_for(carol) is None
    assert page.form.errors["start_date"].text()  # refused, message at the field
    qtbot.mouseClick(page.early_check, Qt.MouseButton.LeftButton)
    assert page.reason_edit.isEnabled()
    qtbot.keyClicks(page.reason_edit, "Surgeon asked for early start")
    qtbot.mouseClick(page.create_button, Qt.MouseButton.LeftButton)
    program = services.programs.active_program_for(carol)
    assert program is not None
    assert program.early_start_reason == "Surgeon asked for early start"


def edit_cell(qtbot, editor: pb.PhaseEditor, row: int, key: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type into a table cell through its delegate, as a user would."""
    index = editor.model.index(row, COLUMN[key])
    editor.view.setCurrentIndex(index)
    editor.view.edit(index)
    line = editor.view.findChild(QLineEdit)
    assert line is not None
    line.selectAll()
    qtbot.keyClicks(line, text)
    qtbot.keyClick(line, Qt.Key.Key_Return)
    qtbot.wait(1)  # the delegate commits through a queued call


def test_edit_undo_redo_save_reopen(qtbot, services, today, ada, answers) -> None:  # type: ignore[no-untyped-def]
    dialog = build_through_dialog(qtbot, services, today, ada)
    editor = dialog.phase_editors()[0]
    model = editor.model
    name_before = model.items[0].exercise_name
    sets_before = model.items[0].dosage.sets

    edit_cell(qtbot, editor, 0, "sets", "4")
    assert model.items[0].dosage.sets == 4
    assert model.data(model.index(0, COLUMN["sets"])) == "4"
    assert dialog.dirty and "unsaved" in dialog.title.text()

    # undo/redo with the keyboard shortcuts
    dialog.activateWindow()
    qtbot.keyClick(editor.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert model.items[0].dosage.sets == sets_before
    qtbot.keyClick(
        editor.view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    assert model.items[0].dosage.sets == 4
    dialog.undo_action.trigger()
    assert model.items[0].dosage.sets == sets_before
    qtbot.keyClick(editor.view, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert model.items[0].dosage.sets == 4

    # a value out of range is refused by the cell
    assert not model.setData(model.index(0, COLUMN["effort_target"]), "11")
    # not-applicable cells cannot be edited
    assert not model.flags(model.index(0, COLUMN["distance_m"])) & Qt.ItemFlag.ItemIsEditable

    # reorder: move row 0 down, then undo and redo it
    editor.select_row(0)
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)
    assert model.items[1].exercise_name == name_before
    dialog.undo_stack.undo()
    assert model.items[0].exercise_name == name_before
    dialog.undo_stack.redo()
    assert model.items[1].exercise_name == name_before

    # remove the last exercise, add one from the picker (typing in its search)
    count = model.rowCount()
    editor.select_row(count - 1)
    removed = model.items[-1].exercise_code
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    assert model.rowCount() == count - 1
    dialog.undo_stack.undo()
    assert model.items[-1].exercise_code == removed
    dialog.undo_stack.redo()
    assert removed not in [i.exercise_code for i in model.items]

    def fake_pick(parent, exercises, exclude):  # type: ignore[no-untyped-def]
        picker = ExercisePicker(exercises, exclude, parent)
        qtbot.addWidget(picker)
        assert "abdominal_brace_supine" not in [e.code for e in picker.exercises]
        qtbot.keyClicks(picker.search, "stationary bike")
        assert picker.proxy.rowCount() == 1
        return picker.selected()

    answers_pick = pytest.MonkeyPatch()
    answers_pick.setattr(pb, "pick_exercise", fake_pick)
    try:
        editor.select_row(0)
        qtbot.mouseClick(editor.add_button, Qt.MouseButton.LeftButton)
    finally:
        answers_pick.undo()
    assert model.items[1].exercise_code == "stationary_bike"
    assert model.items[1].dosage.duration_s is not None

    # phase name is an undoable edit too
    editor.name_edit.clear()
    qtbot.keyClicks(editor.name_edit, "Early phase")
    editor.name_edit.editingFinished.emit()
    assert editor.draft().name == "Early phase"
    dialog.undo_stack.undo()
    assert editor.draft().name != "Early phase" and editor.name_edit.text() != "Early phase"
    dialog.undo_stack.redo()
    assert editor.name_edit.text() == "Early phase"

    expected = [i.exercise_code for i in model.items]
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.dirty
    dialog.close()

    # reopen: the saved program shows
    again = make_dialog(qtbot, services, today, ada)
    assert again.create_page is None
    first = again.phase_editors()[0]
    assert first.draft().name == "Early phase"
    assert [i.exercise_code for i in first.model.items] == expected
    moved = next(i for i in first.model.items if i.exercise_name == name_before)
    assert moved.dosage.sets == 4
    history = services.programs.prescription_history(again.program.id)
    assert any(h.valid_to is not None for h in history)


def test_save_shows_errors_and_cancel_asks(qtbot, services, today, ada, answers) -> None:  # type: ignore[no-untyped-def]
    dialog = build_through_dialog(qtbot, services, today, ada)
    editor = dialog.phase_editors()[0]
    row = next(i for i, it in enumerate(editor.model.items) if it.dosage.dosage_type == "reps")
    edit_cell(qtbot, editor, row, "reps_min", "50")  # above reps_max
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.error.isVisible() and "Not saved" in dialog.error.text()
    assert "Reps max" in dialog.error.text()
    # Cancel with unsaved edits asks; answering No keeps the dialog open
    answers["confirm_reply"].append(False)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and answers["confirm"]
    answers["confirm_reply"].append(True)
    qtbot.mouseClick(dialog.close_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    p = services.programs.active_program_for(ada)
    assert p is not None and p.phases[0].prescriptions[row].dosage.reps_min != 50


def test_suggestion_accept_is_an_undoable_edit(qtbot, services, db, today, ada, answers) -> None:  # type: ignore[no-untyped-def]
    pid = services.programs.create_from_template(ada, TEMPLATE, "high", today, today=today)
    program = services.programs.program(pid)
    rx = next(
        r
        for r in program.phases[0].prescriptions
        if r.exercise_code == "roman_chair_extension_60"
    )
    # high intensity: the top of the range in two sessions in a row, with pain recorded
    for day in (program.sessions[1].date, program.sessions[2].date):
        with db.unit_of_work("tester") as s:
            log = SessionLog(patient_id=ada, program_id=pid, session_date=day,
                             pain_back_before=2, pain_back_after=2,
                             pain_leg_before=2, pain_leg_after=2, red_flag_result="clear")
            log.exercises.append(
                ExerciseLog(
                    exercise_id=rx.exercise_id,
                    status="done",
                    sets=[
                        SetLog(set_number=i + 1, reps=rx.dosage.reps_max, effort=3)
                        for i in range(rx.dosage.sets)
                    ],
                )
            )
            s.add(log)
    dialog = ProgramBuilderDialog(services, lambda: day, ada)
    qtbot.addWidget(dialog)
    dialog.show()
    editor = dialog.phase_editors()[0]
    row = next(i for i, it in enumerate(editor.model.items) if it.prescription_id == rx.id)
    assert editor.model.data(editor.model.index(row, COLUMN["suggestion"])).startswith("Progress")
    editor.select_row(row)
    assert "Progress" in editor.suggestion_label.text()
    assert editor.accept_button.isEnabled()
    qtbot.mouseClick(editor.accept_button, Qt.MouseButton.LeftButton)
    assert editor.model.items[row].dosage.reps_max == rx.dosage.reps_max + 2
    assert "accepted, not saved" in editor.suggestion_label.text()
    assert not editor.accept_button.isEnabled()
    dialog.undo_stack.undo()
    assert editor.model.items[row].dosage == rx.dosage
    dialog.undo_stack.redo()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = services.programs.program(pid).phases[0].prescriptions[row]
    assert saved.dosage.reps_max == rx.dosage.reps_max + 2 and saved.id != rx.id
    # Edit puts the dosage cell into editing
    editor = dialog.phase_editors()[0]
    editor.select_row(row)
    qtbot.mouseClick(editor.edit_button, Qt.MouseButton.LeftButton)
    assert editor.view.findChild(QLineEdit) is not None


def test_prescription_model(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QUndoStack

    stack = QUndoStack()
    items = [
        PrescriptionDraft("bridge", Dosage("reps", 2, 8, 12, effort_target=4), "x",
                          uuid.uuid4(), "Bridge"),
        PrescriptionDraft("front_plank", Dosage("hold", 3, hold_seconds=20.0), None, None,
                          "Front plank"),
        PrescriptionDraft("outdoor_walk", Dosage("distance", 1, distance_m=800.0)),
        PrescriptionDraft("stationary_bike", Dosage("time", 1, duration_s=600.0)),
    ]
    model = PrescriptionModel(items, stack)
    qtmodeltester.check(model, force_py=True)
    assert model.data(model.index(3, COLUMN["duration_min"])) == "10"
    assert model.setData(model.index(3, COLUMN["duration_min"]), "12.5")
    assert model.items[3].dosage.duration_s == 750.0
    stack.undo()
    assert model.items[3].dosage.duration_s == 600.0
    model.move_item(0, 2)
    assert [i.exercise_code for i in model.items][2] == "bridge"
    qtmodeltester.check(model, force_py=True)
    assert replace(items[0]) == model.items[2]


def test_dose_cells_accept_exactly_the_domain_limits() -> None:
    """Every dose cell of the builder takes the range of domain.dosage.LIMITS (time in minutes)."""
    for name, limit in LIMITS.items():
        key = "duration_min" if name == "duration_s" else name
        top = limit.maximum / 60 if key == "duration_min" else limit.maximum
        assert parse_cell(key, str(top))[0], name
        assert not parse_cell(key, str(top + 1))[0], name
        assert parse_cell(key, str(limit.minimum))[0] is not limit.above_minimum, name
    assert parse_cell("sets", "25") == (False, 25)
    assert parse_cell("reps_min", "8.5") == (False, None)


def test_exercise_picker_model(qtbot, services, qtmodeltester, request) -> None:  # type: ignore[no-untyped-def]
    picker = ExercisePicker(services.programs.exercises(), {"bridge"})
    qtbot.addWidget(picker)
    request.node.picker = picker  # alive until the model tester's teardown
    qtmodeltester.check(picker.proxy, force_py=True)
    qtbot.keyClicks(picker.search, "roman chair")
    assert picker.proxy.rowCount() == 5
    chosen = picker.selected()
    assert chosen is not None and "Roman chair" in chosen.name
    assert_accessible(picker)


def test_save_as_template_from_builder(qtbot, services, today, ada, answers, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = build_through_dialog(qtbot, services, today, ada)

    def run(self: pb.SaveTemplateDialog) -> int:
        qtbot.addWidget(self)
        assert_accessible(self)
        save = self.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
        qtbot.keyClicks(self.code_edit, "Bad Code")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        assert self.form.errors["code"].text()  # refused at the field
        self.code_edit.clear()
        qtbot.keyClicks(self.code_edit, "clinic-gentle")
        qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
        return int(self.result())

    monkeypatch.setattr(pb.SaveTemplateDialog, "exec", run)
    qtbot.mouseClick(dialog.template_button, Qt.MouseButton.LeftButton)
    assert "clinic-gentle" in [t.code for t in services.programs.templates()]
    assert "clinic-gentle" in answers["inform"][-1][1]


def test_the_template_name_is_not_cut_off_in_a_wide_dialog(qtbot, services, today, ada) -> None:  # type: ignore[no-untyped-def]
    """The walkthrough of issue 11 read "12-week exercise program after lum" in a 1200-pixel
    dialog with room to spare: the choice takes the row's width (still shrinking on a small
    screen)."""
    dialog = make_dialog(qtbot, services, today, ada)
    dialog.resize(1200, 740)
    page = dialog.create_page
    assert page is not None
    combo = page.template_combo
    qtbot.waitUntil(lambda: combo.width() > 0)
    text = combo.fontMetrics().horizontalAdvance(combo.currentText())
    assert combo.width() > text + 40, (combo.width(), text)
