"""One assessment screen per time point (issue 11 item 4): which time points and instruments it
shows, and the rule for skipping one (pure: no I/O).

The screen shows, for a review (baseline, mid-program, end of program, follow-up), the ODI, the
RMDQ, back and leg pain (NPRS) and the walking tests together. Each instrument is recorded or
skipped with a reason; the review counts as done when each instrument its schedule lists is one
or the other (:mod:`rehab_tracker.domain.assessments`). An instrument the schedule does not list
may be left empty.
"""

from __future__ import annotations

from typing import Final

#: the time points the screen records, with the words it shows (as the outcome forms name them)
REVIEW_TIMEPOINTS: Final[tuple[str, ...]] = ("baseline", "mid", "end", "follow_up")

#: the instruments of the screen in the order it shows them, with their names
REVIEW_INSTRUMENTS: Final[dict[str, str]] = {
    "odi": "Oswestry Disability Index (ODI)",
    "rmdq": "Roland-Morris Disability Questionnaire (RMDQ)",
    "nprs_back": "Back pain (NPRS 0-10)",
    "nprs_leg": "Leg pain (NPRS 0-10)",
    "walk_5min": "5-minute walk",
    "walk_50ft_preferred": "50-foot walk, preferred speed",
    "walk_50ft_fastest": "50-foot walk, fastest speed",
    "walk_6min": "6-minute walk",
    "tug": "Timed Up and Go",
}

MAX_SKIP_REASON: Final = 500


def skip_reason_error(reason: str) -> str | None:
    """What is wrong with the reason for skipping an instrument (None: it will do)."""
    text = " ".join(reason.split())
    if not text:
        return "Say why it is skipped (for example: too much leg pain to walk today)."
    if len(text) > MAX_SKIP_REASON:
        return f"At most {MAX_SKIP_REASON} characters."
    return None


def instrument_name(code: str) -> str:
    """The screen's name of an instrument code (the code itself when it has none)."""
    return REVIEW_INSTRUMENTS.get(code, {"neuro": "Neurological screen"}.get(code, code))
