"""Progress chart builders: :class:`~rehab_tracker.services.report_data.model.ReportData` -> Figure.

Pure matplotlib (``matplotlib.figure.Figure``, never pyplot), so the chart view and the printed
report draw the very same figures. Every artist a reader may want a value from is registered for
hover text (:func:`hover_targets`); chart view uses it, the report ignores it.

Artists carry ``gid``s the tests (and anyone debugging) can look for: ``"series:<code>"``,
``"band:<name>"``, ``"phase:<code>"``, ``"threshold:<code>"``, ``"reference:predicted"``,
``"reference:lln"``, ``"session:<back|leg>_<before|after>"``, ``"bar:attended"``,
``"bar:missed"``, ``"empty"`` (the honest "nothing recorded yet" message).
"""

from __future__ import annotations

import datetime as dt
import textwrap
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from rehab_tracker.charts import style
from rehab_tracker.domain.scoring import ODI_BANDS, odi_band_words
from rehab_tracker.domain.units import (
    distance_in,
    distance_unit,
    format_distance_number,
    format_number,
)
from rehab_tracker.services.report_data.model import OutcomeSeries, ReportData

__all__ = [
    "CHARTS",
    "ChartSpec",
    "HoverInfo",
    "adherence_figure",
    "build_chart",
    "hover_targets",
    "odi_figure",
    "pain_figure",
    "training_figure",
    "walking_figure",
]

SCREEN_SIZE = (8.0, 4.6)
def band_name(band: str, audience: str = "clinical") -> str:
    """An ODI band's label beside the chart, in the audience's words, wrapped to the margin
    ("Bed-bound or / exaggerating / symptoms" for the clinician, "Extreme" for the patient)."""
    words = odi_band_words(band, audience)
    return textwrap.fill(words[:1].upper() + words[1:], 14)


@dataclass(frozen=True)
class HoverInfo:
    """What to say about each point of an artist (same order as its data)."""

    texts: tuple[str, ...]


_HOVER: weakref.WeakKeyDictionary[Artist, HoverInfo] = weakref.WeakKeyDictionary()


def _register(artist: Artist, texts: Sequence[str]) -> None:
    _HOVER[artist] = HoverInfo(tuple(texts))


def hover_targets(fig: Figure) -> list[tuple[Artist, HoverInfo]]:
    """The artists of ``fig`` that have hover texts, with their texts."""
    found = []
    for ax in fig.axes:
        for artist in (*ax.lines, *ax.collections, *ax.patches):
            info = _HOVER.get(artist)
            if info is not None:
                found.append((artist, info))
    return found


def _date(day: dt.date) -> str:
    return day.strftime("%d %b %Y")


def _new_figure(figsize: tuple[float, float] | None) -> Figure:
    # fixed margins instead of a layout engine: constrained layout tripled the drawing time
    return Figure(figsize=figsize or SCREEN_SIZE)


def _margins(
    fig: Figure,
    *,
    left: float = 0.65,
    right: float = 0.2,
    top: float = 0.55,
    bottom: float = 0.5,
    hspace: float = 0.0,
    wspace: float = 0.0,
) -> None:
    """Margins in inches, kept the same whatever the figure's size."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
        hspace=hspace,
        wspace=wspace,
    )


def _style_axes(ax: Axes) -> None:
    ax.tick_params(labelsize=8)
    ax.grid(axis="y", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _empty(ax: Axes, text: str) -> None:
    ax.text(
        0.5,
        0.5,
        text,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=10,
        color="#333333",
        wrap=True,
        gid="empty",
        bbox={"boxstyle": "round,pad=0.6", "facecolor": "white", "edgecolor": "#999999"},
    )


def _phases(
    ax: Axes, data: ReportData, *, program_weeks: bool = False, labels: bool = True
) -> int:
    """Shade the program phases on the time axis (weeks since surgery, or program weeks),
    named above the plot; returns how many lines the tallest name takes (0: none shown)."""
    if data.program is None:
        return 0
    lines = 0
    for index, phase in enumerate(data.program.phases):
        if program_weeks:
            x0, x1 = phase.start_week - 0.5, phase.end_week + 0.5
        else:
            x0, x1 = phase.x_start, phase.x_end
        ax.axvspan(
            x0, x1, color=style.PHASE_FILLS[index % 2], zorder=0, linewidth=0,
            gid=f"phase:{phase.code}",
        )
        if labels:
            text = _fit_label(ax, phase.name, x1 - x0)
            lines = max(lines, text.count("\n") + 1)
            ax.text(
                (x0 + x1) / 2,
                1.0,
                text,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=7,
                color="#444444",
                clip_on=False,
                gid=f"phase-label:{phase.code}",
            )
    return lines


#: the width of one character of a phase label (fontsize 7), in inches
LABEL_CHAR_INCHES = 0.055
#: a title's distance above the plot (points) over one line of phase names, and per extra line
TITLE_PAD = 14
PHASE_LINE_PT = 8.5


def title_pad(phase_lines: int) -> float:
    """How far above the plot its title sits so that the phase names (``phase_lines`` lines)
    fit between them."""
    return TITLE_PAD + PHASE_LINE_PT * max(phase_lines - 1, 0)


def _fit_label(ax: Axes, name: str, span: float) -> str:
    """The phase's own name (the one the program and the report use), wrapped onto as many
    lines as the phase's width on the page needs: never a second name such as "Phase 1"."""
    low, high = ax.get_xlim()
    width_in = ax.get_figure().get_size_inches()[0] * ax.get_position().width  # type: ignore[union-attr]
    available = span / max(high - low, 1e-9) * width_in
    per_line = max(int(available / LABEL_CHAR_INCHES), 1)
    return "\n".join(textwrap.wrap(name, per_line, break_long_words=False)) or name


def _set_xrange(ax: Axes, data: ReportData) -> None:
    low, high = data.x_range
    pad = max((high - low) * 0.03, 0.3)
    ax.set_xlim(low - pad, high + pad)
    ax.set_xlabel(data.axis_label)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def _plot_series(
    ax: Axes,
    series: OutcomeSeries,
    colour: str,
    marker: str,
    linestyle: str,
    *,
    label: str | None = None,
    unit_text: str = "",
    axis_text: str = "weeks",
    units: str = "metric",
) -> None:
    """Plot one series; distances (stored in metres) in the clinic's ``units``."""
    if not series.points:
        return
    distance = series.unit == "m"

    def shown(value: float) -> str:
        return format_distance_number(value, units) if distance else format_number(value)

    (line,) = ax.plot(
        series.xs,
        [distance_in(y, units) for y in series.ys] if distance else series.ys,
        color=colour,
        marker=marker,
        linestyle=linestyle,
        linewidth=1.8,
        markersize=6,
        label=label or series.label,
        gid=f"series:{series.code}",
        zorder=3,
    )
    _register(
        line,
        [
            f"{series.label}: {shown(p.value)}{unit_text}\n{_date(p.on)}, "
            f"{format_number(p.x)} {axis_text}{_timepoint(p.timepoint)}"
            for p in series.points
        ],
    )


def _timepoint(code: str) -> str:
    return "" if code in ("", "other") else f" ({code.replace('_', ' ')})"


def _single_point_note(ax: Axes, series: Sequence[OutcomeSeries]) -> None:
    if series and all(len(s.points) <= 1 for s in series) and any(s.points for s in series):
        ax.text(
            0.99,
            0.02,
            "One assessment so far: no change to show yet",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=8,
            style="italic",
            color="#333333",
            gid="note:single",
        )


# ------------------------------------------------------------------------------------ ODI


def odi_figure(
    data: ReportData, *, figsize: tuple[float, float] | None = None, audience: str = "clinical"
) -> Figure:
    """ODI over weeks since surgery with Fairbank severity bands (named in the ``audience``'s
    words: :func:`band_name`) and the important-change line."""
    fig = _new_figure(figsize)
    _margins(fig, right=0.8)
    ax = fig.add_subplot()
    _style_axes(ax)
    patient = audience == "patient"  # the patient's report names no instrument
    ax.set_ylabel("Score % (lower is better)" if patient else "ODI % (lower is better)")
    ax.set_ylim(0, 100)
    lower = 0.0
    for index, (upper, band) in enumerate(ODI_BANDS):
        ax.axhspan(
            lower, upper, color=style.BAND_FILLS[index % 2], zorder=0, linewidth=0,
            gid=f"band:{band}",
        )
        ax.text(
            1.005, (lower + upper) / 2, band_name(band, audience),
            transform=ax.get_yaxis_transform(),
            ha="left", va="center", fontsize=7, color="#444444",
        )
        lower = upper
    _set_xrange(ax, data)
    lines = _phases(ax, data)
    ax.set_title(
        "How much your back affects everyday activities"
        if patient
        else "Disability (Oswestry Disability Index)",
        loc="left", pad=title_pad(lines), y=1.0,
    )
    series = data.series("odi")
    if series is None or not series.points:
        _empty(ax, "No ODI recorded yet")
        return fig
    _plot_series(ax, series, style.OKABE_ITO["blue"], "o", "-",
                 label="Your score" if patient else "ODI", unit_text="%",
                 axis_text=data.axis_label.lower())
    row = data.row("odi")
    if row is not None and row.target is not None and row.baseline_on is not None:
        x0 = data.x_of(row.baseline_on)
        line = ax.hlines(
            row.target,
            x0,
            ax.get_xlim()[1],
            colors=style.THRESHOLD_COLOUR,
            linestyles="--",
            linewidth=1.4,
            label=(
                "A big enough improvement from your start"
                if patient
                else f"Important improvement from baseline ({row.threshold})"
            ),
            gid="threshold:odi",
            zorder=2,
        )
        _register(
            line,
            [f"Clinically important improvement: ODI {format_number(row.target)}% or lower"],
        )
    _single_point_note(ax, [series])
    ax.legend(loc="upper right", fontsize=7.5, frameon=True, framealpha=0.9)
    return fig


# ----------------------------------------------------------------------------------- pain


#: the patient's report's names of the assessed pain series (no instrument name)
PLAIN_SERIES = {"nprs_back": "Back pain (assessed)", "nprs_leg": "Leg pain (assessed)"}


def pain_figure(
    data: ReportData, *, figsize: tuple[float, float] | None = None, audience: str = "clinical"
) -> Figure:
    """Back and leg pain (NPRS 0-10) over time; session pain before/after as lighter points
    (the patient's version names no instrument)."""
    fig = _new_figure(figsize)
    _margins(fig)
    ax = fig.add_subplot()
    _style_axes(ax)
    ax.set_ylabel("Pain 0-10 (lower is better)")
    ax.set_ylim(-0.3, 10.3)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    _set_xrange(ax, data)
    lines = _phases(ax, data)
    ax.set_title("Pain (numeric rating 0-10)", loc="left", pad=title_pad(lines), y=1.0)
    regions = (
        ("back", "nprs_back", style.OKABE_ITO["vermillion"], "s", "-"),
        ("leg", "nprs_leg", style.OKABE_ITO["blue"], "^", "--"),
    )
    anything = False
    for region, code, colour, marker, linestyle in regions:
        for when, filled in (("before", False), ("after", True)):
            pts = [
                (p.x, value, p.on)
                for p in data.session_pain
                if (value := getattr(p, f"{region}_{when}")) is not None
            ]
            if not pts:
                continue
            anything = True
            coll = ax.scatter(
                [x for x, _v, _d in pts],
                [v for _x, v, _d in pts],
                s=14,
                marker=marker,
                facecolors=colour if filled else "none",
                edgecolors=colour,
                alpha=0.45,
                linewidths=0.8,
                label=f"{region.capitalize()} pain at sessions ({when})",
                gid=f"session:{region}_{when}",
                zorder=2,
            )
            _register(
                coll,
                [f"{region.capitalize()} pain {when} session: {v}\n{_date(d)}" for _x, v, d in pts],
            )
        series = data.series(code)
        if series is not None and series.points:
            anything = True
            _plot_series(
                ax, series, colour, marker, linestyle, axis_text=data.axis_label.lower(),
                label=PLAIN_SERIES[code] if audience == "patient" else None,
            )
    if not anything:
        _empty(ax, "No pain ratings recorded yet")
        return fig
    _single_point_note(ax, [s for c in ("nprs_back", "nprs_leg") if (s := data.series(c))])
    ax.legend(loc="upper right", ncols=2, fontsize=7.5, frameon=True, framealpha=0.9)
    return fig


# -------------------------------------------------------------------------------- walking


def walking_figure(
    data: ReportData, *, figsize: tuple[float, float] | None = None, audience: str = "clinical"
) -> Figure:
    """Walking tests: 5-minute, 6-minute (predicted and lower limit of normal), 50-foot, TUG
    (named "stand up, walk and sit" in the patient's version)."""
    tug = "Stand up, walk and sit" if audience == "patient" else "Timed Up and Go"
    fig = _new_figure(figsize or (SCREEN_SIZE[0], SCREEN_SIZE[1] * 1.35))
    _margins(fig, top=0.6, hspace=0.3, wspace=0.22)
    fig.suptitle("Walking and mobility tests", x=0.01, ha="left", fontsize=10.5)
    axes = fig.subplots(2, 2, sharex=True)
    unit = distance_unit(data.units)  # values stay metres; the clinic reads them in its units
    panels: tuple[tuple[Axes, str, tuple[str, ...]], ...] = (
        (axes[0][0], f"5-minute walk ({unit}), higher is better", ("walk_5min",)),
        (axes[0][1], f"6-minute walk ({unit}), higher is better", ("walk_6min",)),
        (
            axes[1][0],
            "50-foot walk (s), lower is better",
            ("walk_50ft_preferred", "walk_50ft_fastest"),
        ),
        (axes[1][1], f"{tug} (s), lower is better", ("tug",)),
    )
    styles = (
        (style.OKABE_ITO["blue"], "o", "-"),
        (style.OKABE_ITO["vermillion"], "s", "--"),
    )
    for ax, title, codes in panels:
        _style_axes(ax)
        ax.set_title(title, loc="left", fontsize=7.5, y=1.0)
        _set_xrange(ax, data)
        _phases(ax, data, labels=False)
        found = [s for c in codes if (s := data.series(c)) is not None and s.points]
        for series, (colour, marker, linestyle) in zip(found, styles, strict=False):
            label = tug if series.code == "tug" else None
            if len(codes) > 1:
                label = series.label.replace("50-foot walk, ", "").capitalize()
            _plot_series(
                ax, series, colour, marker, linestyle, label=label,
                unit_text=f" {unit if series.unit == 'm' else series.unit}",
                axis_text=data.axis_label.lower(), units=data.units,
            )
        if "walk_6min" in codes:
            ref = data.six_minute_reference
            if ref.predicted_m is not None and ref.lower_limit_m is not None:
                for y, name, ls, gid in (
                    (ref.predicted_m, "Predicted", "--", "reference:predicted"),
                    (ref.lower_limit_m, "Lower limit of normal", ":", "reference:lln"),
                ):
                    text = f"{format_distance_number(y, data.units)} {unit}"
                    line = ax.axhline(
                        distance_in(y, data.units), color=style.REFERENCE_COLOUR, linestyle=ls,
                        linewidth=1.2, label=f"{name} ({text})", gid=gid,
                    )
                    _register(line, [f"{name}: {text} (Enright & Sherrill)"])
                values = [ref.lower_limit_m, ref.predicted_m, *(v for s in found for v in s.ys)]
                ax.set_ylim(
                    distance_in(min(values) - 40, data.units),
                    distance_in(max(values) + 40, data.units),
                )
        if not found:
            _empty(ax, "Not tested yet")
        else:
            _single_point_note(ax, found)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(loc="best", fontsize=7, frameon=True, framealpha=0.9)
        ax.set_xlabel(data.axis_label if ax in (axes[1][0], axes[1][1]) else "")
    return fig


# ------------------------------------------------------------------------------- training


MAX_TRAINING_LINES = 7
#: the training legends: font size (points), columns, and the inches of one line and one row gap
LEGEND_FONT = 7.0
LEGEND_COLUMNS = 2
LEGEND_LINE_IN = LEGEND_FONT * 1.25 / 72
LEGEND_GAP_IN = LEGEND_FONT * 0.5 / 72
#: the width of one legend character (DejaVu Sans at LEGEND_FONT, with room to spare), inches
LEGEND_CHAR_IN = 0.062
#: a legend entry's marker and the space after it (handlelength 2 + handletextpad 0.8), inches
LEGEND_HANDLE_IN = LEGEND_FONT * 2.8 / 72


@dataclass(frozen=True)
class _TrainingPanel:
    """One of the two plots: its series (the ones shown), how many were left out, and the
    legend's entries (full exercise names, wrapped to the legend's column)."""

    group: list[Any]
    chosen: list[Any]
    labels: list[str]

    @property
    def hidden(self) -> int:
        return len(self.group) - len(self.chosen)

    def legend_inches(self) -> float:
        """The height of the legend under the plot: its rows, tallest entry each, its title."""
        if not self.chosen:
            return 0.0
        lines = [label.count("\n") + 1 for label in self.labels]
        per = -(-len(lines) // LEGEND_COLUMNS)  # matplotlib fills a column, then the next
        tallest = max(
            sum(column) * LEGEND_LINE_IN + len(column) * LEGEND_GAP_IN
            for column in (lines[i : i + per] for i in range(0, len(lines), per))
        )
        title = LEGEND_LINE_IN + LEGEND_GAP_IN if self.hidden else 0.0
        return tallest + title + 0.05


def _training_panel(group: list[Any], column_in: float) -> _TrainingPanel:
    # the exercises trained most recently and most often: what the program is doing now
    chosen = sorted(group, key=lambda t: (-max(t.weeks), -len(t.weeks)))[:MAX_TRAINING_LINES]
    chosen.sort(key=group.index)
    per_line = max(int((column_in - LEGEND_HANDLE_IN) / LEGEND_CHAR_IN), 12)
    labels = ["\n".join(textwrap.wrap(t.exercise_name, per_line)) for t in chosen]
    return _TrainingPanel(group, chosen, labels)


def training_figure(data: ReportData, *, figsize: tuple[float, float] | None = None) -> Figure:
    """Heaviest load (kg) per exercise per program week; volume for exercises without load.

    Each plot's legend sits under it across the whole width, in two columns, with the
    exercises' full names (wrapped, never cut: "Roman chair back extension, 30 degrees" and
    "..., 45 degrees" must be told apart); the figure grows taller when the legends need it."""
    width, height = figsize or (SCREEN_SIZE[0], SCREEN_SIZE[1] * 1.35)
    left, right, top, title2, axis_in, gap = 0.65, 0.2, 0.75, 0.28, 0.5, 0.1
    column_in = (width - left - right) / LEGEND_COLUMNS
    panels = [
        _training_panel([t for t in data.training if t.metric == metric], column_in)
        for metric in ("load", "volume")
    ]
    legends = [p.legend_inches() for p in panels]
    fixed = top + gap + legends[0] + title2 + axis_in + legends[1] + 0.1
    plot_in = max((height - fixed) / 2, 1.0)
    height = max(height, fixed + 2 * plot_in)
    fig = _new_figure((width, height))
    fig.suptitle("Training over the program", x=0.01, ha="left", fontsize=10.5)
    box_w = (width - left - right) / width
    bottom2 = (0.1 + legends[1] + axis_in) / height
    bottom1 = bottom2 + (plot_in + title2 + legends[0] + gap) / height
    load_ax = fig.add_axes((left / width, bottom1, box_w, plot_in / height))
    volume_ax = fig.add_axes((left / width, bottom2, box_w, plot_in / height), sharex=load_ax)
    load_ax.tick_params(labelbottom=False)
    weeks = data.program.weeks if data.program is not None else 12
    for ax, panel, title, what, below_in in (
        (load_ax, panels[0], "Heaviest load per week (kg)", "load", gap),
        (volume_ax, panels[1], "Volume per week (repetitions, or seconds held)", "volume",
         axis_in),
    ):
        _style_axes(ax)
        ax.set_xlim(0.5, weeks + 0.5)
        lines = _phases(ax, data, program_weeks=True, labels=ax is load_ax)
        ax.set_title(
            title, loc="left", fontsize=9, pad=title_pad(lines) if ax is load_ax else 6, y=1.0
        )
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        styles = style.series_styles()
        for series, label in zip(panel.chosen, panel.labels, strict=True):
            colour, marker, linestyle = next(styles)
            # distance-dosed exercises: metres stored, the clinic's unit shown
            distance = series.unit == "m"
            unit = distance_unit(data.units) if distance else series.unit
            values = [distance_in(v, data.units) if distance else v for v in series.values]
            (line,) = ax.plot(
                series.weeks, values, color=colour, marker=marker, linestyle=linestyle,
                linewidth=1.5, markersize=5, label=label,
                gid=f"series:{series.exercise_code}",
            )
            _register(
                line,
                [
                    f"{series.exercise_name}, week {w}: "
                    f"{format_distance_number(v, data.units) if distance else format_number(v)}"
                    f" {unit}"
                    for w, v in zip(series.weeks, series.values, strict=True)
                ],
            )
        if not panel.group:
            _empty(ax, f"No {what} recorded yet")
            continue
        ax.legend(
            loc="upper left", bbox_to_anchor=(0.0, -below_in / plot_in), ncols=LEGEND_COLUMNS,
            fontsize=LEGEND_FONT, frameon=False, borderaxespad=0.0, borderpad=0.0,
            title=(
                f"The {len(panel.chosen)} exercises trained most recently; "
                f"{panel.hidden} more not shown"
                if panel.hidden else None
            ),
            title_fontsize=LEGEND_FONT, alignment="left",
        )
    volume_ax.set_xlabel("Program week")
    return fig


# ------------------------------------------------------------------------------ adherence


def adherence_figure(data: ReportData, *, figsize: tuple[float, float] | None = None) -> Figure:
    """Sessions attended and missed per program week (planned up to today)."""
    fig = _new_figure(figsize)
    _margins(fig)
    ax = fig.add_subplot()
    _style_axes(ax)
    adherence = data.adherence
    overall = adherence.percent
    title = "Attendance per week"
    if overall is not None:
        title += (
            f" — {adherence.attended} of {adherence.planned_to_date} planned sessions so far "
            f"({format_number(overall, 0)}%)"
        )
    ax.set_ylabel("Sessions")
    weeks = data.program.weeks if data.program is not None else 12
    ax.set_xlim(0.5, weeks + 0.5)
    ax.set_xlabel("Program week")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    lines = _phases(ax, data, program_weeks=True)
    ax.set_title(title, loc="left", pad=title_pad(lines), y=1.0)
    rows = [w for w in adherence.weeks if w.planned > 0]
    if not rows:
        ax.set_ylim(0, 3.5)
        _empty(
            ax,
            "No program yet" if data.program is None else "No sessions due yet",
        )
        return fig
    xs = [w.week for w in rows]
    attended = ax.bar(
        xs, [w.attended for w in rows], width=0.6, color=style.OKABE_ITO["green"],
        edgecolor="black", linewidth=0.6, label="Attended", gid="bar:attended", zorder=3,
    )
    missed = ax.bar(
        xs, [w.missed for w in rows], width=0.6, bottom=[w.attended for w in rows],
        color="white", edgecolor="black", hatch="///", linewidth=0.6, label="Missed",
        gid="bar:missed", zorder=3,
    )
    for bars in (attended, missed):
        for rect, w in zip(bars.patches, rows, strict=True):
            _register(
                rect,
                [f"Week {w.week} (from {_date(w.start_date)}): "
                 f"{w.attended} of {w.planned} attended, {w.missed} missed"],
            )
    top = max(w.planned for w in rows)
    ax.set_ylim(0, top + 1.0)
    ax.legend(loc="upper right", ncols=2, fontsize=7.5, frameon=True, framealpha=0.9)
    return fig


# -------------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class ChartSpec:
    key: str
    title: str
    build: Callable[..., Figure]


CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("odi", "Disability (ODI)", odi_figure),
    ChartSpec("pain", "Pain", pain_figure),
    ChartSpec("walking", "Walking tests", walking_figure),
    ChartSpec("training", "Training load and volume", training_figure),
    ChartSpec("adherence", "Attendance", adherence_figure),
)


def build_chart(key: str, data: ReportData, **kwargs: Any) -> Figure:
    for spec in CHARTS:
        if spec.key == key:
            return spec.build(data, **kwargs)
    raise KeyError(f"unknown chart {key!r}; known: {', '.join(c.key for c in CHARTS)}")
