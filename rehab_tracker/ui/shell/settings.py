"""Per-workstation window settings: typed, plain values, defaults in one place.

Stored with QSettings (INI format) in the isolated config folder (``locations.config_dir()``),
never as pickled Qt objects: geometry is kept as base64 text.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtCore import QSettings

from rehab_tracker.data import locations

SETTINGS_FILE = "gui.ini"


@dataclass
class GuiSettings:
    """Every GUI setting with its default."""

    window_geometry: str = ""  # base64 of QWidget.saveGeometry()
    splitter_state: str = ""  # base64 of QSplitter.saveState()
    #: the screen's available size when the geometry was saved, in logical pixels ("1600x1000")
    window_screen: str = ""
    #: the window's own (normal, not maximised) size then, logical pixels: Qt's restoreGeometry
    #: does not keep it across a change of scaling (800x500 saved at 200% came back 640x480)
    window_size: str = ""
    show_retired_exercises: bool = False


def _store() -> QSettings:
    folder = locations.config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QSettings(str(folder / SETTINGS_FILE), QSettings.Format.IniFormat)


def load() -> GuiSettings:
    store = _store()
    values: dict[str, object] = {}
    for f in fields(GuiSettings):
        default = f.default
        raw = store.value(f.name, default)
        if isinstance(default, bool):
            values[f.name] = raw in (True, "true", "1", 1)
        else:
            values[f.name] = str(raw) if raw is not None else default
    return GuiSettings(**values)  # type: ignore[arg-type]


def save(settings: GuiSettings) -> None:
    store = _store()
    for f in fields(GuiSettings):
        store.setValue(f.name, getattr(settings, f.name))
    store.sync()
