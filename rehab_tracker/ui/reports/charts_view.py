"""The patient's progress charts on screen: a chart picker, the matplotlib canvas, hover values,
export as PNG or SVG.

matplotlib is imported on first use (when the tab is first shown with a patient), never on the
start-up path: this module itself imports only Qt. The figures come from
:mod:`rehab_tracker.charts.progress`, the same builders the printed report uses.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from rehab_tracker.ui.shell.actions import run_action
from rehab_tracker.ui.widgets.forms import buddy_label, push_button, text_label
from rehab_tracker.ui.widgets.lazy_tab import LazyTab

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from rehab_tracker.services.container import Services
    from rehab_tracker.services.patients import PatientRow
    from rehab_tracker.services.report_data.model import ReportData

#: (key, picker label) in picker order; keys match rehab_tracker.charts.progress.CHARTS
CHART_CHOICES = (
    ("odi", "Disability (ODI)"),
    ("pain", "Pain"),
    ("walking", "Walking tests"),
    ("training", "Training load and volume"),
    ("adherence", "Attendance"),
)
HOVER_RADIUS_PX = 10


def get_export_path(parent: QWidget | None, suggested: str, kind: str) -> Path | None:
    """Ask where to save the chart (``kind`` "png" or "svg"); None when cancelled."""
    filters = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}
    path, _ = QFileDialog.getSaveFileName(
        parent, "Export chart", str(Path.home() / suggested), filters[kind]
    )
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == f".{kind}" else target.with_suffix(f".{kind}")


class ChartsTab(LazyTab):
    """The "Charts" tab of the patient view. Loads lazily: nothing happens until it is shown."""

    def __init__(
        self,
        services: Services,
        today: Callable[[], dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("chartsTab")
        self.services = services
        self.today = today
        self.patient_id: uuid.UUID | None = None
        self.patient_label = ""
        self.data: ReportData | None = None
        self.figure: Figure | None = None
        self.canvas: Any = None
        self.hover_text = ""
        self._annotation: Any = None
        self._targets: list[Any] = []
        self.stale = True

        self.picker = QComboBox()
        self.picker.setObjectName("chartPicker")
        for key, label in CHART_CHOICES:
            self.picker.addItem(label, key)
        picker_label = buddy_label("Sho&w chart:", self.picker)
        self.export_png = push_button("E&xport PNG…", "exportPng")
        self.export_svg = push_button("&Export SVG…", "exportSvg")
        self.message = text_label("chartsMessage", description="Chart value")
        self.message.setText("Select a patient to see their charts.")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # narrow enough for a 1280 px screen split with the patient list, and at 200% scaling
        self.picker.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.picker.setMinimumContentsLength(10)
        top = QHBoxLayout()
        top.addWidget(picker_label)
        top.addWidget(self.picker, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.export_png)
        bottom.addWidget(self.export_svg)
        self.canvas_box = QVBoxLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.canvas_box, 1)
        layout.addLayout(bottom)

        self.picker.currentIndexChanged.connect(lambda _i: self._draw())
        self.export_png.clicked.connect(lambda: self.export("png"))
        self.export_svg.clicked.connect(lambda: self.export("svg"))
        self._set_enabled(False)

    # --- the patient view's protocol ------------------------------------------------------

    def set_patient(self, row: PatientRow | None) -> None:
        self.patient_id = None if row is None else row.id
        self.patient_label = "" if row is None else f"{row.record_number} {row.name}"
        self.data = None
        self.load_when_visible()

    # --- work -----------------------------------------------------------------------------

    def current_key(self) -> str:
        return str(self.picker.currentData())

    def reload(self) -> None:
        """Read the patient's report data (one service call) and draw the current chart."""
        if self.patient_id is None:
            self._clear_canvas()
            self.message.setText("Select a patient to see their charts.")
            self._set_enabled(False)
            return
        self.data = self.services.reports.gather(self.patient_id, today=self.today())
        self._draw()

    def _set_enabled(self, on: bool) -> None:
        for widget in (self.picker, self.export_png, self.export_svg):
            widget.setEnabled(on)

    def _clear_canvas(self) -> None:
        if self.canvas is not None:
            self.canvas_box.removeWidget(self.canvas)
            self.canvas.setParent(None)
            self.canvas.deleteLater()
        self.canvas = None
        self.figure = None

    def _draw(self) -> None:
        if self.data is None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

        from rehab_tracker.charts.progress import build_chart, hover_targets

        self._clear_canvas()
        # build at the size it will be shown, so margins and labels fit the screen
        width = max(self.width(), 480) / 100
        height = max(self.height() - 110, 320) / 100
        self.figure = build_chart(self.current_key(), self.data, figsize=(width, height))
        self.canvas = FigureCanvasQTAgg(self.figure)  # type: ignore[no-untyped-call]
        self.canvas.setObjectName("chartCanvas")
        self.canvas.setAccessibleName(f"{self.picker.currentText()} chart")
        self.canvas.setMinimumHeight(240)
        self.canvas_box.addWidget(self.canvas)
        self._targets = hover_targets(self.figure)
        self._annotation = None
        self.hover_text = ""
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.message.setText("Point at a mark on the chart to read its value.")
        self._set_enabled(True)
        self.canvas.draw_idle()

    # --- hover ----------------------------------------------------------------------------

    def hit(self, x: float, y: float) -> tuple[Any, str] | None:
        """The artist and text under the display point (x, y) (pixels from bottom left)."""
        import numpy as np
        from matplotlib.lines import Line2D
        from matplotlib.patches import Rectangle

        best: tuple[float, Any, str] | None = None
        for artist, info in self._targets:
            ax = artist.axes
            if isinstance(artist, Rectangle):
                if artist.contains_point((x, y)) and info.texts:
                    return ax, info.texts[0]
                continue
            if isinstance(artist, Line2D):
                xy = np.asarray(artist.get_xydata(), dtype=float)
            else:
                xy = np.asarray(artist.get_offsets(), dtype=float)
            if xy.size == 0 or len(info.texts) != len(xy):
                continue
            pixels = ax.transData.transform(xy)
            distances = np.hypot(pixels[:, 0] - x, pixels[:, 1] - y)
            index = int(np.argmin(distances))
            if distances[index] <= HOVER_RADIUS_PX and (best is None or distances[index] < best[0]):
                best = (float(distances[index]), ax, info.texts[index])
        return None if best is None else (best[1], best[2])

    def _on_motion(self, event: Any) -> None:
        found = None if event.inaxes is None else self.hit(event.x, event.y)
        if found is None:
            if self._annotation is not None:
                self._annotation.set_visible(False)
                self.canvas.draw_idle()
            return
        ax, text = found
        self.show_hover(ax, text, event.xdata, event.ydata)

    def show_hover(self, ax: Any, text: str, x: float, y: float) -> None:
        self.hover_text = text
        self.message.setText(text.replace("\n", " — "))
        if self._annotation is None or self._annotation.axes is not ax:
            if self._annotation is not None:
                self._annotation.remove()
            self._annotation = ax.annotate(
                "",
                xy=(0, 0),
                xytext=(12, 12),
                textcoords="offset points",
                fontsize=8,
                bbox={"boxstyle": "round", "facecolor": "#FFFFE0", "edgecolor": "#555555"},
                zorder=10,
            )
        self._annotation.xy = (x, y)
        # open towards the middle so the box stays inside the chart
        low, high = ax.get_xlim()
        right_half = (x - low) / ((high - low) or 1.0) > 0.5
        self._annotation.set_position((-12, 12) if right_half else (12, 12))
        self._annotation.set_horizontalalignment("right" if right_half else "left")
        self._annotation.set_text(text)
        self._annotation.set_visible(True)
        self.canvas.draw_idle()

    # --- export ---------------------------------------------------------------------------

    def export(self, kind: str) -> Path | None:
        if self.figure is None:
            return None
        suggested = f"{self.patient_label.split(' ')[0] or 'chart'}_{self.current_key()}.{kind}"
        target = get_export_path(self, suggested, kind)
        if target is None:
            return None
        visible = self._annotation is not None and self._annotation.get_visible()
        if visible:
            self._annotation.set_visible(False)
        figure = self.figure
        try:
            saved = run_action(
                self,
                lambda: figure.savefig(target, format=kind, dpi=200 if kind == "png" else None),
                title="Export chart",
            )
        finally:
            if visible:
                self._annotation.set_visible(True)
        if not saved:
            return None
        self.message.setText(f"Saved {target}")
        return target
