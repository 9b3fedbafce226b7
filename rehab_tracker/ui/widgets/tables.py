"""Table views over a list screen's model: choosing whole rows, one at a time.

``row_table`` is the list screens' view (patients, exercises); ``log_table`` a read-only log,
newest first, behind a sorting proxy (the Sessions and Outcomes tabs); ``select_row`` selects
and shows a model row through its proxy.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QObject, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


def row_table(
    model: QAbstractItemModel,
    object_name: str,
    accessible_name: str,
    *,
    sort_column: int = 0,
    order: Qt.SortOrder = Qt.SortOrder.AscendingOrder,
) -> QTableView:
    """A sortable view of ``model`` (sorted by ``sort_column``) selecting one whole row.

    Tab leaves the table for the next control (arrow keys move between rows): Tab walking the
    cells would reach the next row's cells, i.e. select another patient or exercise."""
    table = QTableView()
    table.setTabKeyNavigation(False)
    table.setObjectName(object_name)
    table.setAccessibleName(accessible_name)
    table.setModel(model)
    table.setSortingEnabled(True)
    table.sortByColumn(sort_column, order)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    return table


def log_table(
    owner: QObject, model: QAbstractItemModel, object_name: str, accessible_name: str
) -> tuple[QSortFilterProxyModel, QTableView]:
    """``model`` behind a sorting proxy (owned by ``owner``) in a read-only view, newest (first
    column) first, columns as wide as their contents."""
    proxy = QSortFilterProxyModel(owner)
    proxy.setSourceModel(model)
    table = row_table(
        proxy, object_name, accessible_name, order=Qt.SortOrder.DescendingOrder
    )
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    return proxy, table


def select_row(
    table: QTableView, proxy: QSortFilterProxyModel, source_row: int | None
) -> bool:
    """Select ``source_row`` of the proxy's source and scroll to it; False when there is no such
    row or the filter hides it."""
    if source_row is None:
        return False
    index = proxy.mapFromSource(proxy.sourceModel().index(source_row, 0))
    if not index.isValid():
        return False
    table.selectRow(index.row())
    table.scrollTo(index)
    return True
