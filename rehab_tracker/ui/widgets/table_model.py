"""A read-only table model over a list of plain rows: the part every list screen's model shares."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
_ROOT = QModelIndex()


class HasId(Protocol):
    @property
    def id(self) -> uuid.UUID: ...


def index_of_id(rows: Iterable[HasId], row_id: uuid.UUID) -> int | None:
    """The position of the row whose ``id`` is ``row_id``, or None."""
    return next((i for i, r in enumerate(rows) if r.id == row_id), None)


class RowsTableModel(QAbstractTableModel, Generic[RowT]):
    """``rows`` as table rows, one column per entry of ``headers``.

    Subclasses set ``headers`` (and optionally ``header_tips``: tooltip and accessible
    description per column, or ``numbered_rows`` for 1, 2, 3 … vertical headers) and answer
    ``cell(row, column, role)``; ``data()`` has already checked the index.
    """

    headers: tuple[str, ...] = ()
    header_tips: tuple[str, ...] = ()
    numbered_rows = False

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[RowT] = []

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.rows_changed()
        self.endResetModel()

    def rows_changed(self) -> None:
        """Called inside the model reset after ``rows`` is replaced (to drop caches)."""

    def row_at(self, row: int) -> RowT:
        return self.rows[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Vertical:
            numbered = self.numbered_rows and role == Qt.ItemDataRole.DisplayRole
            return str(section + 1) if numbered else None
        if not 0 <= section < len(self.headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        tip_roles = (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole)
        if role in tip_roles and section < len(self.header_tips):
            return self.header_tips[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        return self.cell(self.rows[index.row()], index.column(), role)

    def cell(self, row: RowT, column: int, role: int) -> Any:
        """What ``data()`` answers for ``row`` (a valid one) in ``column`` for ``role``."""
        return None
