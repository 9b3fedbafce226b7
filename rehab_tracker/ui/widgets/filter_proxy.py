"""A sort/filter proxy whose filter settings change through one method (the patient list and the
exercise library both filter their rows this way)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSortFilterProxyModel


class RowFilterProxy(QSortFilterProxyModel):
    """A proxy whose filter settings change through ``_refilter`` (Qt 6.10 API when present)."""

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()
