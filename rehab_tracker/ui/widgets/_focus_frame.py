"""The focus ring's widget (see :mod:`rehab_tracker.ui.widgets.focus_ring`), loaded with the
first ring."""

from __future__ import annotations

from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFocusFrame,
    QProxyStyle,
    QStyle,
    QStyleHintReturn,
    QStyleOption,
    QWidget,
)


class _AboveStyle(QProxyStyle):
    """The application's style, except that the ring sits in the window (or the scroll area)
    above its widget rather than in the widget's parent, which would clip it where the widget
    touches the parent's edge (the patient table beside the splitter)."""

    def styleHint(
        self,
        hint: QStyle.StyleHint,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
        returnData: QStyleHintReturn | None = None,
    ) -> int:
        if hint == QStyle.StyleHint.SH_FocusFrame_AboveWidget:
            return 1
        return super().styleHint(hint, option, widget, returnData)


class FocusRing(QFocusFrame):
    """The ring: the focus frame Qt positions, filled with the highlight colour (its mask, set
    by Qt from the style's focus-frame margins, leaves only the ring)."""

    def __init__(self) -> None:
        super().__init__()
        app = QApplication.instance()
        base = app.style() if isinstance(app, QApplication) else None
        self._style = _AboveStyle(base.name() if base is not None else "fusion")
        self.setStyle(self._style)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Highlight))
