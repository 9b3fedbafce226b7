"""A save from a form another workstation overtook: the conflict message, what was typed kept,
and Reload showing the saved record (session correction, clinic settings, exercise library)."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.domain.sessions import mark_all_done
from rehab_tracker.services.settings import CLINIC_KEY, ClinicDetails
from rehab_tracker.ui.clinic.settings_dialog import SettingsDialog
from rehab_tracker.ui.sessions.session_form import SessionFormDialog
from rehab_tracker.ui.sessions.session_tab import SessionsTab
from tests.gui.test_session_form import ALL_NO, row_for


def _logged(db, today):  # type: ignore[no-untyped-def]
    b = build_patient(db, today)
    s = b.services.sessions
    slot = s.next_slot(b.patient_id)
    form = s.new_form(b.patient_id, slot.id, today=today)
    sid = s.save(b.patient_id, slot.id, dataclasses.replace(mark_all_done(form.entry),
            red_flags=ALL_NO),
                 today=today)
    return b, sid


def test_session_correction_overtaken_keeps_the_typing_then_reload(
    qtbot, db, today, answers
) -> None:  # type: ignore[no-untyped-def]
    b, sid = _logged(db, today)
    s = b.services.sessions
    form = s.edit_form(sid)
    dialog = SessionFormDialog(b.services, form, lambda: today)
    qtbot.addWidget(dialog)
    dialog.show()
    # the other desk corrects the same session first
    other = s.edit_form(sid)
    s.update(sid, dataclasses.replace(other.entry, notes="corrected at reception"),
             expected_version=other.version, today=today)
    qtbot.keyClicks(dialog.pain["pain_leg_after"], "2")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    title, text = answers["reload"][0]
    assert title == "Session not saved"
    assert text.startswith("This session was changed at another workstation after you opened")
    assert dialog.isVisible() and dialog.pain["pain_leg_after"].text() == "2"  # kept
    saved = s.edit_form(sid)
    assert saved.entry.notes == "corrected at reception" and saved.entry.pain_leg_after is None
    qtbot.waitUntil(  # the typing is safe in its draft too
        lambda: b.services.drafts.load(f"session-edit:{sid}") is not None, timeout=5000)
    # Reload: the typing and its draft go, the dialog closes for the saved one to open
    answers["reload_reply"].append(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible() and dialog.reload_requested
    assert b.services.drafts.load(f"session-edit:{sid}") is None
    assert s.edit_form(sid).entry.pain_leg_after is None  # nothing of the stale form saved


def test_reload_from_the_sessions_tab_opens_the_saved_correction(
    qtbot, db, today, answers
) -> None:  # type: ignore[no-untyped-def]
    b, sid = _logged(db, today)
    s = b.services.sessions
    tab = SessionsTab(b.services, lambda: today)
    qtbot.addWidget(tab)
    tab.set_patient(row_for(b))
    opened: list[SessionFormDialog] = []

    def exec_(dialog: SessionFormDialog) -> int:  # what the user does in each form opened
        opened.append(dialog)
        if len(opened) == 1:  # overtaken by the other desk, then Reload
            other = s.edit_form(sid)
            s.update(sid, dataclasses.replace(other.entry, notes="from reception"),
                     expected_version=other.version, today=today)
            answers["reload_reply"].append(True)
            dialog.save()
            return int(dialog.result())
        assert dialog.notes.toPlainText() == "from reception"  # the saved one
        qtbot.keyClicks(dialog.pain["pain_leg_after"], "1")
        dialog.save()
        return int(dialog.result())

    original = SessionFormDialog.exec
    SessionFormDialog.exec = exec_  # type: ignore[method-assign,assignment]
    try:
        tab.correct(sid)
    finally:
        SessionFormDialog.exec = original  # type: ignore[method-assign]
    assert len(opened) == 2 and opened[0].reload_requested
    saved = s.edit_form(sid).entry
    assert (saved.notes, saved.pain_leg_after) == ("from reception", 1)


def test_settings_overtaken_are_refused_whole_then_reload(qtbot, services, answers) -> None:  # type: ignore[no-untyped-def]
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    versions = services.settings.versions()
    services.settings.set_clinic_details(ClinicDetails("Hillside"),
                                         expected_version=versions.get(CLINIC_KEY, 0))
    qtbot.keyClicks(dialog.clinic["name"], "Riverside")
    dialog.units.setCurrentIndex(1)  # imperial
    save = dialog.findChild(QPushButton, "saveSettings")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert "One of the clinic settings was changed at another" in answers["reload"][0][1]
    assert dialog.isVisible() and dialog.clinic["name"].text() == "Riverside"
    assert services.settings.clinic_details().name == "Hillside"
    assert services.settings.load().units == "metric"  # nothing of the dialog was saved
    answers["reload_reply"].append(True)
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)
    assert dialog.clinic["name"].text() == "Hillside" and dialog.units.currentIndex() == 0
    qtbot.keyClicks(dialog.clinic["phone"], "0113 496 0000")
    qtbot.mouseClick(save, Qt.MouseButton.LeftButton)  # from the reloaded versions: saved
    assert dialog.result() == dialog.DialogCode.Accepted
    assert services.settings.clinic_details() == ClinicDetails("Hillside", phone="0113 496 0000")


def test_exercise_edit_overtaken_keeps_the_typing_then_reload(qtbot, services, answers) -> None:  # type: ignore[no-untyped-def]
    from tests.gui.test_library_view import first_reps_exercise, make_view

    view = make_view(qtbot, services)
    row = first_reps_exercise(view)
    shown = services.library.detail(row.id)
    services.library.update(row.id, dataclasses.replace(shown.form, cautions="From the lead."),
                            expected_version=shown.version)  # the other desk
    view.editor.cautions.setFocus()
    qtbot.keyClicks(view.editor.cautions, " Mine.")
    typed = view.editor.cautions.toPlainText()
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert "This exercise was changed at another workstation" in answers["reload"][0][1]
    assert view.editor.cautions.toPlainText() == typed  # kept
    assert services.library.detail(row.id).form.cautions == "From the lead."
    answers["reload_reply"].append(True)
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
    assert view.editor.cautions.toPlainText() == "From the lead."  # reloaded
    qtbot.keyClick(view.editor.cautions, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(view.editor.cautions, " Checked.")
    qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)  # from the fresh version
    assert len(answers["reload"]) == 2
    assert services.library.detail(row.id).form.cautions == "From the lead. Checked."
