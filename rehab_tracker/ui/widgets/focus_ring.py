"""A visible focus ring around whichever control has the keyboard focus, in every window.

The styles Qt ships on Linux and Windows mark the focus faintly (Fusion: a thin tinted frame on
line edits, a dotted rectangle on buttons, nothing around a table or a list), too little to
follow with the keyboard alone. ``install(app)`` makes one ring, in the palette's highlight colour
and :data:`WIDTH` pixels wide, follow the focus: a :class:`QFocusFrame` (Qt keeps it around its
widget through moves, resizes and hiding), painted by this module instead of the style.

Popups (menus, a combo box's list) keep their own highlight; a window with the focus on itself
has no ring. The ring's classes (``_focus_frame``) load with the first ring: making Qt types
subclassable costs tens of milliseconds, which the start-up path does not pay.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QApplication, QWidget

if TYPE_CHECKING:
    from rehab_tracker.ui.widgets._focus_frame import FocusRing

#: the ring's width in (logical) pixels: the style's focus-frame margin (2 in Qt's common style)
WIDTH = 2
#: the object name of the application's follower (install is idempotent)
_NAME = "focusRingFollower"


class FocusFollower(QObject):
    """Moves the ring to the widget that takes the focus (a new ring when Qt deleted the last
    one with its parent)."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.ring: FocusRing | None = None
        app.focusChanged.connect(self.follow)

    def follow(self, _old: QWidget | None, new: QWidget | None) -> None:
        target = new if new is not None and wants_ring(new) else None
        ring = self.ring
        if ring is not None and not shiboken6.isValid(ring):
            ring = self.ring = None  # deleted with the parent of the widget it followed
        if target is None:
            if ring is not None:
                ring.setWidget(None)  # type: ignore[arg-type]  # Qt takes none: hide
            return
        if ring is None:
            from rehab_tracker.ui.widgets._focus_frame import FocusRing

            ring = self.ring = FocusRing()
            ring.setObjectName("focusRing")
        ring.setWidget(target)


def wants_ring(widget: QWidget) -> bool:
    """Controls inside a window; not a window itself, nor anything in a popup."""
    if widget.isWindow() or widget.parentWidget() is None:
        return False
    return widget.window().windowType() not in _POPUPS


_POPUPS = (Qt.WindowType.Popup, Qt.WindowType.ToolTip)


def install(app: QApplication) -> FocusFollower:
    """Show the ring in every window of ``app`` from now on (once per application)."""
    existing = app.findChild(FocusFollower, _NAME)
    if existing is not None:
        return existing
    follower = FocusFollower(app)
    follower.setObjectName(_NAME)
    follower.follow(None, app.focusWidget())  # the control that has the focus already
    return follower
