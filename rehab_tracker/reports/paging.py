"""A4 pages for a report document: the document laid out on the printable area, no table row
split across two pages, no heading alone at the bottom of a page, no list item split, and each
page printed with a footer (whose report, page n of N).

Qt's rich-text layout breaks a table row between pages line by line, so one row's cells end up
half on one page and half on the next. :func:`keep_rows_together` moves such a row, and the
rows after it, into a copy of the table that starts on the next page with the header row
repeated; a row taller than a page is left as it is (there is no page it fits on).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rehab_tracker.reports.handout import A4_MM, MARGIN_MM

if TYPE_CHECKING:
    from PySide6.QtGui import QPagedPaintDevice, QTextBlock, QTextDocument, QTextTable

#: the footer's band at the bottom of each page (mm), below the text
FOOTER_MM = 7.0
#: at most this many tables made by splitting (a guard; a report has a handful of tables)
MAX_SPLITS = 200


def layout_dpi() -> float:
    """The resolution of the document's layout units (the screen's, as Qt lays text out)."""
    from PySide6.QtGui import QGuiApplication

    screen = QGuiApplication.primaryScreen()
    return screen.logicalDotsPerInch() if screen is not None else 96.0


def paginate(doc: QTextDocument) -> None:
    """Lay ``doc`` out on the A4 printable area above the footer (layout units)."""
    from PySide6.QtCore import QSizeF

    dpi = layout_dpi()
    width = (A4_MM[0] - 2 * MARGIN_MM) / 25.4 * dpi
    height = (A4_MM[1] - 2 * MARGIN_MM - FOOTER_MM) / 25.4 * dpi
    doc.setDocumentMargin(0)
    doc.setPageSize(QSizeF(width, height))


def _tables(doc: QTextDocument) -> Iterator[QTextTable]:
    """Every table of ``doc``, nested ones included, in document order."""
    from PySide6.QtGui import QTextTable

    stack = [doc.rootFrame()]
    found = []
    while stack:
        frame = stack.pop()
        if isinstance(frame, QTextTable):
            found.append(frame)
        stack.extend(frame.childFrames())
    yield from sorted(found, key=lambda t: t.firstPosition())


def _row_pages(doc: QTextDocument, table: QTextTable, row: int) -> tuple[int, int] | None:
    """The first and last page a table row's lines are on (None: an empty row)."""
    first, last = math.inf, -math.inf
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        if cell.row() != row or cell.column() != column:
            continue  # part of a spanning cell
        block = cell.firstCursorPosition().block()
        end = cell.lastCursorPosition().block().blockNumber()
        while block.isValid() and block.blockNumber() <= end:
            pages = _line_pages(doc, block)
            if pages:
                first, last = min(first, pages[0]), max(last, pages[-1])
            block = block.next()
    if first is math.inf:
        return None
    return int(first), int(last)


def split_rows(doc: QTextDocument) -> list[tuple[int, int]]:
    """(table number, row) of each table row whose lines lie on more than one page, and
    (table number, 1) of a table whose header row is alone at the bottom of a page."""
    found = []
    for number, table in enumerate(_tables(doc)):
        previous = None
        for row in range(table.rows()):
            pages = _row_pages(doc, table, row)
            if pages is not None and pages[0] != pages[1]:
                found.append((number, row))
            elif (
                row == 1
                and pages is not None
                and previous is not None
                and (previous[1] != pages[0])
            ):
                found.append((number, row))  # the header row alone at the bottom
            previous = pages
    return found


def _fits_on_a_page(doc: QTextDocument, table: QTextTable, row: int) -> bool:
    height = 0.0
    layout = doc.documentLayout()
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        top = layout.blockBoundingRect(cell.firstCursorPosition().block()).top()
        bottom = layout.blockBoundingRect(cell.lastCursorPosition().block()).bottom()
        height = max(height, bottom - top)
    return height < doc.pageSize().height() * 0.9


def _copy_row(source: QTextTable, row: int, target: QTextTable, target_row: int) -> None:
    """The cells of ``source``'s ``row`` (text, character and cell formats) into ``target``."""
    from PySide6.QtGui import QTextCursor

    for column in range(source.columns()):
        cell = source.cellAt(row, column)
        cursor = cell.firstCursorPosition()
        cursor.setPosition(cell.lastCursorPosition().position(), QTextCursor.MoveMode.KeepAnchor)
        into = target.cellAt(target_row, column)
        into.setFormat(cell.format())
        into.firstCursorPosition().insertFragment(cursor.selection())


def _move_rows_to_next_page(table: QTextTable, row: int) -> None:
    """Rows ``row``.. of ``table`` into a new table on the next page, its header row first."""
    from PySide6.QtGui import QTextCursor, QTextFormat

    header = 1  # the first row: the header, repeated
    moved = table.rows() - row
    cursor = QTextCursor(table.document())
    cursor.setPosition(table.lastPosition() + 1)
    fmt = table.format()
    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    copy = cursor.insertTable(header + moved, table.columns(), fmt)
    if header:
        _copy_row(table, 0, copy, 0)
    for n in range(moved):
        _copy_row(table, row + n, copy, header + n)
    table.removeRows(row, moved)


def _start_on_next_page(table: QTextTable) -> None:
    """The whole table on the next page, with the heading and the introducing line (one
    ending in a colon) right before it: a header row or a heading is not left alone at the
    bottom of a page."""
    from PySide6.QtGui import QTextFormat

    doc = table.document()
    first = doc.findBlock(table.firstPosition()).previous()
    block, lead = first, None
    for _ in range(2):
        if not block.isValid() or doc.frameAt(block.position()) is not doc.rootFrame():
            break
        if block.blockFormat().headingLevel() > 0 or block.text().rstrip().endswith(":"):
            lead = block
            block = block.previous()
        else:
            break
    if lead is not None:
        _break_before(lead)
    else:
        table_format = table.format()
        table_format.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        table.setFormat(table_format)


def _line_pages(doc: QTextDocument, block: QTextBlock) -> list[int]:
    """The page of each line of ``block`` (Qt moves a whole line to the next page)."""
    text_layout = block.layout()
    # the block's rect has its top left at the layout's position: the lines' origin
    top = doc.documentLayout().blockBoundingRect(block).top()
    height = doc.pageSize().height()
    return [
        int((top + text_layout.lineAt(n).y() + 0.5) // height)
        for n in range(text_layout.lineCount())
    ]


#: a paragraph of at most this many lines joined by line breaks (``<br>``: the signing lines)
#: is kept on one page
KEPT_LINES = 8


def _kept_together(block: QTextBlock) -> bool:
    """A list item, or a short paragraph of lines joined by line breaks (U+2028)."""
    if block.textList() is not None:
        return True
    return "\u2028" in block.text() and block.layout().lineCount() <= KEPT_LINES


def stranded_headings(doc: QTextDocument) -> list[QTextBlock]:
    """The headings (h1-h6 outside tables) that end a page, their text on the next, and the
    list items and short paragraphs of broken lines (a signature block) that begin on one page
    and end on the next."""
    found = []
    block = doc.begin()
    root = doc.rootFrame()
    while block.isValid():
        following = block.next()
        if doc.frameAt(block.position()) == root:
            here = _line_pages(doc, block)
            if block.blockFormat().headingLevel() > 0 and following.isValid():
                after = _line_pages(doc, following)
                if here and after and here[-1] != after[0]:
                    found.append(block)
            elif _kept_together(block) and here and here[0] != here[-1]:
                found.append(block)
        block = following
    return found


def _break_before(block: QTextBlock) -> None:
    from PySide6.QtGui import QTextBlockFormat, QTextCursor, QTextFormat

    fmt = QTextBlockFormat()
    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    QTextCursor(block).mergeBlockFormat(fmt)


def keep_rows_together(doc: QTextDocument) -> int:
    """Move every table row that would run over a page break to the next page (a table whose
    first row after the header would, with its heading); returns how many moves it made.
    ``doc`` must be paginated (:func:`paginate`)."""
    splits = 0
    skipped: set[tuple[int, int]] = set()
    while splits < MAX_SPLITS:
        rows = [r for r in split_rows(doc) if r not in skipped]
        if not rows:
            headings = stranded_headings(doc)
            if not headings:
                break
            _break_before(headings[0])
            splits += 1
            doc.markContentsDirty(0, doc.characterCount())
            continue
        number, row = rows[0]
        table = list(_tables(doc))[number]
        if row == 0 or not _fits_on_a_page(doc, table, row):
            skipped.add((number, row))
            continue
        if row == 1:  # only the header row would stay behind
            _start_on_next_page(table)
        else:
            _move_rows_to_next_page(table, row)
        splits += 1
        # a format change relayouts only part of the document: lay all of it out again
        doc.markContentsDirty(0, doc.characterCount())
    return splits


def print_pages(doc: QTextDocument, device: QPagedPaintDevice, footer: str = "") -> None:
    """Paint the paginated ``doc`` on ``device`` page by page, each page with ``footer`` on
    the left and "Page n of N" on the right, in the band below the text."""
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QPainter

    painter = QPainter(device)
    try:
        scale = device.logicalDpiY() / layout_dpi()
        size = doc.pageSize()
        count = doc.pageCount()
        font = QFont("DejaVu Sans", 7)
        band = QRectF(
            0,
            (size.height() + FOOTER_MM / 3 / 25.4 * layout_dpi()) * scale,
            size.width() * scale,
            FOOTER_MM / 25.4 * device.logicalDpiY(),
        )
        for page in range(count):
            if page:
                device.newPage()
            painter.save()
            painter.scale(scale, scale)
            painter.translate(0, -page * size.height())
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = QRectF(0, page * size.height(), size.width(), size.height())
            painter.setClipRect(context.clip)
            doc.documentLayout().draw(painter, context)
            painter.restore()
            painter.setFont(font)
            flags = Qt.AlignmentFlag.AlignTop
            painter.drawText(band, int(flags | Qt.AlignmentFlag.AlignLeft), footer)
            painter.drawText(
                band, int(flags | Qt.AlignmentFlag.AlignRight), f"Page {page + 1} of {count}"
            )
    finally:
        painter.end()
