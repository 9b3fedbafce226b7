"""The USC trial's performance tests (:mod:`rehab_tracker.domain.performance`): the
five-repetition sit-to-stand and the modified Biering-Sorensen hold, in seconds, stored with
the walking tests. A hold that reached the clinic-default maximum is marked so."""

from __future__ import annotations

import datetime as dt
import uuid

from rehab_tracker.domain.errors import ValidationError
from rehab_tracker.domain.performance import PERFORMANCE_TESTS, SORENSEN_MAX_S, reached_maximum
from rehab_tracker.domain.roles import Permission
from rehab_tracker.services.access import requires
from rehab_tracker.services.outcomes.walks import WalkTests

MAX_STOP_REASON = 200


class PerformanceTests(WalkTests):
    @requires(Permission.OUTCOMES)
    def record_performance_test(
        self,
        patient_id: uuid.UUID,
        test: str,
        seconds: float | None,
        *,
        performed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
        stop_reason: str = "",
    ) -> uuid.UUID:
        """A sit-to-stand time or a Biering-Sorensen hold (seconds); fields ``value`` and
        ``stop_reason``."""
        if test not in PERFORMANCE_TESTS:
            raise ValidationError.single("test", "Choose a performance test from the list.")
        reason = " ".join(stop_reason.split())
        if len(reason) > MAX_STOP_REASON:
            raise ValidationError.single("stop_reason", f"At most {MAX_STOP_REASON} characters.")
        details: dict[str, object] = {}
        if reason:
            details["stop_reason"] = reason
        if seconds is not None and reached_maximum(test, seconds):
            details.update(reached_max=True, max_s=SORENSEN_MAX_S)
        return self.record_walk(
            patient_id,
            test,
            seconds,
            performed_on=performed_on,
            today=today,
            timepoint=timepoint,
            notes=notes,
            details=details,
        )
