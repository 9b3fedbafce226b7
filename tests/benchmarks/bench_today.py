"""Today-view benchmark: logging a session from the Today view, against a bare QDialog.

Run: ``.venv/bin/pytest tests/benchmarks/bench_today.py -q -p no:cacheprovider``. The real main
window over a clinic of 40 patients who all train today (each with its program), on its home
page. For each of several patients in turn (after one warm-up), timed as a user meets it:

- *Enter to the screen*: Enter on the patient's session in the Today list until the visit's
  first form (the red-flag screen) is on screen and the event loop idle (ready for input);
- *Continue to the form*: the screen answered ("No to all", Continue) until the session form is
  ready for input;
- *Save to Today updated*: Ctrl+S in the form (the pains typed) until the form is closed, the
  Today list read again (the session shows as attended) and the event loop idle.

Each against the same step of a bare ``QDialog`` of the same size (shown until ready; closed
until the event loop is idle). Prints the medians and the ratios; fails only above generous
ratios (the machine is shared; the figures are what to read).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "services"))
from test_sessions_support import build_patient

from rehab_tracker.ui.sessions.redflag_dialog import RedFlagDialog
from rehab_tracker.ui.sessions.session_form import SessionFormDialog
from rehab_tracker.ui.today.feature import TodayFeature
from tests.gui.conftest import answers  # noqa: F401 (the fixture: messages never block)
from tests.gui.installed import installed
from tests.staff import staff

PATIENTS = int(os.environ.get("BENCH_TODAY_PATIENTS", "40"))
RUNS = 5
#: generous bars: a form with a prefilled program is more than an empty dialog
OPEN_LIMIT = 40.0
SAVE_LIMIT = 60.0

pytestmark = pytest.mark.benchmark


class ShownWatch(QObject):
    """Records when a dialog of ``kind`` is first shown, the event loop next idle and the dialog
    active, then runs ``then(dialog)``."""

    def __init__(self, kind: type[QDialog], then: Callable[[QDialog], None]) -> None:
        super().__init__()
        self.kind, self.then = kind, then
        self.ready: float | None = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            self.ready is None
            and event.type() == QEvent.Type.Show
            and isinstance(watched, self.kind)
        ):
            dialog = watched
            QTimer.singleShot(0, lambda: self._idle(dialog))
        return False

    def _idle(self, dialog: QDialog) -> None:
        """Ready for input: shown, the posted events run and the window active (keys reach
        it; the form's Ctrl+S is a window shortcut)."""
        if not dialog.isActiveWindow():
            dialog.activateWindow()
            QTimer.singleShot(1, lambda: self._idle(dialog))
            return
        self.ready = time.perf_counter()
        self.then(dialog)


def watch(kind: type[QDialog], then: Callable[[QDialog], None]) -> ShownWatch:
    w = ShownWatch(kind, then)
    QApplication.instance().installEventFilter(w)
    return w


def idle() -> float:
    """The time once the events already posted have run."""
    app = QApplication.instance()
    app.processEvents()
    return time.perf_counter()


def log_one(qtbot, win, view, row: int) -> tuple[float, float, float, QDialog]:  # type: ignore[no-untyped-def]
    """Enter on ``row`` of the Today list, the screen answered, the form saved: the three
    times (seconds) and the session form (for its size)."""
    marks: dict[str, float] = {}
    forms: list[QDialog] = []

    def screen(d: QDialog) -> None:
        assert isinstance(d, RedFlagDialog)
        qtbot.keyClick(d.all_no, Qt.Key.Key_Space)
        marks["continue"] = time.perf_counter()
        qtbot.keyClick(d.continue_button, Qt.Key.Key_Space)

    def form(d: QDialog) -> None:
        forms.append(d)
        for value in ("2", "1", "2", "1"):  # pain before and after (not timed)
            qtbot.keyClicks(d.focusWidget(), value)
            qtbot.keyClick(d.focusWidget(), Qt.Key.Key_Tab)
        # every exercise done as prescribed (Ctrl+D: an untouched one is not recorded)
        qtbot.keyClick(d.focusWidget(), Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
        marks["save"] = time.perf_counter()
        qtbot.keyClick(d.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        if d.isVisible():  # the save was refused: close it, so the run fails instead of waiting
            d.reject()

    screen_watch = watch(RedFlagDialog, screen)
    form_watch = watch(SessionFormDialog, form)
    table = view.day.sessions_table
    table.setFocus()
    table.setCurrentIndex(view.day.sessions.index(row, 0))
    try:
        start = time.perf_counter()
        qtbot.keyClick(table, Qt.Key.Key_Return)
        done = idle()
    finally:
        QApplication.instance().removeEventFilter(screen_watch)
        QApplication.instance().removeEventFilter(form_watch)
    assert screen_watch.ready is not None and form_watch.ready is not None
    assert view.day.sessions.rows[row].state_text == "attended"
    return (
        screen_watch.ready - start,
        form_watch.ready - marks["continue"],
        done - marks["save"],
        forms[0],
    )


def bare_times(width: int, height: int) -> tuple[float, float]:
    """(shown until ready, closed until idle) of a bare QDialog of this size."""
    dialog = QDialog()
    dialog.resize(width, height)
    marks: dict[str, float] = {}

    def shown(d: QDialog) -> None:
        marks["close"] = time.perf_counter()
        d.accept()

    w = watch(QDialog, shown)
    try:
        start = time.perf_counter()
        dialog.exec()
        closed = idle()
    finally:
        QApplication.instance().removeEventFilter(w)
    assert w.ready is not None
    dialog.deleteLater()
    return w.ready - start, closed - marks["close"]


@pytest.mark.usefixtures("answers")
def test_log_from_today_against_a_bare_dialog(qtbot, db, today) -> None:  # type: ignore[no-untyped-def]
    from rehab_tracker.app import create_main_window

    for i in range(PATIENTS):
        build_patient(
            db, today, weeks_ago=1 + i % 10, given=f"Given{i:02d}", family=f"Family{i:02d}"
        )
    win = create_main_window(db, today=today, principal=staff("bench"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    view = installed(win, TodayFeature).view
    assert win.showing_home() and len(view.day.sessions.rows) == PATIENTS

    log_one(qtbot, win, view, 0)  # warm-up: the dialogs' modules load on first use
    runs = [log_one(qtbot, win, view, i) for i in range(1, RUNS + 1)]
    size = runs[-1][3].size()
    bare_times(size.width(), size.height())  # warm-up
    bare = [bare_times(size.width(), size.height()) for _ in range(RUNS)]

    screen = statistics.median(r[0] for r in runs)
    form = statistics.median(r[1] for r in runs)
    save = statistics.median(r[2] for r in runs)
    show = statistics.median(b[0] for b in bare)
    close = statistics.median(b[1] for b in bare)

    def line(label: str, app: float, floor: float) -> str:
        return (
            f"  {label:<34} {app * 1000:7.1f} ms   bare QDialog {floor * 1000:6.1f} ms   "
            f"ratio {app / floor:5.1f}x"
        )

    print(
        f"\nlogging a session from the Today view ({PATIENTS} patients training today; "
        f"medians of {RUNS}; bare QDialog {size.width()}x{size.height()}):\n"
        + line("Enter -> red-flag screen ready", screen, show)
        + "\n"
        + line("Continue -> session form ready", form, show)
        + "\n"
        + line("Save -> Today view updated", save, close)
        + f"\n  (fails above {OPEN_LIMIT:.0f}x to open, {SAVE_LIMIT:.0f}x to save)"
    )
    assert screen / show < OPEN_LIMIT
    assert form / show < OPEN_LIMIT
    assert save / close < SAVE_LIMIT
