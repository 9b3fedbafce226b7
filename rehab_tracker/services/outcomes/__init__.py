"""Use cases of an assessment: ODI, RMDQ, NPRS, PSFS, GRC, walking and performance tests,
neurological screens, their schedule and change.

Public API read by the Outcomes tab (all on :class:`OutcomeService`):

* :meth:`OutcomeService.changes` ``(patient_id) -> list[MeasureChange]``: for every measure with a
  baseline and a later value, the change from baseline interpreted in words with the clinic's
  thresholds (:func:`rehab_tracker.domain.scoring.change_interpretation`).
* :meth:`OutcomeService.history` ``(patient_id) -> list[OutcomeRow]``: every recorded value.
* :meth:`OutcomeService.schedule` ``(patient_id, today=...) -> list[AssessmentDue]``.

Questionnaires store their raw answers with the scoring rule id; walking tests store SI values
(metres or seconds) and their details. Deletes are soft and can be undone (:meth:`restore`).

Where each part lives:

- :mod:`.records`: the timepoints, adding one record (date, timepoint, current program) and
  delete/undo;
- :mod:`.questionnaires`: ODI (and its live score), RMDQ, NPRS;
- :mod:`.walks`: walking tests and the 6-minute walk's % of predicted;
- :mod:`.performance`: the trial's performance tests (sit-to-stand, Biering-Sorensen hold);
- :mod:`.ratings`: the Patient-Specific Functional Scale and the Global Rating of Change;
- :mod:`.neuro`: neurological screens and their change;
- :mod:`.summary`: what the overview and the report show beyond the change sentences;
- :mod:`.schedule`: the assessment schedule and follow-ups;
- :mod:`.changes`: history and change from baseline;
- :mod:`.service`: :class:`OutcomeService`, the parts put together.
"""

from rehab_tracker.services.outcomes.changes import MEASURE_LABELS, MeasureChange, OutcomeRow
from rehab_tracker.services.outcomes.questionnaires import QUESTIONNAIRES, OdiResult, score_odi
from rehab_tracker.services.outcomes.records import TIMEPOINTS
from rehab_tracker.services.outcomes.schedule import (
    DEFAULT_INSTRUMENTS,
    DEFAULT_SCHEDULE,
    AssessmentDue,
    assessment_schedule,
)
from rehab_tracker.services.outcomes.service import OutcomeService
from rehab_tracker.services.outcomes.walks import SixMinuteWalkResult, predicted_for

__all__ = [
    "DEFAULT_INSTRUMENTS",
    "DEFAULT_SCHEDULE",
    "MEASURE_LABELS",
    "QUESTIONNAIRES",
    "TIMEPOINTS",
    "AssessmentDue",
    "MeasureChange",
    "OdiResult",
    "OutcomeRow",
    "OutcomeService",
    "SixMinuteWalkResult",
    "assessment_schedule",
    "predicted_for",
    "score_odi",
]
