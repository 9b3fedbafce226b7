"""The report's words: the values, changes and plain sentences of an outcome row, the source
lines, the "clinically important?" cell in each audience's words, and the HTML escaping every
section uses. No Qt: :mod:`rehab_tracker.reports.sections` lays these out.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Mapping
from typing import Literal

from rehab_tracker.domain.scoring import SIX_MINUTE_AGES
from rehab_tracker.domain.units import distance_unit, measured_text, metres_to_feet
from rehab_tracker.services.report_data.model import OutcomeRow

Audience = Literal["clinical", "patient"]
AUDIENCES: tuple[Audience, ...] = ("clinical", "patient")

ODI_ATTRIBUTION = (
    "Oswestry Disability Index (ODI) version 2.1a, © Jeremy Fairbank; the questionnaire is "
    "licensed through Mapi Research Trust. This report shows scores only, not the questionnaire "
    "wording. Severity bands: Fairbank & Pynsent, Spine 2000;25(22):2940-2953."
)
NPRS_ATTRIBUTION = (
    "Numeric Pain Rating Scale (NPRS) 0-10, whole numbers, back and leg pain rated separately."
)
RMDQ_ATTRIBUTION = "Roland-Morris Disability Questionnaire (RMDQ): Roland & Morris, Spine 1983."
WALK_ATTRIBUTION = (
    "6-minute walk test after the ATS statement (2002); predicted distance and lower limit of "
    "normal: Enright & Sherrill, Am J Respir Crit Care Med 1998;158:1384-1387."
)

#: how the clinical version's change sentences use the thresholds (domain.scoring)
THRESHOLD_NOTE = (
    "These thresholds define improvement: a change is clinically important when it reaches the "
    "absolute threshold (absolute rule) or, where one is given, the percentage of the baseline "
    "(relative rule); each sentence names the rule it met. The 30% rule is never applied to "
    "worsening; a worsening is marked only when it reaches the absolute threshold (a clinic "
    "default: no published threshold for worsening). Changes are compared in the numbers "
    "shown, rounded as printed."
)

#: the patient version's words for domain.scoring.six_minute_age_caveat
PLAIN_SIX_MINUTE_AGE_CAVEAT = (
    "This expected distance comes from studies of healthy adults aged {} to {}, so at your age "
    "it is only a rough guide."
).format(*SIX_MINUTE_AGES)

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
    "sts_5x": "Time to stand up and sit down 5 times (lower is better)",
    "sorensen": "Time you held your back straight, face down (higher is better)",
    "psfs": "Your own activities, rated 0 (can't do) to 10 (as before) (higher is better)",
}


def esc(text: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(text))


def day_text(day: object) -> str:
    """``23 Nov 2026``, or a dash for no date."""
    return day.strftime("%d %b %Y") if isinstance(day, dt.date) else "—"


def _unit(row: OutcomeRow, units: str, others: dict[str, str], default: str) -> str:
    """The unit after a number: distances in the clinic's unit system, the rest from ``others``."""
    if row.unit == "m":
        return f" {distance_unit(units)}"
    return others.get(row.unit, default)


def value_text(row: OutcomeRow, value: float | None, units: str = "metric") -> str:
    """A value as the change sentence shows it (domain.units.measured_text: one decimal, whole
    feet for an imperial clinic), with its unit."""
    if value is None:
        return "—"
    unit = _unit(row, units, {"points": "", "%": "%", "s": " s"}, f" {row.unit}")
    return f"{measured_text(value, row.unit, units)}{unit}"


def change_text(row: OutcomeRow, units: str = "metric") -> str:
    """The table's change cell: the sentence's own numbers ("-12 points (-30%)")."""
    if row.shown_change is None:
        return "—"
    unit = _unit(row, units, {"points": "", "%": " points", "s": " s"}, "")
    text = f"{row.shown_change}{unit}"
    if row.shown_percent is not None and row.unit in ("points", "%"):
        text += f" ({row.shown_percent}%)"
    return text


def plain_change_text(row: OutcomeRow, units: str = "metric") -> str:
    """The patient version's change cell: "3 lower (better)", never a bare minus sign."""
    if row.shown_change is None:
        return "—"
    if row.shown_change == "0":
        return "No change"
    lower = row.shown_change.startswith("-")
    amount = row.shown_change.lstrip("+-")
    points = " point" if amount == "1" else " points"
    unit = _unit(row, units, {"points": points, "%": points, "s": " s"}, "")
    better = lower == (row.direction == "lower_better")
    return f"{amount}{unit} {'lower' if lower else 'higher'} ({'better' if better else 'worse'})"


#: the TUG course is 3 m; an imperial clinic reads it in feet (3 m is 9.8 ft)
_PLAIN_TUG_IMPERIAL = (
    "Time to stand up, walk about 10 feet, turn, come back and sit (lower is better)"
)


def plain_measure(row: OutcomeRow, units: str) -> str:
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


def plain_name(row: OutcomeRow) -> str:
    """The patient version's short name of a measure ("Back pain", "6-minute walk"): the
    first words of its table row and of its sentence."""
    return PLAIN_SHORT.get(row.code, row.label)


def interpretation_line(row: OutcomeRow) -> str:
    """The clinical interpretation of a row, opening with the measure as the table names it
    ("Back pain (NPRS): improved 4 points ...", "Timed Up and Go: ..."), not the change
    sentence's shorter noun ("Back pain", "TUG time")."""
    if row.status == "no_data":
        return f"{row.label}: not recorded yet, so its change cannot be computed."
    sentence = row.sentence
    for prefix in (f"{row.label}: ", row.noun or "", row.label):
        if prefix and sentence.startswith(prefix):
            sentence = sentence[len(prefix):].lstrip()
            break
    return f"{row.label}: {sentence}"


def plain_sentence(row: OutcomeRow, units: str = "metric") -> str:
    """The patient version's summary of one measure, without jargon (distances in ``units``)."""
    name = plain_name(row)
    base = value_text(row, row.baseline, units)
    if row.status == "no_data":
        return f"{name}: not measured yet."
    if row.status == "no_follow_up":
        return f"{name}: measured once so far ({base}); too early to compare."
    change = plain_change_text(row, units)
    if change == "No change":
        return f"{name}: the same as at the start ({base})."
    meaning = important_text(row, "patient")
    return (
        f"{name}: {change.replace(' (', ' than at the start (', 1)} "
        f"— from {base} to {value_text(row, row.latest, units)}. {meaning}."
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
        "Yes: clinically important improvement ({rule} rule)",
        "Yes: a big enough improvement to make a real difference",
    ),
    # the thresholds were set for improvement: a worsening is only said to reach the absolute one
    "worsened": (
        "Worse by at least the threshold (absolute rule)",
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
    return clinical.format(rule=row.rule) if audience == "clinical" else patient


def _importance(row: OutcomeRow) -> str:
    """The row's key in :data:`_IMPORTANT_TEXT`."""
    if row.status in ("no_data", "no_follow_up"):
        return row.status
    if row.clinically_important:
        return "important"
    return "worsened" if row.worsened else "below"
