"""The window by keyboard alone: Tab out of the patient table, Enter in Find opens the one match,
a visible focus ring on whatever has the focus, and Help > Keyboard Shortcuts read from the
actions themselves."""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from rehab_tracker.ui.shell.main_window import MainWindow
from rehab_tracker.ui.widgets import focus_ring


def focused(qtbot, widget: QWidget) -> None:  # type: ignore[no-untyped-def]
    widget.window().activateWindow()
    widget.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(widget.hasFocus)


def test_tab_leaves_the_patient_table_without_changing_the_patient(
    window: MainWindow, qtbot
) -> None:
    table = window.patient_list.table
    focused(qtbot, table)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    chosen = window.selected_patient()
    assert chosen is not None
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus()  # the next control, not the next cell
    assert window.selected_patient() == chosen
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    assert table.hasFocus() and window.selected_patient() == chosen


def test_enter_in_find_opens_the_single_match(window: MainWindow, qtbot) -> None:
    window.set_narrow(True)  # one pane at a time: "opens" is seen, the list gives way
    find = window.patient_list.find_edit
    focused(qtbot, find)
    qtbot.keyClicks(find, "lovel")
    assert window.patient_list.model.rowCount() == 1
    qtbot.keyClick(find, Qt.Key.Key_Return)
    row = window.selected_patient()
    assert row is not None and row.name == "Ada Lovelace"
    view = window.workspace.patient_view
    assert view.isVisible() and not window.patient_list.isVisible()
    assert view.isAncestorOf(QApplication.focusWidget()) or view.hasFocus()
    assert view.overview.title.text().startswith("Ada Lovelace")


def test_enter_in_find_with_several_matches_goes_to_the_list(window: MainWindow, qtbot) -> None:
    find = window.patient_list.find_edit
    focused(qtbot, find)
    qtbot.keyClicks(find, "RT-900")
    assert window.patient_list.model.rowCount() == 4
    qtbot.keyClick(find, Qt.Key.Key_Enter)
    table = window.patient_list.table
    assert table.hasFocus()
    assert table.selectionModel().selectedRows()[0].row() == 0
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.selectionModel().selectedRows()[0].row() == 1


def test_enter_in_find_without_a_match_does_nothing(window: MainWindow, qtbot) -> None:
    find = window.patient_list.find_edit
    focused(qtbot, find)
    qtbot.keyClicks(find, "nobody")
    qtbot.keyClick(find, Qt.Key.Key_Return)
    assert find.hasFocus() and window.selected_patient() is None


def ring_around(widget: QWidget) -> bool:
    follower = QApplication.instance().findChild(focus_ring.FocusFollower)
    assert follower is not None
    ring = follower.ring
    if ring is None or not ring.isVisible() or ring.widget() is not widget:
        return False
    where = QRect(widget.mapTo(ring.parentWidget(), widget.rect().topLeft()), widget.size())
    assert ring.parentWidget().isAncestorOf(widget)
    return ring.geometry().contains(where) and ring.geometry() != where


def test_the_focus_ring_follows_the_keyboard(window: MainWindow, qtbot) -> None:
    find = window.patient_list.find_edit
    focused(qtbot, find)
    assert ring_around(find)
    qtbot.keyClick(find, Qt.Key.Key_Tab)
    qtbot.waitUntil(lambda: ring_around(QApplication.focusWidget()))
    table = window.patient_list.table
    focused(qtbot, table)
    qtbot.waitUntil(lambda: ring_around(table))  # the tables and lists too
    tabs = window.workspace.patient_view.tabBar()
    focused(qtbot, tabs)
    qtbot.waitUntil(lambda: ring_around(tabs))


def test_the_ring_is_painted_in_the_highlight_colour(window: MainWindow, qtbot) -> None:
    table = window.patient_list.table
    focused(qtbot, table)
    qtbot.waitUntil(lambda: ring_around(table))
    image = window.grab().toImage()
    highlight = table.palette().color(table.palette().ColorRole.Highlight)
    box = QRect(table.mapTo(window, table.rect().topLeft()), table.size())
    middle = box.center()
    for x, y in (
        (box.left() - 1, middle.y()),
        (box.right() + 1, middle.y()),
        (middle.x(), box.top() - 1),
        (middle.x(), box.bottom() + 1),
    ):
        assert image.pixelColor(x, y) == highlight, (x, y)  # all round, none of it clipped


def test_keyboard_shortcuts_list_comes_from_the_actions(window: MainWindow, qtbot) -> None:
    from rehab_tracker.ui.shell.help import ShortcutsDialog

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(
        window.patient_list.find_edit, Qt.Key.Key_Slash, Qt.KeyboardModifier.ControlModifier
    )
    dialog = window.findChild(ShortcutsDialog)
    assert dialog is not None and dialog.isVisible()
    shown = {
        (dialog.table.item(r, 1).text(), dialog.table.item(r, 0).text())
        for r in range(dialog.table.rowCount())
    }
    native = QKeySequence.SequenceFormat.NativeText
    expected = {
        (
            a.text().replace("&", "").rstrip("…"),
            a.shortcut().toString(native),
        )
        for a in window.findChildren(QAction)
        if not a.shortcut().isEmpty()
        and a.objectName()
        and any(a in m.actions() for m in window.menus.values())
    }
    assert expected <= shown
    assert ("Log Session", "Ctrl+L") in shown
    # a key added later is listed too: the list cannot drift from the menus
    window.add_action("&Tools", "Test &Thing", lambda: None, "testThing", shortcut="Ctrl+Alt+T")
    dialog.close()
    window.findChild(QAction, "keyboardShortcuts").trigger()
    again = next(d for d in window.findChildren(ShortcutsDialog) if d.isVisible())
    texts = {again.table.item(r, 1).text() for r in range(again.table.rowCount())}
    assert "Test Thing" in texts
    qtbot.keyClick(again.table, Qt.Key.Key_Escape)
    assert not again.isVisible()


def test_a_status_message_clears_when_the_patient_changes(window: MainWindow, qtbot) -> None:
    table = window.patient_list.table
    focused(qtbot, table)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    first = window.selected_patient()
    window.statusBar().showMessage("Session saved", 10000)
    window.workspace.refresh()  # the same patient again (after a save): the message stays
    assert window.statusBar().currentMessage() == "Session saved"
    qtbot.keyClick(table, Qt.Key.Key_Down)
    assert window.selected_patient() != first
    assert window.statusBar().currentMessage() == ""
