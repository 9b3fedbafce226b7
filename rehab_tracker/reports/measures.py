"""The report's section on the measures beyond the outcome table: each PSFS activity's change,
the Global Rating of Change (shown as rated, never judged against a baseline) and what changed
in the neurological screen (clinical version only), plus the attributions of the instruments.
No Qt."""

from __future__ import annotations

from collections.abc import Set

from rehab_tracker.domain.grc import GRC_ATTRIBUTION
from rehab_tracker.domain.neuro import NEURO_ATTRIBUTION
from rehab_tracker.domain.performance import PERFORMANCE_ATTRIBUTION, PERFORMANCE_TESTS
from rehab_tracker.domain.psfs import PSFS_ATTRIBUTION
from rehab_tracker.reports.wording import day_text, esc
from rehab_tracker.services.report_data.model import ReportData


def _list(title: str, lines: tuple[str, ...] | list[str]) -> str:
    items = "".join(f"<li>{esc(line)}</li>" for line in lines)
    return f"<p><b>{esc(title)}</b></p><ul>{items}</ul>"


def measure_notes_section(data: ReportData, clinical: bool) -> str:
    """The PSFS activities, the GRC and (clinical) the neurological screen; empty without any."""
    notes = data.measure_notes
    parts = []
    if notes.psfs_activities:
        title = (
            "PSFS activities, baseline -> latest (0-10, higher is better)"
            if clinical
            else "The activities you chose, at the start and now (0-10, higher is better)"
        )
        parts.append(_list(title, notes.psfs_activities))
    if notes.grc:
        title = (
            "Global Rating of Change (-5..+5; a rating of change itself, not compared with a "
            "baseline)"
            if clinical
            else "How you rated your change since the program started (-5 to +5)"
        )
        parts.append(_list(title, notes.grc))
    if clinical and notes.neuro is not None:
        neuro = notes.neuro
        span = f"baseline {day_text(neuro.baseline_on)}"
        if neuro.latest_on is not None:
            span += f", latest {day_text(neuro.latest_on)}"
        parts.append(_list(f"Neurological screen ({span})", neuro.lines))
    if not parts:
        return ""
    heading = (
        "Patient-rated change and neurological screen" if clinical else "Your own ratings"
    )
    return f"<h2>{heading}</h2>{''.join(parts)}"


def measure_attributions(data: ReportData, codes: Set[str], clinical: bool) -> list[str]:
    """The attributions of the new instruments the report shows (``codes``: the stored codes
    with rows or points; the neurological screen only in the clinical version)."""
    out = []
    if set(PERFORMANCE_TESTS) & codes:
        out.append(PERFORMANCE_ATTRIBUTION)
    if "psfs" in codes or data.measure_notes.psfs_activities:
        out.append(PSFS_ATTRIBUTION)
    if data.measure_notes.grc:
        out.append(GRC_ATTRIBUTION)
    if clinical and data.measure_notes.neuro is not None:
        out.append(NEURO_ATTRIBUTION)
    return out
