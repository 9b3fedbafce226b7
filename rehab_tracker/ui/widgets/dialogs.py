"""Message boxes in one place, so tests can answer them (monkeypatch these functions).

Never call QMessageBox's static functions elsewhere: use ``confirm``, ``inform``, ``error`` and
``ask_reload``.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QMessageBox,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask a yes/no question; True when the user chose Yes (No is the default button)."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def error(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.critical(parent, title, text)


def ask_reload(parent: QWidget | None, title: str, text: str) -> bool:
    """Someone else changed the record: True when the user chose Reload (the default keeps what
    was typed, so nothing typed is thrown away by Enter or Escape)."""
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    reload = box.addButton("&Reload", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("&Keep what I typed", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    return box.clickedButton() is reload


def is_narrow_screen(widget: QWidget, width: int = 1000) -> bool:
    """True when the screen offers fewer than ``width`` logical pixels (e.g. 200% scaling)."""
    screen = widget.screen()
    return screen is not None and screen.availableGeometry().width() < width


def fit_to_screen(widget: QWidget, width: int, height: int) -> None:
    """Resize to the preferred size, but never beyond 95% of the available screen."""
    screen = widget.screen()
    if screen is not None:
        available = screen.availableGeometry()
        width = min(width, int(available.width() * 0.95))
        height = min(height, int(available.height() * 0.9))
    widget.resize(width, height)


def save_cancel_buttons(dialog: QDialog, save: Callable[[], None]) -> QDialogButtonBox:
    """Save and Cancel for a form dialog: Save (object name ``saveButton``) calls ``save``, Cancel
    the dialog's ``reject``."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.button(QDialogButtonBox.StandardButton.Save).setObjectName("saveButton")
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    return buttons


class ViewDialog(QDialog):
    """A window holding one view (``self.view``) above a Close button, opening at ``size``
    within the screen: the exercise library and patient education windows."""

    def __init__(
        self,
        view: QWidget,
        *,
        object_name: str,
        title: str,
        size: tuple[int, int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setWindowTitle(title)
        self.view = view
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, *size)


def progress_dialog(
    parent: QWidget | None, title: str, text: str, object_name: str
) -> tuple[QProgressDialog, Callable[[int, int], None]]:
    """A window-modal progress dialog without Cancel, and the ``step(done, total)`` callback a
    service's ``progress`` parameter takes (it keeps the window painting meanwhile)."""
    progress = QProgressDialog(text, None, 0, 1, parent)  # type: ignore[call-overload]
    progress.setObjectName(object_name)
    progress.setWindowTitle(title)
    progress.setAccessibleName(title)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(0)
    progress.setAutoClose(False)
    progress.setValue(0)

    def step(done: int, total: int) -> None:
        progress.setMaximum(max(total, 1))
        progress.setValue(done)
        QApplication.processEvents()

    return progress, step
