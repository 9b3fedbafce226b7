"""The report's first page: a one-page summary of the whole report.

Clinical version: the report period, diagnosis and surgery, the program and adherence, the
headline outcomes (baseline, latest, change, clinically important or not) with one overall line
counted from the same rows, red flags and adverse events. Patient version: the same facts in
plain words, without clinical labels. Every number and verdict comes from the report's own rows
(:class:`~rehab_tracker.services.report_data.model.OutcomeRow`), so the summary cannot say
something the tables do not. No Qt: the HTML goes into the report's QTextDocument.
"""

from __future__ import annotations

from collections.abc import Sequence

from rehab_tracker.domain.weeks import weeks_since
from rehab_tracker.reports.wording import (
    change_text,
    day_text,
    esc,
    important_text,
    plain_sentence,
    value_text,
)
from rehab_tracker.services.report_data.model import OutcomeRow, ProgramSummary, ReportData

#: the outcome rows the summary shows, in this order (those the report has)
HEADLINE = ("odi", "rmdq", "nprs_back", "nprs_leg")
#: the first walking test of these with a measurement joins the headline
HEADLINE_WALKS = ("walk_6min", "walk_5min", "tug")


def headline_rows(data: ReportData) -> list[OutcomeRow]:
    """ODI, RMDQ (when recorded), back and leg pain, and one walking test."""
    rows = [
        r
        for code in HEADLINE
        if (r := data.row(code)) is not None and (code != "rmdq" or r.status != "no_data")
    ]
    walk = next(
        (r for code in HEADLINE_WALKS if (r := data.row(code)) and r.status != "no_data"), None
    )
    return [*rows, walk] if walk is not None else rows


def summary_section(data: ReportData, clinical: bool) -> str:
    """The summary page, ending in a page break."""
    body = _clinical(data) if clinical else _plain(data)
    return f'{body}<p style="page-break-after: always"></p>'


# ------------------------------------------------------------------------------- clinical


def _clinical(data: ReportData) -> str:
    facts = [
        ("Report period", f"{day_text(data.period_start)} to {day_text(data.period_end)}"),
        ("Diagnosis and surgery", _surgery(data)),
        ("Program", _program(data)),
        ("Adherence", _adherence(data)),
        ("Red flags", _red_flags(data)),
        ("Adverse events", _adverse_events(data)),
    ]
    rows = "".join(
        f'<tr><td width="22%"><b>{name}</b></td><td>{text}</td></tr>' for name, text in facts
    )
    headline = headline_rows(data)
    outcome_rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{cell}</td>"
            for cell in (
                esc(r.label),
                value_text(r, r.baseline, data.units),
                value_text(r, r.latest, data.units),
                change_text(r, data.units),
                esc(important_text(r, "clinical")),
            )
        )
        + "</tr>"
        for r in headline
    )
    return (
        "<h2>Summary</h2>"
        f'<table border="1" cellspacing="0" cellpadding="4" width="100%" '
        f'style="border-collapse: collapse; border-color: #888;">{rows}</table>'
        "<h2>Headline outcomes</h2>"
        '<table border="1" cellspacing="0" cellpadding="3" width="100%" '
        'style="border-collapse: collapse; border-color: #888;"><tr>'
        '<th width="24%">Measure</th><th width="14%">Baseline</th><th width="14%">Latest</th>'
        '<th width="16%">Change</th><th width="32%">Clinically important?</th></tr>'
        f"{outcome_rows}</table>"
        f"<p>{esc(overall_line(headline))}</p>"
        '<p class="small">Baseline: the measurement marked baseline (else the first one in the '
        "period); latest: the most recent. The full outcome table with dates, the thresholds "
        "and their sources, the events and the charts follow.</p>"
    )


def overall_line(rows: Sequence[OutcomeRow]) -> str:
    """One sentence counted from ``rows``: improved by a clinically important amount, worse by
    at least the threshold, below the threshold, and without a follow-up. A group with no
    measure is left out ("in 0 (none)" read as a slip), except worsening: that none got worse
    is worth a surgeon's reading."""
    compared = [r for r in rows if r.status == "change"]
    if not compared:
        return "No headline measure has a follow-up yet: no change can be given."

    def names(group: Sequence[OutcomeRow]) -> str:
        return ", ".join(r.label for r in group)

    def count(group: Sequence[OutcomeRow]) -> str:
        return f"all {len(group)}" if len(group) == len(compared) > 1 else str(len(group))

    important = [r for r in compared if r.clinically_important]
    worse = [r for r in compared if not r.clinically_important and r.worsened]
    below = [r for r in compared if not r.clinically_important and not r.worsened]
    waiting = [r for r in rows if r.status != "change"]
    parts = [
        f"{words} in {count(group)} ({names(group)})"
        for words, group in (
            ("clinically important improvement", important),
            ("worse by at least the threshold", worse),
            ("a change below the threshold", below),
        )
        if group
    ]
    if not worse:
        parts.append("none worse by at least the threshold")
    measures = "measure" if len(compared) == 1 else "measures"
    text = f"Of {len(compared)} headline {measures} with a follow-up: {'; '.join(parts)}."
    if waiting:
        text += f" No follow-up yet: {names(waiting)}."
    return text


def _surgery(data: ReportData) -> str:
    if data.surgery is None:
        return "Conservative pathway: no surgery recorded (physiotherapy only)."
    s = data.surgery
    where = ", ".join(s.levels) or "level not recorded"
    if s.side:
        where += f", {s.side}"
    who = " · ".join(x for x in (s.surgeon, s.hospital) if x)
    weeks = weeks_since(s.surgery_date, data.generated_on)
    return (
        f"{esc(s.procedure)} ({esc(where)}) on {day_text(s.surgery_date)}, {weeks} weeks before "
        f"this report.{' ' + esc(who) + '.' if who else ''}"
    )


def _program(data: ReportData) -> str:
    prog = data.program
    if prog is None:
        return "No exercise program set up."
    start = _exercise_start(prog)
    when = f"exercise starts {start}" if start else f"week {prog.current_week} of {prog.weeks}"
    phase = next(
        (
            ph.name
            for ph in prog.phases
            if prog.current_week is not None and ph.start_week <= prog.current_week <= ph.end_week
        ),
        None,
    )
    return (
        f"{esc(prog.name)}: {when}"
        f"{', phase ' + esc(phase) if phase else ''}; {prog.sessions_per_week} sessions a week, "
        f"{esc(prog.intensity)} intensity; status {esc(prog.status)}."
    )


def _exercise_start(prog: ProgramSummary) -> str | None:
    """The day exercise starts when it has not yet (None once the program is under way)."""
    if prog.current_week is not None:
        return None
    return day_text(prog.exercise_start or prog.start_date)


def _adherence(data: ReportData) -> str:
    adh = data.adherence
    if adh.planned_to_date == 0:
        return "No exercise sessions due yet."
    return (
        f"{adh.attended} of {adh.planned_to_date} sessions due attended "
        f"(<b>{round(adh.percent or 0.0)}%</b>), {adh.missed} missed."
    )


def _red_flags(data: ReportData) -> str:
    if not data.red_flags:
        return "No positive red-flag screen in the period."
    open_flags = [ev for ev in data.red_flags if not ev.acknowledged]
    latest = data.red_flags[-1]
    text = (
        f"{len(data.red_flags)} positive screen{'s' if len(data.red_flags) != 1 else ''}; "
        f"latest {day_text(latest.on)}: {esc(', '.join(latest.items) or 'positive screen')}."
    )
    if open_flags:
        text += " <b>Not cleared</b>: exercise and progression on hold."
    else:
        text += " All cleared."
    return text


def _adverse_events(data: ReportData) -> str:
    events = data.adverse_events
    if not events:
        return "None recorded in the period."
    latest = events[-1]
    return (
        f"{len(events)} recorded; latest {day_text(latest.on)} ({esc(latest.severity)}): "
        f"{esc(latest.description)}."
    )


# -------------------------------------------------------------------------------- patient


def _plain(data: ReportData) -> str:
    parts = [
        ("Your operation", _plain_surgery(data)),
        ("Your exercise program", _plain_program(data)),
        ("Coming to your sessions", _plain_attendance(data)),
    ]
    out = ["<h2>Your summary</h2>"]
    out.extend(f"<p><b>{name}.</b> {text}</p>" for name, text in parts)
    out.append("<p><b>How you are doing.</b></p><ul>")
    out.extend(f"<li>{esc(plain_sentence(r, data.units))}</li>" for r in headline_rows(data))
    out.append("</ul>")
    out.append(f"<p><b>Warning signs.</b> {_plain_warnings(data)}</p>")
    out.append(f"<p><b>Problems with the exercises.</b> {_plain_problems(data)}</p>")
    out.append(
        f'<p class="small">This covers {day_text(data.period_start)} to '
        f"{day_text(data.period_end)}. More detail and pictures are on the next pages.</p>"
    )
    return "".join(out)


def _plain_program(data: ReportData) -> str:
    prog = data.program
    if prog is None:
        return "Your exercise program has not been set up yet."
    if start := _exercise_start(prog):
        return f"Your {prog.weeks}-week program starts on {start}."
    return (
        f"You are in week {prog.current_week} of your {prog.weeks}-week program. "
        f"It has {prog.sessions_per_week} sessions a week."
    )


def _plain_surgery(data: ReportData) -> str:
    if data.surgery is None:
        return "You are doing the exercise program without an operation."
    day = data.surgery.surgery_date
    return (
        f"You had an operation on your lower back on {day_text(day)}. "
        f"That was {weeks_since(day, data.generated_on)} weeks ago."
    )


def _plain_attendance(data: ReportData) -> str:
    adh = data.adherence
    if adh.planned_to_date == 0:
        return "No sessions were due yet."
    return f"You came to {adh.attended} of the {adh.planned_to_date} sessions so far."


def _plain_warnings(data: ReportData) -> str:
    if not data.red_flags:
        return "You did not tell us about any warning signs."
    if any(not ev.acknowledged for ev in data.red_flags):
        return (
            "You told us about a warning sign. Please do not exercise until your therapist "
            "says you can start again."
        )
    return "You told us about a warning sign. You have been cleared to exercise again."


def _plain_problems(data: ReportData) -> str:
    count = len(data.adverse_events)
    if count == 0:
        return "None were written down."
    return f"{count} {'was' if count == 1 else 'were'} written down. See the next pages."
