"""Tools > Audit Trail (issue 13 item 4): opened from the menu by its shortcut, filtered from the
keyboard, fetching older entries as the table scrolls, exporting what it shows."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QDialog, QPushButton

from rehab_tracker.data import audit
from rehab_tracker.data.models import Patient
from rehab_tracker.domain.roles import Permission, Role, refusal
from rehab_tracker.services import audit_view
from rehab_tracker.services.container import Services
from rehab_tracker.ui.audit import audit_dialog
from rehab_tracker.ui.audit.audit_dialog import AuditDialog, AuditTableModel, open_audit_dialog
from tests.data.helpers import file_mode
from tests.gui.a11y import assert_accessible
from tests.gui.test_date_fields import show
from tests.staff import staff


@pytest.fixture
def trail(services: Services, patient_ids: list) -> Services:
    """The GUI fixtures' four patients (by "tester"), Brian's phone changed by nurse.lee."""
    with services.db.unit_of_work("nurse.lee") as s:
        brian = s.query(Patient).filter_by(record_number="RT-9002").one()
        brian.phone = "555-0123"
    return services


@pytest.fixture
def dialog(qtbot, trail: Services, answers) -> Iterator[AuditDialog]:  # type: ignore[no-untyped-def]
    shown = open_audit_dialog(trail)
    assert shown is not None
    show(qtbot, shown)
    yield shown


def _rows(dialog: AuditDialog) -> list[audit_view.TrailEntry]:
    return dialog.model.rows


def _all_entries(services: Services) -> list[audit_view.TrailEntry]:
    viewer = services.audit_view
    return viewer.page(viewer.query(audit_view.AuditFilter()), limit=100_000).entries


def test_the_menu_shortcut_opens_the_viewer_with_the_newest_entry_first(
    qtbot, window, answers  # type: ignore[no-untyped-def]
) -> None:
    with window.workspace.services.db.unit_of_work("nurse.lee") as s:
        s.query(Patient).filter_by(record_number="RT-9002").one().phone = "555-0123"
    seen: list[tuple[str, str, str]] = []

    def look() -> None:
        shown = QApplication.activeModalWidget()
        if isinstance(shown, AuditDialog):
            newest = shown.model.rows[0]
            seen.append((newest.actor, newest.kind, shown.detail.toPlainText()))
            qtbot.keyClick(shown, Qt.Key.Key_Escape)
        else:
            QTimer.singleShot(20, look)

    def watchdog() -> None:  # never leave a modal dialog hanging the test
        shown = QApplication.activeModalWidget()
        if isinstance(shown, QDialog):
            shown.reject()

    QTimer.singleShot(50, look)
    QTimer.singleShot(15000, watchdog)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    qtbot.keyClick(window.patient_list.find_edit, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    assert len(seen) == 1
    actor, kind, detail = seen[0]
    assert (actor, kind) == ("nurse.lee", "Changed")
    assert "Patient: RT-9002 Brian Kernighan" in detail
    assert "Phone: (empty) → 555-0123" in detail


def test_filters_typed_from_the_keyboard(qtbot, dialog: AuditDialog) -> None:  # type: ignore[no-untyped-def]
    everything = len(_rows(dialog))
    assert dialog.status.text().startswith(f"{everything} entries shown")
    qtbot.keyClicks(dialog.patient, "RT-9002")
    qtbot.keyClick(dialog.patient, Qt.Key.Key_Return)
    assert _rows(dialog) and {e.patient.record_number for e in _rows(dialog) if e.patient} == {
        "RT-9002"}
    assert {e.entity for e in _rows(dialog)} >= {"patients", "surgeries"}
    # kind: the combo chosen with the keyboard
    dialog.kind.setFocus()
    while dialog.kind.currentData() != "update":
        qtbot.keyClick(dialog.kind, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.kind, Qt.Key.Key_Return)
    assert [(e.actor, e.kind) for e in _rows(dialog)] == [("nurse.lee", "Changed")]
    # the user filter: nobody by that name
    dialog.kind.setCurrentIndex(0)
    dialog.user.setFocus()
    dialog.user.lineEdit().selectAll()
    qtbot.keyClicks(dialog.user, "tester")
    qtbot.keyClick(dialog.user, Qt.Key.Key_Return)
    assert _rows(dialog) and {e.actor for e in _rows(dialog)} == {"tester"}
    qtbot.mouseClick(dialog.clear_button, Qt.MouseButton.LeftButton)
    assert len(_rows(dialog)) == everything


def test_bad_filters_are_shown_at_their_fields_and_keep_the_table(
    qtbot, dialog: AuditDialog  # type: ignore[no-untyped-def]
) -> None:
    before = [e.seq for e in _rows(dialog)]
    qtbot.keyClicks(dialog.patient, "RT-0000")
    qtbot.keyClick(dialog.patient, Qt.Key.Key_Return)
    assert "RT-0000" in dialog.left.errors["patient"].text()
    assert [e.seq for e in _rows(dialog)] == before
    assert dialog.status.text() == audit_dialog.NOT_APPLIED
    dialog.patient.clear()
    qtbot.keyClicks(dialog.since, "2026-03-05")
    qtbot.keyClicks(dialog.until, "2026-03-01")
    qtbot.keyClick(dialog.until, Qt.Key.Key_Return)
    assert "before its start" in dialog.right.errors["until"].text()
    assert not dialog.left.errors["patient"].text()
    dialog.until.clear()
    qtbot.keyClicks(dialog.until, "31/31/2026")
    qtbot.keyClick(dialog.until, Qt.Key.Key_Return)
    assert dialog.right.errors["until"].text()
    assert [e.seq for e in _rows(dialog)] == before


def test_scrolling_to_the_end_fetches_older_entries(qtbot, trail: Services, answers) -> None:  # type: ignore[no-untyped-def]
    with trail.db.unit_of_work("front.desk") as s:
        patient = s.query(Patient).filter_by(record_number="RT-9001").one()
        audit.append(s, [("access", "patients", str(patient.id), None, {"kind": "record"})] * 450)
    shown = open_audit_dialog(trail)
    assert shown is not None
    show(qtbot, shown)
    total = len(_all_entries(trail))
    assert len(_rows(shown)) == audit_dialog.PAGE_SIZE
    assert "scroll down for older ones" in shown.status.text()
    shown.table.setFocus()
    ctrl = Qt.KeyboardModifier.ControlModifier  # Ctrl+End: the last row (End: the last column)
    qtbot.keyClick(shown.table, Qt.Key.Key_End, ctrl)
    qtbot.waitUntil(lambda: len(_rows(shown)) == 2 * audit_dialog.PAGE_SIZE, timeout=5000)
    while shown.model.canFetchMore():
        qtbot.keyClick(shown.table, Qt.Key.Key_End, ctrl)
        qtbot.wait(10)
    qtbot.keyClick(shown.table, Qt.Key.Key_End, ctrl)
    assert len(_rows(shown)) == total
    seqs = [e.seq for e in _rows(shown)]
    assert seqs == sorted(set(seqs), reverse=True)
    assert shown.status.text() == f"{total} entries shown, newest first."
    # the last row's details are those of the oldest entry
    assert shown.table.currentIndex().row() == total - 1
    assert f"Entry {seqs[-1]}," in shown.detail.toPlainText()


def test_export_writes_the_filtered_rows_privately(
    qtbot, dialog: AuditDialog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answers  # type: ignore[no-untyped-def]
) -> None:
    out = tmp_path / "trail.csv"
    monkeypatch.setattr(audit_dialog, "ask_csv_path", lambda parent: out)
    qtbot.keyClicks(dialog.patient, "RT-9003")
    qtbot.keyClick(dialog.patient, Qt.Key.Key_Return)
    shown = [str(e.seq) for e in _rows(dialog)]
    qtbot.keyClick(dialog, Qt.Key.Key_E, Qt.KeyboardModifier.AltModifier)
    # a mnemonic clicks its button a beat later (QAbstractButton.animateClick)
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Exported"), timeout=3000)
    assert answers["error"] == []
    assert file_mode(out) == 0o600
    with out.open(newline="", encoding="utf-8") as f:
        table = list(csv.reader(f))
    assert [r[0] for r in table[1:]] == shown
    assert {r[4] for r in table[1:]} == {"RT-9003"}
    assert dialog.status.text() == (f"Exported {len(shown)} entries to {out}; recorded as a "
                                    "disclosure of 1 patient.")
    # the export is in the trail: shown once the filters are applied again
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    newest = _rows(dialog)[0]
    assert (newest.kind, newest.actor) == ("Disclosure", "tester")
    assert "audit trail entries exported to CSV" in newest.summary


def test_a_user_the_permission_check_refuses_is_told_and_sees_nothing(
    qtbot, window, answers, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    monkeypatch.setattr(window.workspace.services.audit_view, "principal",
                        staff("kim", Role.ASSISTANT))
    opened: list[QDialog] = []
    QTimer.singleShot(2000, lambda: opened.extend(
        [w] if isinstance(w := QApplication.activeModalWidget(), QDialog) else []))
    action = window.findChild(QAction, "auditTrail")
    assert action is not None and action.isEnabled()
    action.trigger()
    assert answers["error"] == [("Audit Trail", refusal(Role.ASSISTANT, Permission.AUDIT))]
    assert not opened


def test_labels_name_the_inputs_and_the_model_is_sound(
    qtbot, dialog: AuditDialog, qtmodeltester  # type: ignore[no-untyped-def]
) -> None:
    assert_accessible(dialog)
    assert dialog.table.accessibleName() == "Entries"
    assert dialog.detail.accessibleName() == "Details"
    assert dialog.export_button.accessibleName() == "Export CSV"
    model = AuditTableModel()
    model.set_rows(_rows(dialog))
    qtmodeltester.check(model)


def test_tab_walks_the_filters_then_the_table_details_and_buttons(
    qtbot, dialog: AuditDialog  # type: ignore[no-untyped-def]
) -> None:
    dialog.user.setFocus()
    walked = []
    for _ in range(12):
        walked.append(QApplication.focusWidget())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert walked == [dialog.user, dialog.patient, dialog.kind, dialog.since, dialog.until,
                      dialog.apply_button, dialog.clear_button, dialog.table, dialog.detail,
                      dialog.export_button, dialog.findChild(QPushButton, "auditClose"),
                      dialog.user]


def test_a_note_with_line_breaks_is_one_line_in_the_table_and_whole_in_the_details(
    qtbot, dialog: AuditDialog, trail: Services  # type: ignore[no-untyped-def]
) -> None:
    with trail.db.unit_of_work("nurse.lee") as s:
        s.query(Patient).filter_by(record_number="RT-9001").one().notes = "Line one\nline two"
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    shown = dialog.model.data(dialog.model.index(0, 5))
    assert shown == "Notes: (empty) -> Line one line two"
    assert "Notes: (empty) → Line one\nline two" in dialog.detail.toPlainText()
