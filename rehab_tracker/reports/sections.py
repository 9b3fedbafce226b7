"""The report's sections as Qt rich-text HTML: one function per section (header, surgery and
program, attendance, outcomes, 6-minute walk reference, events, notes and signature, charts,
sources, disclaimer), joined by :func:`build_html`. No Qt: the HTML goes into a QTextDocument in
:mod:`rehab_tracker.reports.progress`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rehab_tracker.domain.program_status import status_words
from rehab_tracker.domain.redflags import ACTIONS, REFERRALS
from rehab_tracker.domain.scoring import odi_band_words
from rehab_tracker.domain.units import (
    distance_unit,
    format_distance,
    format_distance_number,
    format_number,
)
from rehab_tracker.domain.weeks import weeks_since
from rehab_tracker.reports.discharge import discharge_section
from rehab_tracker.reports.measures import measure_attributions, measure_notes_section
from rehab_tracker.reports.summary import summary_section
from rehab_tracker.reports.wording import (
    AUDIENCES,
    NPRS_ATTRIBUTION,
    ODI_ATTRIBUTION,
    PLAIN_SIX_MINUTE_AGE_CAVEAT,
    RMDQ_ATTRIBUTION,
    THRESHOLD_NOTE,
    WALK_ATTRIBUTION,
    Audience,
    change_text,
    day_text,
    esc,
    important_text,
    interpretation_line,
    plain_change_text,
    plain_measure,
    plain_name,
    plain_sentence,
    source_in_units,
    value_text,
)
from rehab_tracker.services.report_data.model import OutcomeRow, RedFlagEvent, ReportData

#: who a patient with a warning sign was sent to, in the patient's words (domain REFERRALS)
PLAIN_REFERRALS = {
    "emergency_services": "the emergency services (an ambulance was called)",
    "emergency_department": "a hospital emergency department",
    "surgeon": "your surgeon or the spinal team",
    "gp": "your family doctor (GP)",
}

#: chart width on the page (inches) and the resolution charts are drawn at
CHART_WIDTH_IN = 6.7
CHART_DPI = 150
#: the chart's width in the printed document's layout units (points, 1/72 inch)
CHART_WIDTH_PX = int(CHART_WIDTH_IN * 72)
#: the clinic logo's image resource and its height in the header (layout units)
LOGO_RESOURCE = "clinic-logo"
LOGO_HEIGHT_PX = 48

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
        summary_section(data, clinical),
        _surgery_and_program(data, clinical),
        discharge_section(data, clinical),
        _attendance(data, clinical),
        _outcomes(data, audience, refs),
        measure_notes_section(data, clinical),
        _six_minute_reference(data, clinical),
        _events(data, clinical),
        _notes_and_signature(data, notes, clinical),
        _charts(data, clinical, chart_names, missing_charts),
        _sources(data, clinical, refs),
        _disclaimer(data, clinical),
    )
    return f"<html><head><style>{_CSS}</style></head><body>{''.join(sections)}</body></html>"


def _header(data: ReportData, clinical: bool) -> str:
    """Title, clinic and patient, the report date and the period covered."""
    p = data.patient
    clinic = esc(data.clinic.name)
    extra = " · ".join(esc(x) for x in (data.clinic.address, data.clinic.phone) if x)
    title = "Progress report" if clinical else "Your progress report"
    logo = (
        f'<td width="1%"><img src="{LOGO_RESOURCE}" height="{LOGO_HEIGHT_PX}"></td>'
        if data.clinic.logo
        else ""
    )
    return (
        f'<table width="100%" cellspacing="0" cellpadding="0"><tr>{logo}'
        f'<td><h1>{title}</h1><p class="muted">{clinic}'
        f"{'<br>' + extra if extra else ''}</p></td>"
        f'<td align="right"><p><b>{esc(p.name)}</b><br>Record number: {esc(p.record_number)}<br>'
        f"Born {day_text(p.date_of_birth)} (age {p.age_years})<br>"
        f"Report date: {day_text(data.generated_on)}</p></td></tr></table>"
        f'<p class="small">Period covered: {day_text(data.period_start)} to '
        f"{day_text(data.period_end)}."
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
    weeks = weeks_since(s.surgery_date, data.generated_on)
    if not clinical:  # the procedure's name is a clinical label
        return (
            f"<b>Your operation</b> on your lower back was on {day_text(s.surgery_date)}, "
            f"{weeks} weeks ago."
        )
    levels = ", ".join(s.levels) or "level not recorded"
    side = f", {s.side}" if s.side else ""
    who = " · ".join(esc(x) for x in (s.surgeon, s.hospital) if x)
    return (
        f"<b>{esc(s.procedure)}</b> ({esc(levels)}{esc(side)}) on {day_text(s.surgery_date)}, "
        f"{weeks} weeks ago.{' ' + who if who else ''}"
    )


def _program_lines(data: ReportData, clinical: bool) -> list[str]:
    prog = data.program
    if prog is None:
        return ["No exercise program has been set up yet."]
    if prog.exercise_start is None:
        when = f"planned from {day_text(prog.start_date)}"
    elif prog.current_week is None:
        when = f"exercise starts {day_text(prog.exercise_start)}"
    else:
        when = (
            f"education on {day_text(prog.start_date)}, "
            f"exercise from {day_text(prog.exercise_start)}; "
            f"week {prog.current_week} of {prog.weeks}"
        )
    if clinical:
        lines = [
            f"<b>{esc(prog.name)}</b> ({prog.weeks} weeks, {prog.sessions_per_week} sessions a "
            f"week, {prog.intensity} intensity; status {esc(status_words(prog.status))}): {when}."
        ]
    else:  # the program's name is the clinic's (it may carry a model's name): plain words
        lines = [
            f"<b>Your {prog.weeks}-week exercise program</b> ({prog.sessions_per_week} "
            f"sessions a week): {when}."
        ]
    if prog.phases:
        phases = "; ".join(
            f"{n}. {esc(ph.name)} (weeks {ph.start_week}-{ph.end_week}, "
            f"{day_text(ph.start_date)} to {day_text(ph.end_date)})"
            for n, ph in enumerate(prog.phases, start=1)
        )
        lines.append(f"Phases: {phases}.")
    if prog.early_start_reason and clinical:
        lines.append(f"Started early: {esc(prog.early_start_reason)}")
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
        interpretation_line(r) if clinical else plain_sentence(r, data.units)
        for r in data.outcome_rows
    ]
    out = [
        f"<h2>{'Outcomes' if clinical else 'How you are doing'}</h2>",
        table,
        f"<p><b>{'Interpretation' if clinical else 'In words'}</b></p><ul>",
        *(f"<li>{esc(s)}</li>" for s in sentences),
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
    value += f'<br><span class="small">{day_text(on)}</span>'
    if band:
        value += f'<span class="small">, {esc(odi_band_words(band))}</span>'
    return value


def _clinical_outcome_cells(row: OutcomeRow, units: str, refs: Mapping[str, int]) -> list[str]:
    return [
        esc(row.label),
        _dated(value_text(row, row.baseline, units), row.baseline_on, row.band_baseline),
        _dated(value_text(row, row.latest, units), row.latest_on, row.band_latest),
        change_text(row, units),
        esc(important_text(row, "clinical")),
        f"{esc(row.threshold)} [{refs[row.threshold_source]}]",
    ]


def _plain_outcome_cells(row: OutcomeRow, units: str) -> list[str]:
    return [
        f"<b>{esc(plain_name(row))}</b><br>{esc(plain_measure(row, units))}",
        value_text(row, row.baseline, units),
        value_text(row, row.latest, units),
        plain_change_text(row, units),
        esc(important_text(row, "patient")),
    ]


def _six_minute_reference(data: ReportData, clinical: bool) -> str:
    """The patient's predicted 6-minute walk beside their recorded ones (the clinical version
    also says why it is missing); nothing without a 6-minute walk in the report: a sentence
    about a measure with no data read as if one had been done (the walkthrough of issue 11)."""
    if not any(w.code == "walk_6min" and w.points for w in data.walks):
        return ""
    ref6 = data.six_minute_reference
    if ref6.predicted_m is None or ref6.lower_limit_m is None:
        return f'<p class="small">{esc(ref6.note)}</p>' if clinical else ""

    def distance(metres: float) -> str:
        return f"{format_distance_number(metres, data.units)} {distance_unit(data.units)}"

    if clinical:
        return (
            f'<p class="small">6-minute walk reference for this patient: predicted '
            f"{distance(ref6.predicted_m)}, lower limit of normal "
            f"{distance(ref6.lower_limit_m)}. {esc(ref6.note)}</p>"
        )
    # the patient's version: whole metres or feet
    rounded = (
        format_distance(ref6.predicted_m)
        if data.units == "metric"
        else distance(ref6.predicted_m)
    )
    caveat = f" {PLAIN_SIX_MINUTE_AGE_CAVEAT}" if ref6.extrapolated else ""
    return (
        f'<p class="small">For someone of your age, height and weight, the expected '
        f"6-minute walk is about {rounded}.{esc(caveat)}</p>"
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
    if clinical:
        rows = [
            [
                day_text(ev.on),
                esc(", ".join(ev.items) or "positive screen"),
                esc(ACTIONS.get(ev.action or "", "—").split(":")[0]),
                _red_flag_outcome(ev),
                _red_flag_clearance(ev),
            ]
            for ev in data.red_flags
        ]
        return "<p>Positive red-flag screens:</p>" + _table(
            ["Date", "Answered yes", "Action", "Advice and referral", "Clearance"],
            rows,
            (12, 21, 15, 29, 23),
        )
    # the advice is the clinician's own words (often clinical): the patient reads who they
    # were sent to instead
    items = "".join(
        f"<li>{day_text(ev.on)}: {esc(', '.join(ev.items) or 'a warning sign')}. "
        + (
            f"You were sent to: {esc(PLAIN_REFERRALS[ev.referred_to])}. "
            if ev.referred_to in PLAIN_REFERRALS
            else ""
        )
        + (
            f"Cleared to exercise again on {day_text(ev.cleared_on)}."
            if ev.acknowledged
            else "Not yet cleared to exercise again."
        )
        + "</li>"
        for ev in data.red_flags
    )
    return f"<p>Warning signs reported at a session:</p><ul>{items}</ul>"


def _red_flag_outcome(ev: RedFlagEvent) -> str:
    """Advice given and referral of a positive screen (clinical report)."""
    if ev.referred_to is None and not ev.advice:
        return "not recorded"
    referral = REFERRALS.get(ev.referred_to or "", "not recorded")
    details = f" ({esc(ev.referral_details)})" if ev.referral_details else ""
    return f"{esc(ev.advice or 'advice not recorded')}<br>Referred to: {esc(referral)}{details}"


def _red_flag_clearance(ev: RedFlagEvent) -> str:
    """Who cleared exercise to resume and when, or "not cleared" (clinical report)."""
    if not ev.acknowledged:
        return "<b>Not cleared</b>: exercise and progression on hold"
    note = f"<br>{esc(ev.clearance_note)}" if ev.clearance_note else ""
    return f"{day_text(ev.cleared_on)} by {esc(ev.cleared_by or 'not recorded')}{note}"


def _adverse_events(data: ReportData, clinical: bool) -> str:
    if not data.adverse_events:
        return (
            "<p>No adverse events recorded in this period.</p>"
            if clinical
            else "<p>No problems with the exercises were recorded.</p>"
        )
    rows = [
        [day_text(a.on), esc(a.severity), esc(a.description), esc(a.action_taken or "—")]
        for a in data.adverse_events
    ]
    return _table(["Date", "Severity", "What happened", "Action taken"], rows, (14, 16, 40, 30))


def _notes_and_signature(data: ReportData, notes: str, clinical: bool) -> str:
    """The clinician's notes, one paragraph a line, and the lines to sign on (the signing
    clinician's name and registration number from the clinic settings, when set)."""
    if notes.strip():
        body = "".join(f"<p>{esc(par)}</p>" for par in notes.strip().split("\n") if par)
    else:
        body = '<p class="muted">No notes added.</p>'
    signer = data.clinic.signer
    if signer:
        registration = data.clinic.signer_registration
        who = f"<b>{esc(signer)}</b>" + (
            f", registration number {esc(registration)}" if registration else ""
        )
    else:
        who = "______________________________"
    return (
        f"<h2>{'Clinician notes' if clinical else 'Notes from your therapist'}</h2>{body}"
        f"<p><br>Clinician: {who}<br><br>"
        "Signature: ______________________________ &nbsp; Date: ______________</p>"
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
                f"Time runs in {esc(data.axis_label.lower())}.</p>"
            )
        out.extend(
            f'<p align="center"><img src="{esc(name)}" width="{CHART_WIDTH_PX}" '
            f'alt="{esc(chart_title)}"></p>'
            for name, chart_title in chart_names
        )
    if missing_charts:
        out.append(
            '<p class="muted">Not charted, nothing recorded yet: '
            f"{esc(', '.join(missing_charts))}.</p>"
        )
    return "".join(out)


def _sources(data: ReportData, clinical: bool, refs: Mapping[str, int]) -> str:
    """The instruments' attributions and the numbered sources of the thresholds."""
    codes = {r.code for r in data.outcome_rows} | {
        s.code for s in (*data.outcomes, *data.walks) if s.points
    }
    attributions = [ODI_ATTRIBUTION, NPRS_ATTRIBUTION]
    if "rmdq" in codes:
        attributions.append(RMDQ_ATTRIBUTION)
    if codes & {"walk_5min", "walk_6min", "walk_50ft_preferred", "walk_50ft_fastest", "tug"}:
        attributions.append(WALK_ATTRIBUTION)
    attributions.extend(measure_attributions(data, codes, clinical))
    out = [
        f"<h2>{'Instruments and sources' if clinical else 'About the measures'}</h2>",
        *(f'<p class="small">{esc(a)}</p>' for a in attributions),
    ]
    if refs:
        sources_title = (
            "Thresholds for clinically important change:"
            if clinical
            else "Where the sizes of a meaningful change come from:"
        )
        out.append(f'<p class="small"><b>{sources_title}</b></p>')
        out.extend(
            f'<p class="small">[{n}] {esc(source_in_units(src, data.units))}</p>'
            for src, n in refs.items()
        )
        if clinical:
            out.append(f'<p class="small">{esc(THRESHOLD_NOTE)}</p>')
    return "".join(out)


def _disclaimer(data: ReportData, clinical: bool) -> str:
    if clinical:
        disclaimer = (
            f"This report summarises what was recorded in Rehab Tracker up to "
            f"{day_text(data.period_end)}. "
            "It supports clinical judgement and does not replace it. "
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
    return f'<p class="small"><b>Disclaimer.</b> {esc(disclaimer)}</p>'
