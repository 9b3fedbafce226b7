"""The one object the app uses for outcomes: :class:`OutcomeService`, made of its parts."""

from __future__ import annotations

from rehab_tracker.services.outcomes.changes import OutcomeHistory
from rehab_tracker.services.outcomes.questionnaires import Questionnaires
from rehab_tracker.services.outcomes.schedule import AssessmentSchedule
from rehab_tracker.services.outcomes.walks import WalkTests


class OutcomeService(Questionnaires, WalkTests, AssessmentSchedule, OutcomeHistory):
    """Questionnaires, walking tests, the assessment schedule, history and change from
    baseline, and delete/undo; built with ``(db, actor, settings)``
    (:class:`~rehab_tracker.services.outcomes.records.OutcomeRecords`)."""
