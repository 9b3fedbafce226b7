"""Walk a widget tree: every input and action has an accessible name equal to its label."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from rehab_tracker.ui.widgets.forms import plain

INPUTS = (QLineEdit, QComboBox, QAbstractSpinBox, QDateEdit, QCheckBox, QPlainTextEdit)


def _label_texts(root: QWidget) -> dict[int, str]:
    """Widget id -> text of the label whose buddy it is."""
    out = {}
    for label in root.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None:
            out[id(buddy)] = plain(label.text()).rstrip(":")
    return out


def assert_accessible(root: QWidget) -> None:
    labels = _label_texts(root)
    problems = []
    for widget in root.findChildren(QWidget):
        if not isinstance(widget, INPUTS) or widget.parent() is None:
            continue
        if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
            continue  # the line edit inside a combo or spin box
        name = widget.accessibleName()
        if isinstance(widget, QAbstractButton):
            expected = plain(widget.text())
        else:
            expected = labels.get(id(widget))
        if not name:
            problems.append(f"{type(widget).__name__} {widget.objectName()!r}: no accessible name")
        elif expected is not None and name != expected:
            problems.append(f"{type(widget).__name__}: accessible name {name!r} != {expected!r}")
    for action in root.actions():
        if action.isSeparator():
            continue
        if not plain(action.text()).strip():
            problems.append(f"action {action.objectName()!r} has no text")
    assert not problems, "\n".join(problems)
