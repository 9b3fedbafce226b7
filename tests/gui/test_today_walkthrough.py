"""Defects found in a walkthrough of issue 11's Today view: the booking dialog's buttons have
mnemonics of their own, a past session never logged reads "not logged" on the Week page, the
Today list's Status column shows its whole text. Driven with real keys in the main window."""

from __future__ import annotations

import contextlib
import datetime as dt
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QLabel

from rehab_tracker.ui.today.booking import BookingDialog
from tests.gui.test_session_menu import drive
from tests.gui.test_today_view import _type_date, make_window, press, visit


def _mnemonics(dialog: BookingDialog) -> list[str]:
    texts = [w.text() for w in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)]
    return [m.lower() for t in texts for m in re.findall(r"&([^&\s])", t)]


def closed(qtbot, w) -> None:  # type: ignore[no-untyped-def]
    """Wait up to a second for ``w`` to close."""
    with contextlib.suppress(AssertionError):  # the caller's assertion says so
        qtbot.waitUntil(lambda: not w.isVisible(), timeout=1000)


def test_alt_v_saves_a_move_and_no_mnemonic_clashes(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, _, win, view = make_window(qtbot, db, today)
    press(qtbot, win, "Ctrl+2")
    week = view.week
    moving = week.current()
    assert moving is not None and moving.day == today
    tuesday = today + dt.timedelta(days=1)
    seen: dict[str, object] = {}

    def move(w):  # type: ignore[no-untyped-def]
        letters = _mnemonics(w)
        seen["letters"] = sorted(letters)
        _type_date(qtbot, w.date, tuesday)
        qtbot.keyClick(w.time, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
        closed(qtbot, w)  # a mnemonic clicks the button after a short animation
        seen["open"] = w.isVisible()
        if w.isVisible():  # the fallback: never leave the dialog open
            w.reject()

    done = drive(qtbot, win, [(BookingDialog, move)])
    week.move_button.setFocus()
    qtbot.keyClick(week.move_button, Qt.Key.Key_Space)
    assert done == ["BookingDialog"]
    assert seen["open"] is False
    assert len(seen["letters"]) == len(set(seen["letters"])), seen["letters"]  # type: ignore[arg-type]
    assert {"v", "c", "d", "t"} <= set(seen["letters"])  # type: ignore[arg-type]
    assert [x.slot_id for x in week.model.days[1] if x.slot_id == moving.slot_id] == [
        moving.slot_id
    ]


def test_booking_a_new_session_has_distinct_mnemonics(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, _, win, view = make_window(qtbot, db, today)
    seen: dict[str, object] = {}

    def book(w):  # type: ignore[no-untyped-def]
        seen["letters"] = _mnemonics(w)
        qtbot.keyClick(w.date, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # Cancel
        closed(qtbot, w)
        seen["open"] = w.isVisible()
        if w.isVisible():
            w.reject()

    done = drive(qtbot, win, [(BookingDialog, book)])
    qtbot.keyClick(view.day.book_button, Qt.Key.Key_Space)
    assert done == ["BookingDialog"]
    letters = list(seen["letters"])  # type: ignore[call-overload]
    assert len(letters) == len(set(letters)), letters
    assert {"p", "s", "d", "t", "v", "c"} <= set(letters), letters
    assert seen["open"] is False


def test_a_past_session_never_logged_is_not_logged_on_the_week(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, _, win, view = make_window(qtbot, db, today)
    press(qtbot, win, "Ctrl+2")
    week = view.week
    # this week: today's and later sessions are still to log
    this = [a for day in week.model.days for a in day]
    assert this and all(a.day >= today and a.state_text == "to log" for a in this)
    assert "to log" in week.model.data(week.model.index(0, 0))
    qtbot.keyClick(week.previous_button, Qt.Key.Key_Space)
    past = [a for day in week.model.days for a in day]
    assert past and all(a.day < today and not a.logged for a in past)
    for column, day in enumerate(week.model.days):
        for row, _a in enumerate(day):
            text = week.model.data(week.model.index(row, column))
            assert text.endswith(", not logged"), text
            tip = week.model.data(week.model.index(row, column), Qt.ItemDataRole.ToolTipRole)
            assert tip.endswith(": not logged"), tip


def test_the_status_column_shows_its_whole_text(qtbot, db, today, answers) -> None:  # type: ignore[no-untyped-def]
    _, _, win, view = make_window(qtbot, db, today)
    day = view.day
    day.missed_table.setFocus()
    done = drive(qtbot, win, visit(qtbot, lambda w: None))
    qtbot.keyClick(day.missed_table, Qt.Key.Key_Return)  # a session logged on another day
    assert done == ["RedFlagDialog", "SessionFormDialog"]
    qtbot.wait(10)
    table = day.sessions_table
    status = day.sessions.headers.index("Status")
    texts = [str(day.sessions.index(r, status).data()) for r in range(day.sessions.rowCount())]
    longest = max(texts, key=table.fontMetrics().horizontalAdvance)
    assert longest.startswith("attended (planned ")
    assert table.columnWidth(status) >= table.fontMetrics().horizontalAdvance(longest), (
        table.columnWidth(status),
        longest,
    )
