"""Outcome measure forms, each with a live score: ODI, RMDQ, NPRS, single-value walking tests
(5-minute walk, 50-foot walks, Timed Up and Go), the 6-minute walk, the trial's performance
tests (sit-to-stand, Biering-Sorensen hold), the PSFS, the GRC and the neurological screen.

Every form: date (not in the future, not before surgery), timepoint, notes; fields checked as
typed with the allowed range beside the field; drafts saved ~500 ms after each edit under
``outcome:<patient>:<instrument>`` and restored on reopen; nothing saved until valid.
Distances show in metres or feet by the clinic setting and are stored in metres.

The parts: :mod:`.base` (the shared frame, ``OutcomeDialog``), :mod:`.questionnaires` (ODI, RMDQ,
NPRS), :mod:`.walk_tests` (the walking tests), :mod:`.performance`, :mod:`.ratings` (PSFS, GRC)
and :mod:`.neuro`. ``FORMS`` is the Outcomes tab's menu of them.
"""

from __future__ import annotations

from collections.abc import Callable

from rehab_tracker.ui.outcomes.outcome_forms.base import SCORE_STYLE, OutcomeDialog
from rehab_tracker.ui.outcomes.outcome_forms.neuro import NeuroScreenDialog
from rehab_tracker.ui.outcomes.outcome_forms.performance import PerformanceTestDialog
from rehab_tracker.ui.outcomes.outcome_forms.questionnaires import (
    NprsDialog,
    OdiDialog,
    RmdqDialog,
)
from rehab_tracker.ui.outcomes.outcome_forms.ratings import GrcDialog, PsfsDialog
from rehab_tracker.ui.outcomes.outcome_forms.walk_tests import SixMinuteWalkDialog, WalkTestDialog

__all__ = [
    "FORMS",
    "SCORE_STYLE",
    "GrcDialog",
    "NeuroScreenDialog",
    "NprsDialog",
    "OdiDialog",
    "OutcomeDialog",
    "PerformanceTestDialog",
    "PsfsDialog",
    "RmdqDialog",
    "SixMinuteWalkDialog",
    "WalkTestDialog",
]

FORMS: dict[str, tuple[str, Callable[..., OutcomeDialog]]] = {
    "odi": ("&ODI…", OdiDialog),
    "rmdq": ("&RMDQ…", RmdqDialog),
    "nprs": ("&Pain (NPRS)…", NprsDialog),
    "walk_6min": ("&6-minute walk…", SixMinuteWalkDialog),
    "walk_5min": ("&5-minute walk…", lambda *a, **k: WalkTestDialog(*a, test="walk_5min", **k)),
    "walk_50ft_preferred": (
        "50-foot walk, pref&erred…",
        lambda *a, **k: WalkTestDialog(*a, test="walk_50ft_preferred", **k),
    ),
    "walk_50ft_fastest": (
        "50-foot walk, &fastest…",
        lambda *a, **k: WalkTestDialog(*a, test="walk_50ft_fastest", **k),
    ),
    "tug": ("&Timed Up and Go…", lambda *a, **k: WalkTestDialog(*a, test="tug", **k)),
    "sts_5x": (
        "Sit-to-stand ×5…",
        lambda *a, **k: PerformanceTestDialog(*a, test="sts_5x", **k),
    ),
    "sorensen": (
        "Back-extensor hold…",
        lambda *a, **k: PerformanceTestDialog(*a, test="sorensen", **k),
    ),
    "psfs": ("PSFS…", PsfsDialog),
    "grc": ("Global rating of change…", GrcDialog),
    "neuro": ("Neurological screen…", NeuroScreenDialog),
}
