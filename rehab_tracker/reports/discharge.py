"""The report's discharge summary: how a completed or stopped program ended (status, dates,
reason, pauses, the end-of-program assessment), the sessions attended of those planned, and the
headline outcomes (:data:`HEADLINE`) from baseline to the latest measurement with their change.
Empty while the program runs or is paused. No Qt; the outcome cells are the outcome table's own
(:mod:`rehab_tracker.reports.sections`), the words :mod:`rehab_tracker.reports.wording`'s.
"""

from __future__ import annotations

from rehab_tracker.domain.program_status import is_closed, status_words
from rehab_tracker.domain.units import format_number
from rehab_tracker.reports.wording import day_text, esc
from rehab_tracker.services.report_data.model import OutcomeRow, ProgramSummary, ReportData

#: the headline outcomes the summary shows, in this order: disability, pain and walking
#: distance, the USC program's own outcomes (Kulig et al. 2009; the full table follows)
HEADLINE = ("odi", "rmdq", "nprs_back", "nprs_leg", "walk_6min", "walk_5min")


def discharge_section(data: ReportData, clinical: bool) -> str:
    """The discharge summary of a completed or stopped program; "" otherwise."""
    prog = data.program
    if prog is None or not is_closed(prog.status) or prog.ended_on is None:
        return ""
    title = "Discharge summary" if clinical else "How your program ended"
    lines = [*_end_lines(prog, clinical), _sessions_line(data, clinical)]
    return (
        f"<h2>{title}</h2>"
        + "".join(f"<p>{line}</p>" for line in lines)
        + _outcomes(data, clinical)
    )


def _end_lines(prog: ProgramSummary, clinical: bool) -> list[str]:
    """Status and dates, the reason, the pauses, the end-of-program assessment."""
    assert prog.ended_on is not None
    began = prog.exercise_start or prog.start_date
    planned = f" (planned to end {day_text(prog.end_date)})" if prog.end_date else ""
    if clinical:
        lines = [
            f"<b>Program {esc(status_words(prog.status))}</b> on {day_text(prog.ended_on)}; "
            f"started {day_text(prog.start_date)}, exercise from {day_text(began)}{planned}."
        ]
        if prog.end_reason:
            label = "Reason for stopping" if prog.status == "stopped" else "Note"
            lines.append(f"{label}: {esc(prog.end_reason)}")
        if prog.paused_days:
            days = f"{prog.paused_days} day{'s' if prog.paused_days != 1 else ''}"
            lines.append(f"Paused for {days} in all during the program.")
        if prog.end_assessment_skip_reason:
            lines.append(
                "End-of-program assessment not recorded. Reason given: "
                f"{esc(prog.end_assessment_skip_reason)}"
            )
        return lines
    ended = "finished" if prog.status == "completed" else "stopped early"
    lines = [f"Your program {ended} on {day_text(prog.ended_on)}."]
    if prog.status == "stopped" and prog.end_reason:
        lines.append(f"Why: {esc(prog.end_reason)}")
    return lines


def _sessions_line(data: ReportData, clinical: bool) -> str:
    adh = data.adherence
    if not clinical:
        return f"You came to {adh.attended} of the {adh.planned_total} sessions planned."
    line = f"Sessions: attended {adh.attended} of the {adh.planned_total} planned"
    if not adh.planned_to_date:
        return f"{line}."
    rate = f"<b>{format_number(adh.percent or 0.0, 0)}%</b>"
    if adh.planned_to_date == adh.planned_total:
        return f"{line} ({rate}); {adh.missed} missed."
    return f"{line}; {adh.planned_to_date} were due before the end ({rate}), {adh.missed} missed."


def _headline(rows: tuple[OutcomeRow, ...]) -> list[OutcomeRow]:
    """The :data:`HEADLINE` rows with a measurement, in that order."""
    by_code = {r.code: r for r in rows if r.status != "no_data"}
    return [by_code[code] for code in HEADLINE if code in by_code]


def _outcomes(data: ReportData, clinical: bool) -> str:
    """Baseline -> latest with the change: the outcome table's own cells, without its threshold
    column (the outcome table further on names the thresholds and their sources)."""
    from rehab_tracker.reports import sections  # it imports this module

    rows = _headline(data.outcome_rows)
    if not rows:
        return "<p>No disability, pain or walking-distance measures were recorded.</p>"
    if clinical:
        refs = sections._threshold_refs(rows)
        cells = [sections._clinical_outcome_cells(r, data.units, refs)[:5] for r in rows]
        headers = ["Measure", "Baseline", "Latest", "Change", "Clinically important?"]
        return sections._table(headers, cells, (22, 17, 17, 16, 28))
    cells = [sections._plain_outcome_cells(r, data.units) for r in rows]
    headers = ["What was measured", "At the start", "Most recent", "Change", "Meaningful?"]
    return sections._table(headers, cells, (34, 12, 12, 18, 24))
