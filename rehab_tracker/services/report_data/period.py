"""A report for a chosen date range: the report data restricted to ``start``..``end``.

The data are read as on ``end`` (nothing later: assessments, sessions, adherence, the program
week); :func:`restrict` then leaves out what came before ``start``: outcome and walking-test
points, session pain, training weeks and attendance weeks that ended before it. The outcome
table is computed again from what is left, so its baseline is the baseline measurement within
the range (else the first one in it) and its change the change within the range. Red flags and
adverse events are read for the range itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from rehab_tracker.domain.errors import Collector
from rehab_tracker.services.report_data.model import (
    Adherence,
    OutcomeSeries,
    ReportData,
    TrainingSeries,
)
from rehab_tracker.services.report_data.outcome_table import outcome_rows

_WEEK = dt.timedelta(days=6)


def check_period(start: dt.date | None, end: dt.date | None, today: dt.date) -> None:
    """ValidationError (``period_start`` / ``period_end``) for a range that ends after ``today``
    or before it starts."""
    errors = Collector()
    if end is not None and end > today:
        errors.add("period_end", f"The range cannot end after today ({today.isoformat()}).")
    if start is not None and start > (end or today):
        errors.add("period_start", "The range must start on or before its end.")
    errors.raise_if_any()


def _series(series: tuple[OutcomeSeries, ...], start: dt.date) -> tuple[OutcomeSeries, ...]:
    return tuple(
        dataclasses.replace(s, points=tuple(p for p in s.points if p.on >= start)) for s in series
    )


def _adherence(adherence: Adherence, start: dt.date) -> Adherence:
    """The weeks that end on or after ``start``, with totals counted from them (sessions logged
    without a slot are counted only when no week was left out: they carry no week)."""
    weeks = tuple(w for w in adherence.weeks if w.start_date + _WEEK >= start)
    if len(weeks) == len(adherence.weeks):
        return adherence
    return dataclasses.replace(
        adherence,
        weeks=weeks,
        planned_to_date=sum(w.planned for w in weeks),
        attended=sum(w.attended for w in weeks),
        missed=sum(w.missed for w in weeks),
        extra_sessions=0,
    )


def _training(data: ReportData, start: dt.date) -> tuple[TrainingSeries, ...]:
    """Training weeks that end on or after ``start`` (program week 1 starts with exercise)."""
    first = data.program.exercise_start if data.program is not None else None
    if first is None:
        return data.training

    def kept(week: int) -> bool:
        return first + dt.timedelta(weeks=week - 1) + _WEEK >= start

    out = []
    for s in data.training:
        pairs = [(w, v) for w, v in zip(s.weeks, s.values, strict=True) if kept(w)]
        if pairs:
            weeks, values = zip(*pairs, strict=True)
            out.append(dataclasses.replace(s, weeks=tuple(weeks), values=tuple(values)))
    return tuple(out)


def restrict(data: ReportData, start: dt.date, generated_on: dt.date) -> ReportData:
    """``data`` (read as on its period's end) without what came before ``start``, dated
    ``generated_on`` (the day the report is made)."""
    outcomes = _series(data.outcomes, start)
    walks = _series(data.walks, start)
    return dataclasses.replace(
        data,
        generated_on=generated_on,
        period_start=start,
        outcomes=outcomes,
        walks=walks,
        session_pain=tuple(p for p in data.session_pain if p.on >= start),
        training=_training(data, start),
        adherence=_adherence(data.adherence, start),
        outcome_rows=outcome_rows((*outcomes, *walks), data.thresholds, data.units),
    )
