"""The Feature API: how a feature (patients, program, sessions...) enters the main window.

Each feature folder has one entry, ``ui/<feature>/feature.py``::

    def install(window: MainWindow) -> SessionsFeature:
        return SessionsFeature(window)

``install`` runs while the window is built, before it is shown and before the database is open:
it adds the feature's menu actions (``window.add_action``; those that need the database stay
disabled until the window is attached) and returns the feature object. When the database is open
``MainWindow.attach`` builds the :class:`~rehab_tracker.ui.shell.workspace.Workspace` and calls
each feature's ``attach(workspace)`` in install order: that is where tabs, overview sections and
draft openers are added and the feature's services-dependent modules are imported.

So a ``feature.py`` imports at its top only PySide6, ``ui.shell`` and light ``ui.widgets`` modules
(never the services, SQLAlchemy, matplotlib or report code): the window must be on screen before
those load. The features and their order are listed once, in :mod:`rehab_tracker.ui.features`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace


class Feature(Protocol):
    """What a feature's ``install(window)`` returns."""

    def attach(self, workspace: Workspace) -> None:
        """The database is open: add the tabs and panels that need the services."""


#: a feature's entry: ``ui/<feature>/feature.py``'s ``install``
Install = Callable[["MainWindow"], Feature]
