"""The one object the app uses for outcomes: :class:`OutcomeService`, made of its parts."""

from __future__ import annotations

from rehab_tracker.services.outcomes.summary import MeasureSummaries


class OutcomeService(MeasureSummaries):
    """Questionnaires, the PSFS and GRC, walking and performance tests, neurological screens,
    the assessment schedule, history and change from baseline (and the overview's summary of
    it), and delete/undo; built with ``(db, principal, settings)``
    (:class:`~rehab_tracker.services.outcomes.records.OutcomeRecords`)."""
