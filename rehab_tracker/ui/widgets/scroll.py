"""Scroll areas: content that scrolls rather than squashes in a narrow window or at 200% scaling.

``scroll_area`` holds one widget; ``scrolled`` stacks widgets and layouts in one column inside a
scroll area (the dialogs and forms); ``scrolled_column`` fills a tab with one (the patient view's
tabs at 1280x800 and 200%); ``fill_scrolling`` fills a tab with content built beforehand.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLayout, QScrollArea, QVBoxLayout, QWidget


def scroll_area(content: QWidget, *, frame: bool = True) -> QScrollArea:
    """A scroll area that resizes ``content`` to its width; ``frame=False`` draws no border.

    Round content with inputs the area itself is no Tab stop: a dialog's first focus went to
    the frame instead of the first field (the walkthrough of issue 11). It still scrolls to
    each field the keyboard reaches; content without inputs keeps it (the arrow keys scroll).
    """
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    if any(w.focusPolicy() & Qt.FocusPolicy.TabFocus for w in content.findChildren(QWidget)):
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    if not frame:
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(content)
    return scroll


def scrolled(
    *parts: QWidget | QLayout, stretch: bool = False, frame: bool = True
) -> QScrollArea:
    """A scroll area holding ``parts`` (widgets or layouts) one below the other, in order;
    ``stretch`` adds a stretch below them so they keep to the top."""
    inner = QWidget()
    column = QVBoxLayout(inner)
    for part in parts:
        if isinstance(part, QLayout):
            column.addLayout(part)
        else:
            column.addWidget(part)
    if stretch:
        column.addStretch(1)
    return scroll_area(inner, frame=frame)


def scrolled_column(owner: QWidget, *, frame: bool = True) -> QVBoxLayout:
    """Fill ``owner`` with a scroll area holding one column; returns the column to add to.

    The scroll area keeps the owner's minimum width small, so the main window stays usable on a
    1280x800 screen whatever the tab holds.
    """
    inner = QWidget()
    column = QVBoxLayout(inner)
    fill_scrolling(owner, inner, frame=frame)
    return column


def fill_scrolling(owner: QWidget, content: QWidget, *, frame: bool = True) -> None:
    """Fill ``owner`` (edge to edge) with a scroll area holding ``content``, already built."""
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll_area(content, frame=frame))
