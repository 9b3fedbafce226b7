"""A sort/filter proxy whose filter settings change through one method (the exercise library
filters its rows this way; the patient list filters and sorts in SQL, ``data.patient_list``), and
a plain text filter (``text_filter_proxy``)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QObject, QSortFilterProxyModel, Qt


class RowFilterProxy(QSortFilterProxyModel):
    """A proxy whose filter settings change through ``_set`` (Qt 6.10 API when present).

    Sorting ignores case; ``set_search`` keeps the typed text, stripped and case-folded, in
    ``_text`` for the subclass's ``filterAcceptsRow``.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_search(self, text: str) -> None:
        self._set("_text", text.strip().casefold())

    def _set(self, name: str, value: object) -> None:
        """Change the filter setting ``name`` to ``value`` and filter the rows again."""
        self._refilter(lambda: setattr(self, name, value))

    def _refilter(self, change: Callable[[], None]) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt >= 6.10
            self.beginFilterChange()
            change()
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            change()
            self.invalidateFilter()


def text_filter_proxy(source: QAbstractItemModel, parent: QObject) -> QSortFilterProxyModel:
    """A proxy over ``source`` that filters on the text typed, whatever its case (the education
    list and the exercise picker: ``setFilterFixedString`` as the user types)."""
    proxy = QSortFilterProxyModel(parent)
    proxy.setSourceModel(source)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy
