"""The Help menu's windows: Keyboard Shortcuts, the User Guide and About.

Imported on first use (Help > ...), never at start-up. The shortcuts list is read from the
window's own actions, so it always says what the keys do today; the guide is the Markdown file
shipped in ``resources/guide/`` (read from disk, nothing online); About reads the versions and
licences from the installed package metadata (``services.about``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker import APP_NAME, __version__
from rehab_tracker.data import locations
from rehab_tracker.ui.widgets import dialogs
from rehab_tracker.ui.widgets.forms import plain

SHORTCUTS_TITLE = "Keyboard Shortcuts"
GUIDE_TITLE = "User Guide"
ABOUT_TITLE = f"About {APP_NAME}"
#: the user guide, inside the shipped resources folder
GUIDE_FILE = ("guide", "user-guide.md")
#: keys that belong to controls rather than to a menu command (not QActions: stated once here)
CONTROL_KEYS = (
    ("Patient list", "Open the patient when Find matches one", "Enter in Find"),
    ("Patient list", "Open the selected patient", "Enter"),
    ("Everywhere", "Next / previous control", "Tab, Shift+Tab"),
    ("Everywhere", "Open a menu, go to a field", "Alt+underlined letter"),
)


def shortcut_rows(menus: Sequence[QMenu]) -> list[tuple[str, str, str]]:
    """(menu, command, key) for every action in ``menus`` that has a key, in menu order (its
    first key: the platform's other bindings of a standard key are keyboard keys such as Find
    or Back that few keyboards have)."""
    rows = []
    for menu in menus:
        for action in _actions(menu):
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                rows.append((plain(menu.title()), plain(action.text()).rstrip("…"), keys))
    return rows


def _actions(menu: QMenu) -> list[QAction]:
    found = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            found.extend(_actions(sub))
        elif not action.isSeparator():
            found.append(action)
    return found


def _close_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    close = buttons.button(QDialogButtonBox.StandardButton.Close)
    close.setAccessibleName("Close")
    return buttons


class ShortcutsDialog(QDialog):
    """Every menu command with a key, then the keys of the controls."""

    def __init__(self, window: QMainWindow, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle(SHORTCUTS_TITLE)
        self.setAccessibleName(SHORTCUTS_TITLE)
        menus = [a.menu() for a in window.menuBar().actions()]
        rows = shortcut_rows([m for m in menus if isinstance(m, QMenu)]) + list(CONTROL_KEYS)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("shortcutsTable")
        self.table.setAccessibleName(SHORTCUTS_TITLE)
        # the keys first: in a narrow window (200%) they and the command stay in view
        self.table.setHorizontalHeaderLabels(["Keys", "Command", "Where"])
        for r, (where, command, keys) in enumerate(rows):
            for c, text in enumerate((keys, command, where)):
                self.table.setItem(r, c, QTableWidgetItem(text))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(_close_buttons(self))
        self.rows = rows
        dialogs.fit_to_screen(self, 620, 560)


def read_guide() -> str:
    """The shipped user guide's Markdown."""
    return locations.resources_dir().joinpath(*GUIDE_FILE).read_text(encoding="utf-8")


class GuideDialog(QDialog):
    """The user guide, from the file shipped with the app."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideDialog")
        self.setWindowTitle(GUIDE_TITLE)
        self.browser = QTextBrowser()
        self.browser.setObjectName("guideText")
        self.browser.setAccessibleName(GUIDE_TITLE)
        self.browser.setOpenLinks(False)  # offline: nothing is fetched
        self.browser.setMarkdown(read_guide())
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(_close_buttons(self))
        dialogs.fit_to_screen(self, 720, 640)


def about_html(database: str) -> str:
    """About's text: version, the database in use, the app's and every shipped part's licence."""
    from rehab_tracker.services.about import app_licence, shipped_parts

    rows = "".join(
        f"<tr><td>{html.escape(p.name)}</td><td>{html.escape(p.version)}</td>"
        f"<td>{html.escape(p.licence)}</td></tr>"
        for p in shipped_parts()
    )
    return (
        f"<h2>{html.escape(APP_NAME)} {html.escape(__version__)}</h2>"
        "<p>The 12-week rehabilitation program after lumbar micro-discectomy, for "
        "physiotherapists.</p>"
        f"<p><b>Database in use:</b> {html.escape(database)}</p>"
        f"<p><b>Licence:</b> {html.escape(app_licence())}</p>"
        "<h3>Built with</h3>"
        "<p>These parts ship with the app, each under its own licence (as its package "
        "declares it). Qt for Python (PySide6) is used under the LGPL 3.0.</p>"
        '<table cellpadding="3"><tr><th align="left">Part</th><th align="left">Version</th>'
        f'<th align="left">Licence</th></tr>{rows}</table>'
    )


class AboutDialog(QDialog):
    def __init__(self, database: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(ABOUT_TITLE)
        self.text = QTextBrowser()
        self.text.setObjectName("aboutText")
        self.text.setAccessibleName(ABOUT_TITLE)
        self.text.setOpenLinks(False)
        self.text.setHtml(about_html(database))
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(_close_buttons(self))
        dialogs.fit_to_screen(self, 640, 600)
