"""How GUI tests reach a feature of the real main window: ``installed(window, SessionsFeature)``."""

from __future__ import annotations

from typing import TypeVar

from rehab_tracker.ui.shell.main_window import MainWindow

F = TypeVar("F")


def installed(window: MainWindow, kind: type[F]) -> F:
    """The window's installed feature of type ``kind`` (rehab_tracker.ui.features.FEATURES)."""
    found = [f for f in window.features if isinstance(f, kind)]
    assert len(found) == 1, f"{kind.__name__}: {len(found)} installed"
    return found[0]
