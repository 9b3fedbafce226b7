"""Help > User Guide (shipped, offline) and Help > About (version, database, licences)."""

from __future__ import annotations

import importlib.metadata

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction

from rehab_tracker import __version__
from rehab_tracker.services.about import UNDECLARED, licence_of, shipped_parts
from rehab_tracker.ui.shell.main_window import MainWindow


def visible(window: MainWindow, kind: type):  # type: ignore[no-untyped-def]
    return next(d for d in window.findChildren(kind) if d.isVisible())


def test_user_guide_opens_offline_from_the_shipped_file(window: MainWindow, qtbot) -> None:
    from rehab_tracker.ui.shell.help import GuideDialog

    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.patient_list.find_edit, Qt.Key.Key_F1)
    guide = visible(window, GuideDialog)
    text = guide.browser.toPlainText()
    assert text.startswith("Rehab Tracker: a short user guide")
    assert "Log Session (Ctrl+L)" in text and "Connect to a clinic server" in text
    assert guide.browser.accessibleName() == "User Guide"
    qtbot.keyClick(guide.browser, Qt.Key.Key_Escape)
    assert not guide.isVisible()


def test_the_guide_names_the_keys_the_actions_have(window: MainWindow) -> None:
    from rehab_tracker.ui.shell.help import read_guide

    guide = read_guide()
    for name in ("logSession", "newPatient", "progressReport", "backupDatabase"):
        action = window.findChild(QAction, name)
        plain = action.text().replace("&", "").rstrip("…")
        assert f"{plain}** ({action.shortcut().toString()})" in guide, name


def test_about_shows_version_database_and_licences(window: MainWindow, qtbot) -> None:
    from rehab_tracker.ui.shell.help import AboutDialog

    window.findChild(QAction, "about").trigger()
    about = visible(window, AboutDialog)
    text = about.text.toPlainText()
    assert f"Rehab Tracker {__version__}" in text
    assert f"Database in use: {window.workspace.services.db.display_name}" in text
    sqlalchemy = importlib.metadata.version("SQLAlchemy")
    assert f"SQLAlchemy\n{sqlalchemy}\nMIT" in text  # a table row: part, version, licence
    assert "PySide6_Essentials" in text and "LGPL-3.0-only" in text
    assert "Python Software Foundation License" in text  # matplotlib, from its classifier
    about.close()


def test_shipped_parts_come_from_the_metadata() -> None:
    parts = {p.name.lower(): p for p in shipped_parts()}
    for name in (
        "pyside6_essentials",
        "sqlalchemy",
        "alembic",
        "matplotlib",
        "platformdirs",
        "psycopg",
        "shiboken6",
        "numpy",
    ):
        assert name in parts, name
        assert parts[name].version == importlib.metadata.version(name)
        assert parts[name].licence != UNDECLARED
    assert "pytest" not in parts and "mypy" not in parts  # test tools are not shipped
    assert "rehab-tracker" not in parts


class FakeMeta:
    def __init__(self, **fields: list[str]) -> None:
        self.fields = fields

    def get_all(self, name: str, failobj=None):  # type: ignore[no-untyped-def]
        return self.fields.get(name.replace("-", "_"), failobj)


def test_licence_of_prefers_the_declared_expression() -> None:
    assert licence_of(FakeMeta(License_Expression=["MIT"], License=["BSD"])) == "MIT"  # type: ignore[arg-type]
    assert licence_of(FakeMeta(License=["BSD-3-Clause"])) == "BSD-3-Clause"  # type: ignore[arg-type]
    long_text = "Copyright (c) 2012\nPermission is hereby granted..."
    assert (
        licence_of(
            FakeMeta(  # type: ignore[arg-type]
                License=[long_text],
                Classifier=[
                    "Programming Language :: Python",
                    "License :: OSI Approved :: Python Software Foundation License",
                ],
            )
        )
        == "Python Software Foundation License"
    )
    assert licence_of(FakeMeta()) == UNDECLARED  # type: ignore[arg-type]
