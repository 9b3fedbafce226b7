"""The progress report: ReportData -> HTML in a QTextDocument -> PDF (QPdfWriter) or a printer.

Two audiences: ``"clinical"`` (for the surgeon or an insurer: numbers, thresholds and sources) and
``"patient"`` (the same facts in plain words). The charts are the chart view's own figures
(:mod:`rehab_tracker.charts.progress`), rendered with Agg at print resolution and embedded as
images. Missing data is said in words ("No follow-up yet: change cannot be computed"), never
drawn as a line or a zero.

Qt needs a QGuiApplication for fonts and painting; :func:`ensure_gui_application` makes an
offscreen one when the caller (the CLI) has none.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rehab_tracker.domain.units import (
    distance_unit,
    format_distance,
    format_distance_number,
    format_number,
    metres_to_feet,
)
from rehab_tracker.domain.weeks import weeks_since
from rehab_tracker.services.report_data.model import OutcomeRow, ReportData

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from PySide6.QtGui import QImage, QPagedPaintDevice, QTextDocument

Audience = Literal["clinical", "patient"]
AUDIENCES: tuple[Audience, ...] = ("clinical", "patient")

#: chart width on the page (inches) and the resolution charts are drawn at
CHART_WIDTH_IN = 6.7
CHART_DPI = 150
#: the chart's width in the printed document's layout units (points, 1/72 inch)
CHART_WIDTH_PX = int(CHART_WIDTH_IN * 72)

_ODI_ATTRIBUTION = (
    "Oswestry Disability Index (ODI) version 2.1a, © Jeremy Fairbank; the questionnaire is "
    "licensed through Mapi Research Trust. This report shows scores only, not the questionnaire "
    "wording. Severity bands: Fairbank & Pynsent, Spine 2000;25(22):2940-2953."
)
_NPRS_ATTRIBUTION = (
    "Numeric Pain Rating Scale (NPRS) 0-10, whole numbers, back and leg pain rated separately."
)
_RMDQ_ATTRIBUTION = "Roland-Morris Disability Questionnaire (RMDQ): Roland & Morris, Spine 1983."
_WALK_ATTRIBUTION = (
    "6-minute walk test after the ATS statement (2002); predicted distance and lower limit of "
    "normal: Enright & Sherrill, Am J Respir Crit Care Med 1998;158:1384-1387."
)

PLAIN_MEASURES = {
    "odi": "How much your back affects everyday activities (0-100, lower is better)",
    "rmdq": "Everyday activities affected by your back (0-24, lower is better)",
    "nprs_back": "Back pain (0 = no pain, 10 = worst pain)",
    "nprs_leg": "Leg pain (0 = no pain, 10 = worst pain)",
    "walk_5min": "Distance walked in 5 minutes (higher is better)",
    "walk_6min": "Distance walked in 6 minutes (higher is better)",
    "walk_50ft_preferred": "Time to walk 50 feet at your usual pace (lower is better)",
    "walk_50ft_fastest": "Time to walk 50 feet as fast as you safely can (lower is better)",
    "tug": "Time to stand up, walk 3 m, turn, come back and sit (lower is better)",
}


# ---------------------------------------------------------------------------------- Qt setup


def ensure_gui_application() -> object:
    """The running Qt application, or a new one (offscreen when there is no display).

    A QApplication (a QGuiApplication that also allows widgets), so that a process which
    writes reports first and opens a window later (tests, a script) does not abort.
    """
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QCoreApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication(["rehab-tracker-report"])
    return app


# ------------------------------------------------------------------------------------ charts


@dataclass(frozen=True)
class ReportChart:
    key: str
    title: str
    figsize: tuple[float, float]


REPORT_CHARTS: tuple[ReportChart, ...] = (
    ReportChart("odi", "Disability (ODI)", (CHART_WIDTH_IN, 3.3)),
    ReportChart("pain", "Pain", (CHART_WIDTH_IN, 3.3)),
    ReportChart("walking", "Walking tests", (CHART_WIDTH_IN, 4.6)),
    ReportChart("training", "Training", (CHART_WIDTH_IN, 4.4)),
    ReportChart("adherence", "Attendance", (CHART_WIDTH_IN, 3.0)),
)


def charts_with_data(data: ReportData) -> tuple[list[ReportChart], list[str]]:
    """The charts worth printing, and the titles of those left out for lack of data."""
    has = {
        "odi": bool((s := data.series("odi")) and s.points),
        "pain": bool(
            data.session_pain
            or any((s := data.series(c)) and s.points for c in ("nprs_back", "nprs_leg"))
        ),
        "walking": any(w.points for w in data.walks),
        "training": bool(data.training),
        "adherence": data.adherence.planned_to_date > 0,
    }
    shown = [c for c in REPORT_CHARTS if has[c.key]]
    missing = [c.title for c in REPORT_CHARTS if not has[c.key]]
    return shown, missing


def report_figures(data: ReportData) -> list[tuple[ReportChart, Figure]]:
    from rehab_tracker.charts.progress import build_chart

    shown, _missing = charts_with_data(data)
    return [(c, build_chart(c.key, data, figsize=c.figsize)) for c in shown]


def figure_image(fig: Figure, dpi: int = CHART_DPI) -> QImage:
    """Draw ``fig`` with Agg and hand the pixels to Qt without a PNG round trip."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PySide6.QtGui import QImage

    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    width, height = canvas.get_width_height()
    buffer = bytes(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    return QImage(buffer, width, height, 4 * width, QImage.Format.Format_RGBA8888).copy()


# -------------------------------------------------------------------------------------- HTML


def _e(text: object) -> str:
    return html.escape(str(text))


def _d(day: object) -> str:
    import datetime as dt

    return day.strftime("%d %b %Y") if isinstance(day, dt.date) else "—"


def _amount(row: OutcomeRow, value: float, units: str) -> str:
    """A value's number: distances (stored in metres) in the clinic's unit system."""
    return format_distance_number(value, units) if row.unit == "m" else format_number(value)


def _unit(row: OutcomeRow, units: str, others: dict[str, str], default: str) -> str:
    """The unit after a number: distances in the clinic's unit system, the rest from ``others``."""
    if row.unit == "m":
        return f" {distance_unit(units)}"
    return others.get(row.unit, default)


def _value(row: OutcomeRow, value: float | None, units: str = "metric") -> str:
    if value is None:
        return "—"
    unit = _unit(row, units, {"points": "", "%": "%", "s": " s"}, f" {row.unit}")
    return f"{_amount(row, value, units)}{unit}"


def _change(row: OutcomeRow, units: str = "metric") -> str:
    if row.change is None:
        return "—"
    sign = "+" if row.change > 0 else ""
    unit = _unit(row, units, {"points": "", "%": " points", "s": " s"}, "")
    text = f"{sign}{_amount(row, row.change, units)}{unit}"
    if row.percent_change is not None and row.unit in ("points", "%"):
        text += f" ({sign}{format_number(row.percent_change, 0)}%)"
    return text


def _plain_change(row: OutcomeRow, units: str = "metric") -> str:
    """The patient version's change cell: "3 lower (better)", never a bare minus sign."""
    if row.change is None:
        return "—"
    if row.change == 0:
        return "No change"
    amount = _amount(row, abs(row.change), units)
    points = " point" if amount == "1" else " points"
    unit = _unit(row, units, {"points": points, "%": points, "s": " s"}, "")
    direction = "lower" if row.change < 0 else "higher"
    better = (row.change < 0) == (row.direction == "lower_better")
    return f"{amount}{unit} {direction} ({'better' if better else 'worse'})"


#: the TUG course is 3 m; an imperial clinic reads it in feet (3 m is 9.8 ft)
_PLAIN_TUG_IMPERIAL = (
    "Time to stand up, walk about 10 feet, turn, come back and sit (lower is better)"
)


def _plain_measure(row: OutcomeRow, units: str) -> str:
    if row.code == "tug" and units == "imperial":
        return _PLAIN_TUG_IMPERIAL
    return PLAIN_MEASURES.get(row.code, row.label)


PLAIN_SHORT = {
    "odi": "Daily-activities score",
    "rmdq": "Everyday-activities score",
    "nprs_back": "Back pain",
    "nprs_leg": "Leg pain",
    "walk_5min": "5-minute walk",
    "walk_6min": "6-minute walk",
    "walk_50ft_preferred": "50-foot walk at your usual pace",
    "walk_50ft_fastest": "50-foot walk at your fastest",
    "tug": "Stand up, walk and sit test",
}


def plain_sentence(row: OutcomeRow, units: str = "metric") -> str:
    """The patient version's summary of one measure, without jargon (distances in ``units``)."""
    name = PLAIN_SHORT.get(row.code, row.label)
    base = _value(row, row.baseline, units)
    if row.status == "no_data":
        return f"{name}: not measured yet."
    if row.status == "no_follow_up":
        return f"{name}: measured once so far ({base}); too early to compare."
    change = _plain_change(row, units)
    if change == "No change":
        return f"{name}: the same as at the start ({base})."
    meaning = important_text(row, "patient")
    return (
        f"{name}: {change.replace(' (', ' than at the start (', 1)} "
        f"— from {base} to {_value(row, row.latest, units)}. {meaning}."
    )


_METRES_IN_TEXT = re.compile(r"\b(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))? m\b")


def source_in_units(source: str, units: str) -> str:
    """A threshold's cited source with its distances in the clinic's unit system ("26-35 m" reads
    "85-115 ft" for an imperial clinic; the quantities are the same)."""
    if units != "imperial":
        return source

    def feet(match: re.Match[str]) -> str:
        low, high = match.group(1), match.group(2)
        text = f"{round(metres_to_feet(float(low)))}"
        if high is not None:
            text += f"-{round(metres_to_feet(float(high)))}"
        return f"{text} ft"

    return _METRES_IN_TEXT.sub(feet, source)


#: the "clinically important?" cell per outcome state: (clinical words, patient words)
_IMPORTANT_TEXT: Mapping[str, tuple[str, str]] = {
    "no_data": ("Not recorded yet", "Not measured yet"),
    "no_follow_up": (
        "No follow-up yet: change cannot be computed",
        "Measured once so far: too early to compare",
    ),
    "important": (
        "Yes: clinically important improvement",
        "Yes: a big enough improvement to make a real difference",
    ),
    "worsened": (
        "Clinically important worsening",
        "Worse by enough to discuss with your therapist",
    ),
    "below": (
        "No: below the threshold",
        "Not yet: a smaller change than one that usually makes a real difference",
    ),
}


def important_text(row: OutcomeRow, audience: Audience) -> str:
    """The table's "clinically important?" cell, in the audience's words."""
    clinical, patient = _IMPORTANT_TEXT[_importance(row)]
    return clinical if audience == "clinical" else patient


def _importance(row: OutcomeRow) -> str:
    """The row's key in :data:`_IMPORTANT_TEXT`."""
    if row.status in ("no_data", "no_follow_up"):
        return row.status
    if row.clinically_important:
        return "important"
    return "worsened" if row.worsened else "below"


_CSS = """
body { font-family: 'DejaVu Sans', sans-serif; font-size: 9pt; color: #000; }
h1 { font-size: 15pt; margin: 0; }
h2 { font-size: 11.5pt; margin-top: 12px; margin-bottom: 4px; color: #003a66; }
p { margin-top: 2px; margin-bottom: 4px; }
.small { font-size: 7.5pt; color: #333; }
.muted { color: #444; }
th { background-color: #e4e4e4; text-align: left; }
td, th { padding: 3px; }
.break { page-break-before: always; }
"""


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int] = ()
) -> str:
    head = "".join(
        f'<th width="{widths[i]}%">{h}</th>' if i < len(widths) else f"<th>{h}</th>"
        for i, h in enumerate(headers)
    )
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (
        '<table border="1" cellspacing="0" cellpadding="3" width="100%" '
        f'style="border-collapse: collapse; border-color: #888;"><tr>{head}</tr>{body}</table>'
    )


def build_html(
    data: ReportData,
    audience: Audience = "clinical",
    notes: str = "",
    chart_names: Sequence[tuple[str, str]] = (),
    missing_charts: Sequence[str] = (),
) -> str:
    """The report as Qt rich-text HTML. ``chart_names``: (resource name, title) per image.

    Built from one function per section, each returning its HTML fragment.
    """
    if audience not in AUDIENCES:
        raise ValueError(f"audience must be 'clinical' or 'patient', got {audience!r}")
    clinical = audience == "clinical"
    refs = _threshold_refs(data.outcome_rows)
    sections = (
        _header(data, clinical),
        _surgery_and_program(data, clinical),
        _attendance(data, clinical),
        _outcomes(data, audience, refs),
        _six_minute_reference(data, clinical),
        _events(data, clinical),
        _notes_and_signature(notes, clinical),
        _charts(data, clinical, chart_names, missing_charts),
        _sources(data, clinical, refs),
        _disclaimer(data, clinical),
    )
    return f"<html><head><style>{_CSS}</style></head><body>{''.join(sections)}</body></html>"


def _header(data: ReportData, clinical: bool) -> str:
    """Title, clinic and patient, the report date and the period covered."""
    p = data.patient
    clinic = _e(data.clinic.name)
    extra = " · ".join(_e(x) for x in (data.clinic.address, data.clinic.phone) if x)
    title = "Progress report" if clinical else "Your progress report"
    return (
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        f'<td><h1>{title}</h1><p class="muted">{clinic}'
        f"{'<br>' + extra if extra else ''}</p></td>"
        f'<td align="right"><p><b>{_e(p.name)}</b><br>Record number: {_e(p.record_number)}<br>'
        f"Born {_d(p.date_of_birth)} (age {p.age_years})<br>"
        f"Report date: {_d(data.generated_on)}</p></td></tr></table>"
        f'<p class="small">Period covered: {_d(data.period_start)} to {_d(data.period_end)}.'
        f"{' Version for the surgeon, referrer or insurer.' if clinical else ''}</p><hr>"
    )


def _surgery_and_program(data: ReportData, clinical: bool) -> str:
    lines = [_surgery_line(data, clinical), *_program_lines(data, clinical)]
    return (
        f"<h2>{'Surgery and program' if clinical else 'Your surgery and program'}</h2>"
        + "".join(f"<p>{line}</p>" for line in lines)
    )


def _surgery_line(data: ReportData, clinical: bool) -> str:
    if data.surgery is None:
        return (
            "Conservative pathway: no surgery recorded (physiotherapy only)."
            if clinical
            else "You are following the exercise program without surgery."
        )
    s = data.surgery
    levels = ", ".join(s.levels) or "level not recorded"
    side = f", {s.side}" if s.side else ""
    who = " · ".join(_e(x) for x in (s.surgeon, s.hospital) if x)
    weeks = weeks_since(s.surgery_date, data.generated_on)
    return (
        f"<b>{_e(s.procedure)}</b> ({_e(levels)}{_e(side)}) on {_d(s.surgery_date)}, "
        f"{weeks} weeks ago.{' ' + who if who and clinical else ''}"
    )


def _program_lines(data: ReportData, clinical: bool) -> list[str]:
    prog = data.program
    if prog is None:
        return ["No exercise program has been set up yet."]
    if prog.exercise_start is None:
        when = f"planned from {_d(prog.start_date)}"
    elif prog.current_week is None:
        when = f"exercise starts {_d(prog.exercise_start)}"
    else:
        when = (
            f"education on {_d(prog.start_date)}, exercise from {_d(prog.exercise_start)}; "
            f"week {prog.current_week} of {prog.weeks}"
        )
    intensity = f", {prog.intensity} intensity" if clinical else ""
    lines = [
        f"<b>{_e(prog.name)}</b> ({prog.weeks} weeks, {prog.sessions_per_week} sessions a "
        f"week{intensity}; status {_e(prog.status)}): {when}."
    ]
    if prog.phases:
        phases = "; ".join(
            f"{n}. {_e(ph.name)} (weeks {ph.start_week}-{ph.end_week}, "
            f"{_d(ph.start_date)} to {_d(ph.end_date)})"
            for n, ph in enumerate(prog.phases, start=1)
        )
        lines.append(f"Phases: {phases}.")
    if prog.early_start_reason and clinical:
        lines.append(f"Started early: {_e(prog.early_start_reason)}")
    return lines


def _attendance(data: ReportData, clinical: bool) -> str:
    """Sessions attended of those due, the weeks without one, and attendance per week."""
    title = f"<h2>{'Adherence' if clinical else 'Your attendance'}</h2>"
    adh = data.adherence
    if adh.planned_to_date == 0:
        return f"{title}<p>No exercise sessions were due yet, so attendance cannot be given.</p>"
    out = [title]
    pct = format_number(adh.percent or 0.0, 0)
    if clinical:
        extra_text = (
            f" {adh.extra_sessions} unscheduled sessions also logged." if adh.extra_sessions else ""
        )
        out.append(
            f"<p>Attended {adh.attended} of {adh.planned_to_date} sessions due so far "
            f"(<b>{pct}%</b>); {adh.missed} missed; {adh.planned_total} planned in total."
            f"{extra_text}</p>"
        )
    else:
        out.append(
            f"<p>You came to {adh.attended} of the {adh.planned_to_date} sessions so far "
            f"(<b>{pct}%</b>).</p>"
        )
    gaps = adh.weeks_without_attendance
    if gaps:
        weeks_text = ", ".join(str(w) for w in gaps)
        out.append(
            f"<p>Weeks with no session attended: {weeks_text}.</p>"
            if clinical
            else f"<p>Weeks you could not come: {weeks_text}.</p>"
        )
    rows = [w for w in adh.weeks if w.planned > 0]
    out.append(
        _table(
            ["Week", *[str(w.week) for w in rows]],
            [["Attended", *[f"{w.attended}/{w.planned}" for w in rows]]],
        )
    )
    return "".join(out)


def _threshold_refs(rows: Sequence[OutcomeRow]) -> dict[str, int]:
    """Each threshold's source numbered [1], [2]... in the order the outcome table cites them."""
    refs: dict[str, int] = {}
    for row in rows:
        refs.setdefault(row.threshold_source, len(refs) + 1)
    return refs


def _outcomes(data: ReportData, audience: Audience, refs: Mapping[str, int]) -> str:
    """The outcome table and its interpretation in sentences."""
    clinical = audience == "clinical"
    if clinical:
        table = _table(
            ["Measure", "Baseline", "Latest", "Change", "Clinically important?",
             "Threshold used"],
            [_clinical_outcome_cells(row, data.units, refs) for row in data.outcome_rows],
            (20, 13, 13, 14, 22, 18),
        )
    else:
        table = _table(
            ["What was measured", "At the start", "Most recent", "Change",
             "Is it a meaningful change?"],
            [_plain_outcome_cells(row, data.units) for row in data.outcome_rows],
            (34, 12, 12, 14, 28),
        )
    sentences = [
        r.sentence if clinical else plain_sentence(r, data.units) for r in data.outcome_rows
    ]
    out = [
        f"<h2>{'Outcomes' if clinical else 'How you are doing'}</h2>",
        table,
        f"<p><b>{'Interpretation' if clinical else 'In words'}</b></p><ul>",
        *(f"<li>{_e(s)}</li>" for s in sentences),
        "</ul>",
    ]
    if not clinical:
        out.append(
            "<p class=\"small\">A \"meaningful change\" is the size of change that, in studies of "
            "people with back problems, usually makes a difference people notice. Your therapist "
            "will talk you through your own results.</p>"
        )
    return "".join(out)


def _dated(value: str, on: object, band: str | None) -> str:
    """A clinical table cell: the value, then its date and severity band in small print."""
    if not on:
        return value
    value += f'<br><span class="small">{_d(on)}</span>'
    if band:
        value += f'<span class="small">, {_e(band)}</span>'
    return value


def _clinical_outcome_cells(row: OutcomeRow, units: str, refs: Mapping[str, int]) -> list[str]:
    return [
        _e(row.label),
        _dated(_value(row, row.baseline, units), row.baseline_on, row.band_baseline),
        _dated(_value(row, row.latest, units), row.latest_on, row.band_latest),
        _change(row, units),
        _e(important_text(row, "clinical")),
        f"{_e(row.threshold)} [{refs[row.threshold_source]}]",
    ]


def _plain_outcome_cells(row: OutcomeRow, units: str) -> list[str]:
    return [
        _e(_plain_measure(row, units)),
        _value(row, row.baseline, units),
        _value(row, row.latest, units),
        _plain_change(row, units),
        _e(important_text(row, "patient")),
    ]


def _six_minute_reference(data: ReportData, clinical: bool) -> str:
    """The patient's predicted 6-minute walk (the clinical version also says why it is missing)."""
    if not (any(w.code == "walk_6min" and w.points for w in data.walks) or clinical):
        return ""
    ref6 = data.six_minute_reference
    if ref6.predicted_m is None or ref6.lower_limit_m is None:
        return f'<p class="small">{_e(ref6.note)}</p>' if clinical else ""

    def distance(metres: float) -> str:
        return f"{format_distance_number(metres, data.units)} {distance_unit(data.units)}"

    if clinical:
        return (
            f'<p class="small">6-minute walk reference for this patient: predicted '
            f"{distance(ref6.predicted_m)}, lower limit of normal "
            f"{distance(ref6.lower_limit_m)}. {_e(ref6.note)}</p>"
        )
    # the patient's version: whole metres or feet
    rounded = (
        format_distance(ref6.predicted_m)
        if data.units == "metric"
        else distance(ref6.predicted_m)
    )
    return (
        f'<p class="small">For someone of your age, height and weight, the expected '
        f"6-minute walk is about {rounded}.</p>"
    )


def _events(data: ReportData, clinical: bool) -> str:
    """Positive red-flag screens and adverse events in the period."""
    title = (
        "Red flags and adverse events in the period" if clinical else "Warning signs and problems"
    )
    return f"<h2>{title}</h2>{_red_flags(data, clinical)}{_adverse_events(data, clinical)}"


def _red_flags(data: ReportData, clinical: bool) -> str:
    if not data.red_flags:
        return (
            "<p>No positive red-flag screens in this period.</p>"
            if clinical
            else "<p>No warning signs were reported at your sessions.</p>"
        )
    items = "".join(
        f"<li>{_d(ev.on)}: {_e(', '.join(ev.items) or 'positive screen')}"
        f"{' (acknowledged)' if ev.acknowledged else ' (not yet acknowledged)'}</li>"
        for ev in data.red_flags
    )
    intro = "Positive red-flag screens:" if clinical else "Warning signs reported at a session:"
    return f"<p>{intro}</p><ul>{items}</ul>"


def _adverse_events(data: ReportData, clinical: bool) -> str:
    if not data.adverse_events:
        return (
            "<p>No adverse events recorded in this period.</p>"
            if clinical
            else "<p>No problems with the exercises were recorded.</p>"
        )
    rows = [
        [_d(a.on), _e(a.severity), _e(a.description), _e(a.action_taken or "—")]
        for a in data.adverse_events
    ]
    return _table(["Date", "Severity", "What happened", "Action taken"], rows, (15, 12, 43, 30))


def _notes_and_signature(notes: str, clinical: bool) -> str:
    """The clinician's notes, one paragraph a line, and the lines to sign on."""
    if notes.strip():
        body = "".join(f"<p>{_e(par)}</p>" for par in notes.strip().split("\n") if par)
    else:
        body = '<p class="muted">No notes added.</p>'
    return (
        f"<h2>{'Clinician notes' if clinical else 'Notes from your therapist'}</h2>{body}"
        "<p><br>Clinician: ______________________________ &nbsp; "
        "Signature: ______________________ &nbsp; Date: ______________</p>"
    )


def _charts(
    data: ReportData,
    clinical: bool,
    chart_names: Sequence[tuple[str, str]],
    missing_charts: Sequence[str],
) -> str:
    """The chart images on a new page, and the charts left out for lack of data."""
    out = []
    if chart_names:
        charts_title = "Charts" if clinical else "Your progress in pictures"
        out.append(f'<h2 class="break">{charts_title}</h2>')
        if data.program is not None and data.program.phases:
            out.append(
                '<p class="small">Shaded backgrounds mark the program phases. '
                f"Time runs in {_e(data.axis_label.lower())}.</p>"
            )
        out.extend(
            f'<p align="center"><img src="{_e(name)}" width="{CHART_WIDTH_PX}" '
            f'alt="{_e(chart_title)}"></p>'
            for name, chart_title in chart_names
        )
    if missing_charts:
        out.append(
            '<p class="muted">Not charted, nothing recorded yet: '
            f"{_e(', '.join(missing_charts))}.</p>"
        )
    return "".join(out)


def _sources(data: ReportData, clinical: bool, refs: Mapping[str, int]) -> str:
    """The instruments' attributions and the numbered sources of the thresholds."""
    codes = {r.code for r in data.outcome_rows} | {
        s.code for s in (*data.outcomes, *data.walks) if s.points
    }
    attributions = [_ODI_ATTRIBUTION, _NPRS_ATTRIBUTION]
    if "rmdq" in codes:
        attributions.append(_RMDQ_ATTRIBUTION)
    if codes & {"walk_5min", "walk_6min", "walk_50ft_preferred", "walk_50ft_fastest", "tug"}:
        attributions.append(_WALK_ATTRIBUTION)
    out = [
        f"<h2>{'Instruments and sources' if clinical else 'About the measures'}</h2>",
        *(f'<p class="small">{_e(a)}</p>' for a in attributions),
    ]
    if refs:
        sources_title = (
            "Thresholds for clinically important change:"
            if clinical
            else "Where the sizes of a meaningful change come from:"
        )
        out.append(f'<p class="small"><b>{sources_title}</b></p>')
        out.extend(
            f'<p class="small">[{n}] {_e(source_in_units(src, data.units))}</p>'
            for src, n in refs.items()
        )
    return "".join(out)


def _disclaimer(data: ReportData, clinical: bool) -> str:
    if clinical:
        disclaimer = (
            f"This report summarises what was recorded in Rehab Tracker up to "
            f"{_d(data.generated_on)}. It supports clinical judgement and does not replace it. "
            "Thresholds for clinically important change are group-level estimates from the "
            "studies cited; a change close to a threshold should be read with care. Check against "
            "the clinical record before relying on it."
        )
    else:
        disclaimer = (
            "This report shows what was recorded at your sessions. It is not a diagnosis. Get "
            "urgent medical help straight away if you have numbness between your legs or around "
            "your bottom, new problems passing or holding urine or stools, weakness in your legs "
            "that is getting worse, or pain or numbness in both legs."
        )
    return f'<p class="small"><b>Disclaimer.</b> {_e(disclaimer)}</p>'


# --------------------------------------------------------------------------------- documents


def build_document(
    data: ReportData,
    audience: Audience = "clinical",
    notes: str = "",
    *,
    figures: Sequence[tuple[ReportChart, Figure]] | None = None,
    dpi: int = CHART_DPI,
) -> QTextDocument:
    """The report as a QTextDocument with the charts added as image resources."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QFont, QTextDocument

    ensure_gui_application()
    _shown, missing = charts_with_data(data)
    figs = report_figures(data) if figures is None else list(figures)
    doc = QTextDocument()
    doc.setDefaultFont(QFont("DejaVu Sans", 9))
    names = []
    for chart, fig in figs:
        name = f"chart-{chart.key}.png"
        doc.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(name), figure_image(fig, dpi)
        )
        names.append((name, chart.title))
    doc.setHtml(build_html(data, audience, notes, names, missing))
    doc.setMetaInformation(
        QTextDocument.MetaInformation.DocumentTitle,
        f"Progress report — {data.patient.name} ({data.patient.record_number})",
    )
    return doc


def _setup_page(device: QPagedPaintDevice) -> None:
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    device.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    device.setPageMargins(QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter)


def print_document(doc: QTextDocument, device: QPagedPaintDevice) -> None:
    """Lay ``doc`` out on ``device`` (a QPdfWriter or a QPrinter), page numbers at the bottom."""
    doc.print_(device)


def save_document_pdf(doc: QTextDocument, path: str | os.PathLike[str], title: str = "") -> Path:
    """Write an already built report document as an A4 PDF."""
    from PySide6.QtGui import QPdfWriter

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    writer = QPdfWriter(str(target))
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("Rehab Tracker")
    _setup_page(writer)
    print_document(doc, writer)
    del writer  # finishes the file
    if not target.is_file():
        raise OSError(f"the PDF could not be written to {target}")
    return target


def write_pdf(
    data: ReportData,
    path: str | os.PathLike[str],
    audience: Audience = "clinical",
    notes: str = "",
    *,
    dpi: int = CHART_DPI,
) -> Path:
    """Write the report as a PDF file at ``path`` (A4, 300 dpi for its vector text)."""
    ensure_gui_application()
    doc = build_document(data, audience, notes, dpi=dpi)
    return save_document_pdf(doc, path, f"Progress report — {data.patient.name}")


def report_file_name(data: ReportData, audience: Audience = "clinical") -> str:
    """``RT-00001_Jensen_progress_2026-11-23.pdf`` (``_patient`` added for that version)."""
    family = "".join(
        c for c in data.patient.name.split(" ")[-1] if c.isalnum() or c in "-_"
    ) or "patient"
    suffix = "" if audience == "clinical" else "_patient"
    return (
        f"{data.patient.record_number}_{family}_progress{suffix}_"
        f"{data.generated_on.isoformat()}.pdf"
    )

