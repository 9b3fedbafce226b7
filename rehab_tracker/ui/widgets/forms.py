"""Form helpers: a labelled field with its error label below, buddies and mnemonics, errors.

Usage::

    form = FieldForm()
    name = form.add("given_name", "&Given name", QLineEdit())
    ...
    form.show_errors(exc.errors)   # each message under its field; others in the form's banner
    focus_first_error(form)        # a refused save: the keyboard goes to the first one


Every input gets an accessible name equal to its visible label (without the ``&``), the label
gets it as buddy (so Alt+mnemonic focuses it), and the red error label is accessible too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #b00020;"
#: the dynamic property of a field in error: its message ("" once fixed); see mark_error
ERROR_PROPERTY = "fieldError"
W = TypeVar("W", bound=QWidget)
B = TypeVar("B", bound=QAbstractButton)


def plain(label: str) -> str:
    """The visible text of a label with a mnemonic (``&Given name`` -> ``Given name``)."""
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


def name_widget(widget: QWidget, label: str) -> None:
    """Give a widget the accessible name of its visible label."""
    widget.setAccessibleName(plain(label))


def button_name(text: str) -> str:
    """A button's accessible name: its visible text without the mnemonic and a trailing "…"."""
    return plain(text).rstrip("…")


def name_button(button: B, object_name: str = "", accessible_name: str = "") -> B:
    """Give ``button`` its object name (when given) and its accessible name: ``button_name`` of
    its text unless given."""
    if object_name:
        button.setObjectName(object_name)
    button.setAccessibleName(accessible_name or button_name(button.text()))
    return button


def push_button(text: str, object_name: str, accessible_name: str = "") -> QPushButton:
    """A push button named by ``name_button``."""
    return name_button(QPushButton(text), object_name, accessible_name)


def save_cancel_row(
    save_text: str, object_prefix: str, save: Callable[[], object], cancel: Callable[[], object]
) -> tuple[QHBoxLayout, QPushButton, QPushButton]:
    """A dialog's button row, right-aligned: the default Save button (``save_text``, object name
    ``<prefix>Save``) calling ``save``, then Cancel (``<prefix>Cancel``) calling ``cancel``."""
    save_button = push_button(save_text, f"{object_prefix}Save")
    save_button.setDefault(True)
    save_button.clicked.connect(save)
    cancel_button = push_button("Cancel", f"{object_prefix}Cancel")
    cancel_button.clicked.connect(cancel)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(save_button)
    row.addWidget(cancel_button)
    return row, save_button, cancel_button


def buddy_label(text: str, widget: QWidget) -> QLabel:
    """A label for ``widget`` outside a FieldForm: Alt+its mnemonic focuses the widget, which takes
    the label's text (without the mnemonic and a trailing colon) as its accessible name."""
    label = QLabel(text)
    label.setBuddy(widget)
    name_widget(widget, plain(text).rstrip(":"))
    return label


def search_box(object_name: str, label: str, placeholder: str = "") -> tuple[QLineEdit, QLabel]:
    """A search field with a clear button, and its label (``buddy_label``)."""
    edit = QLineEdit()
    edit.setObjectName(object_name)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    # Qt's clear button has no name of its own: a screen reader read "button"
    for button in edit.findChildren(QToolButton):
        button.setAccessibleName(f"Clear {plain(label).rstrip(':')}")
    return edit, buddy_label(label, edit)


def error_label() -> QLabel:
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.setVisible(False)
    return label


WARNING_STYLE = "color: #8a5300;"


def text_label(
    object_name: str,
    accessible_name: str = "",
    *,
    rich: bool = False,
    style: str = "",
    description: str = "",
) -> QLabel:
    """A word-wrapped label for text the code fills in (a summary, a preview, warnings, a tab's
    status line: ``description`` is then its accessible description)."""
    label = QLabel()
    label.setObjectName(object_name)
    if description:
        label.setAccessibleDescription(description)
    label.setWordWrap(True)
    if rich:
        label.setTextFormat(Qt.TextFormat.RichText)
    if style:
        label.setStyleSheet(style)
    if accessible_name:
        label.setAccessibleName(accessible_name)
    return label


class FieldForm(QWidget):
    """A QFormLayout of labelled fields, each with an error label below it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # narrow windows (200% scaling on a laptop) put long labels above their fields
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.banner = error_label()
        self.banner.setAccessibleName("Form errors")
        self.layout_.addRow(self.banner)
        self.fields: dict[str, QWidget] = {}
        self.labels: dict[str, QLabel] = {}
        self.errors: dict[str, QLabel] = {}

    def add(self, key: str, label: str, widget: W, *, buddy: QWidget | None = None) -> W:
        """Add ``widget`` under ``label`` (with ``&`` mnemonic); returns the widget."""
        text = QLabel(label)
        target = buddy or widget
        if isinstance(buddy, QAbstractButton) and widget is not buddy:
            # a label clicks a button buddy: Alt+L on "Levels" ticked the first level. The
            # group is the buddy instead, passing the focus to its first button untouched
            # (click focus only: the group is no extra Tab stop)
            widget.setFocusProxy(buddy)
            widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
            text.setBuddy(widget)
        else:
            text.setBuddy(target)
        if not isinstance(target, QAbstractButton):  # a button keeps its own text as name
            name_widget(target, label)
        err = error_label()
        err.setAccessibleName(f"{plain(label)} error")
        # the box takes the whole field width so the error message wraps as little as possible;
        # a compact input (date, number, choice) keeps its natural width, on the left
        box = QWidget()
        box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        policy = widget.sizePolicy().horizontalPolicy()
        if policy in (QSizePolicy.Policy.Expanding, QSizePolicy.Policy.MinimumExpanding):
            column.addWidget(widget)
        else:
            column.addWidget(widget, 0, Qt.AlignmentFlag.AlignLeft)
        column.addWidget(err)
        self.layout_.addRow(text, box)
        self.fields[key] = widget
        self.labels[key] = text
        self.errors[key] = err
        return widget

    def set_row_visible(self, key: str, visible: bool) -> None:
        self.layout_.setRowVisible(self.labels[key], visible)

    def show_errors(self, errors: Mapping[str, str]) -> None:
        show_errors(self, errors)

    def show_error(self, key: str, message: str) -> None:
        """Show ``message`` under field ``key`` (or clear it, for ""); the other fields keep
        theirs."""
        label = self.errors[key]
        label.setText(message)
        label.setAccessibleDescription(message)
        label.setVisible(bool(message))
        mark_error(self.fields[key], message)
        if message:
            grow_dialog_to_fit(self)


def mark_error(widget: QWidget, message: str) -> None:
    """Mark ``widget`` as a field in error with ``message`` (or as fixed, for ""): its
    accessible description is the message, and :func:`focus_first_error` finds it."""
    widget.setProperty(ERROR_PROPERTY, message)
    widget.setAccessibleDescription(message)


def _in_error(widget: QWidget) -> bool:
    return bool(widget.property(ERROR_PROPERTY))


def _focus_chain(start: QWidget) -> Iterator[QWidget]:
    """The widgets after ``start`` in Tab order, once round the ring."""
    current = start.nextInFocusChain()
    for _ in range(10_000):  # a ring: never loop forever on a broken one
        if current is None or current is start:
            return
        yield current
        current = current.nextInFocusChain()


def _focus_target(widget: QWidget) -> QWidget | None:
    """What takes the keyboard for ``widget``: itself (or its focus proxy), else its first
    input (a group of check boxes)."""
    if widget.focusProxy() is not None or widget.focusPolicy() & Qt.FocusPolicy.TabFocus:
        return widget
    for child in _focus_chain(widget):
        if not widget.isAncestorOf(child):
            return None
        if child.focusPolicy() & Qt.FocusPolicy.TabFocus and child.isEnabled():
            return child
    return None


def focus_first_error(widget: QWidget) -> QWidget | None:
    """After a refused save: put the keyboard on the first field in error of ``widget``'s
    window, in Tab order (the order the form is read in), scrolled into view; a screen reader
    then reads its name and, as its description, the message. Returns the field (None when
    no field shows an error: the message is in a banner)."""
    window = widget.window()
    for current in _focus_chain(window):
        if _in_error(current) and current.isVisibleTo(window) and current.isEnabled():
            target = _focus_target(current)
            if target is not None:
                _scroll_to(target)
                target.setFocus(Qt.FocusReason.OtherFocusReason)
                return current
    return None


def _scroll_to(widget: QWidget) -> None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            parent.ensureWidgetVisible(widget)
        parent = parent.parentWidget()


def grow_dialog_to_fit(widget: QWidget) -> None:
    """Make ``widget``'s dialog tall enough for its wrapped text (never shorter, never past the
    screen): a shown dialog keeps its size, so a message wrapping onto a second line was drawn
    squeezed into one, over the field above it."""
    window = widget.window()
    layout = window.layout()
    if not isinstance(window, QDialog) or not window.isVisible() or layout is None:
        return
    layout.activate()
    width = window.width()
    need = (
        layout.totalHeightForWidth(width)
        if layout.hasHeightForWidth()
        else layout.totalSizeHint().height()
    )
    screen = window.screen()
    if screen is not None:
        need = min(need, screen.availableGeometry().height())
    if need > window.height():
        window.resize(width, need)


def show_errors(form: FieldForm, errors: Mapping[str, str]) -> None:
    """Show each message under its field (clearing the others); unknown keys go to the banner."""
    for key in form.errors:
        form.show_error(key, errors.get(key, ""))
    others = [m for k, m in errors.items() if k not in form.errors]
    form.banner.setText("\n".join(others))
    form.banner.setVisible(bool(others))
