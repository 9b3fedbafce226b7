"""A tab's contents in one scrolling column (the patient view's tabs at 1280x800 and 200%)."""

from __future__ import annotations

from PySide6.QtWidgets import QScrollArea, QVBoxLayout, QWidget


def scrolled_column(owner: QWidget) -> QVBoxLayout:
    """Fill ``owner`` with a scroll area holding one column; returns the column to add to.

    The scroll area keeps the owner's minimum width small, so the main window stays usable on a
    1280x800 screen whatever the tab holds.
    """
    inner = QWidget()
    column = QVBoxLayout(inner)
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(inner)
    outer = QVBoxLayout(owner)
    outer.setContentsMargins(0, 0, 0, 0)
    outer.addWidget(scroll)
    return column
