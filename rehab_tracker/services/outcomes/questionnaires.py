"""Questionnaires: ODI, RMDQ and NPRS (back and leg), scored by the domain's rules and stored with
their raw answers and the scoring rule's id. The PSFS and the GRC are stored the same way
(recorded through :mod:`.ratings`)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rehab_tracker.data.models import OutcomeAssessment
from rehab_tracker.domain.errors import Collector, ValidationError
from rehab_tracker.domain.grc import grc_text
from rehab_tracker.domain.instruments import ODI_SECTION_COUNT, RMDQ_ITEM_COUNT, odi_section_label
from rehab_tracker.domain.psfs import activities_of
from rehab_tracker.domain.roles import Permission
from rehab_tracker.domain.scoring import (
    IncompleteResponse,
    nprs_rule_id,
    odi_band,
    odi_band_words,
    odi_rule_id,
    odi_score,
    rmdq_rule_id,
    rmdq_score,
    rule_words,
)
from rehab_tracker.domain.sessions import check_score
from rehab_tracker.services.access import requires
from rehab_tracker.services.outcomes.records import OutcomeRecords, RowMaker

#: the questionnaires compared with their baseline, in report order (the GRC is not: it is
#: itself a rating of change)
QUESTIONNAIRES: tuple[str, ...] = ("odi", "rmdq", "nprs_back", "nprs_leg", "psfs")


@dataclass(frozen=True)
class OdiResult:
    """A live ODI score: ``percent`` None when too many sections are missing (``problem``)."""

    percent: float | None
    band: str | None  #: the severity band in the clinician's words (domain.scoring.odi_band_words)
    answered: int
    rule: str
    problem: str | None


def score_odi(sections: Sequence[int | None], max_missing: int | None) -> OdiResult:
    """The ODI score a form shows live (no database; values already checked 0-5)."""
    rule = odi_rule_id(max_missing)
    answered = sum(1 for s in sections if s is not None)
    try:
        percent = odi_score(list(sections), max_missing=max_missing)
    except (IncompleteResponse, ValueError) as exc:
        return OdiResult(None, None, answered, rule, str(exc))
    return OdiResult(percent, odi_band_words(odi_band(percent)), answered, rule, None)


def questionnaire_detail(o: OutcomeAssessment) -> str:
    """The history's detail column of a questionnaire."""
    if o.instrument == "odi":
        answered = sum(1 for s in o.answers.get("sections", []) if s is not None)
        rule = rule_words(o.scoring_rule)
        text = f"{odi_band_words(odi_band(o.score))}; {answered} of 10 sections answered"
        return f"{text} ({rule})" if rule else text
    if o.instrument == "rmdq":
        return f"{int(o.score)} of 24 statements ticked"
    if o.instrument == "psfs":
        return "; ".join(f"{a.name} {a.rating}" for a in activities_of(o.answers))
    if o.instrument == "grc":
        return grc_text(int(o.score))
    return "0-10 scale"


class Questionnaires(OutcomeRecords):
    @requires(Permission.OUTCOMES)
    def record_odi(
        self,
        patient_id: uuid.UUID,
        sections: Sequence[int | None],
        *,
        assessed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> uuid.UUID:
        """Score and store an ODI with the clinic's missing-section rule; fields
        ``section_1``..``section_10`` and ``sections`` (too many missing)."""
        make = self.odi_row(patient_id, sections, timepoint, notes)
        return self._add_record(patient_id, assessed_on, today, "assessed_on", timepoint, make)

    def odi_row(
        self, patient_id: uuid.UUID, sections: Sequence[int | None], timepoint: str, notes: str
    ) -> RowMaker:
        """The checked and scored ODI row, to add (:meth:`record_odi`, the assessment screen)."""
        errors = Collector()
        values = list(sections)
        if len(values) != ODI_SECTION_COUNT:
            raise ValidationError.single("sections", "The ODI has 10 sections.")
        for i, v in enumerate(values):
            check_score(
                v,
                f"section_{i + 1}",
                errors,
                high=5,
                message=f"ODI {odi_section_label(i)}: a whole number from 0 to 5, or empty.",
            )
        errors.raise_if_any()
        max_missing = self.settings.load().odi_max_missing
        result = score_odi(values, max_missing)
        if result.percent is None:
            raise ValidationError.single("sections", result.problem or "Cannot score the ODI.")
        return self._row_maker(
            patient_id, "odi", {"sections": values}, result.percent, result.rule, timepoint, notes
        )

    @requires(Permission.OUTCOMES)
    def record_rmdq(
        self,
        patient_id: uuid.UUID,
        items: Sequence[bool],
        *,
        assessed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> uuid.UUID:
        make = self.rmdq_row(patient_id, items, timepoint, notes)
        return self._add_record(patient_id, assessed_on, today, "assessed_on", timepoint, make)

    def rmdq_row(
        self, patient_id: uuid.UUID, items: Sequence[bool], timepoint: str, notes: str
    ) -> RowMaker:
        """The checked and scored RMDQ row, to add."""
        values = list(items)
        if len(values) != RMDQ_ITEM_COUNT or not all(isinstance(v, bool) for v in values):
            raise ValidationError.single("items", "Answer each of the 24 items yes or no.")
        return self._row_maker(
            patient_id, "rmdq", {"items": values}, float(rmdq_score(values)), rmdq_rule_id(),
            timepoint, notes,
        )

    @requires(Permission.OUTCOMES)
    def record_nprs(
        self,
        patient_id: uuid.UUID,
        *,
        back: int | None,
        leg: int | None,
        assessed_on: dt.date | None,
        today: dt.date,
        timepoint: str = "other",
        notes: str = "",
    ) -> list[uuid.UUID]:
        """Back and leg pain 0-10 (either may be left empty, not both); one row each."""
        makes = self.nprs_rows(patient_id, back, leg, timepoint, notes)
        # one unit of work: a crash between the two rows leaves neither saved
        return self._add_records(patient_id, assessed_on, today, "assessed_on", timepoint, makes)

    def nprs_rows(
        self, patient_id: uuid.UUID, back: int | None, leg: int | None, timepoint: str, notes: str
    ) -> list[RowMaker]:
        """The checked back and leg pain rows (fields ``back``, ``leg``), to add."""
        errors = Collector()
        for name, value in (("back", back), ("leg", leg)):
            check_score(value, name, errors)
        if back is None and leg is None:
            errors.add("back", "Enter back pain, leg pain or both (0 to 10).")
        errors.raise_if_any()
        return [
            self._row_maker(
                patient_id, instrument, {"value": value}, float(value), nprs_rule_id(),
                timepoint, notes,
            )
            for instrument, value in (("nprs_back", back), ("nprs_leg", leg))
            if value is not None
        ]

    def _questionnaire(
        self,
        patient_id: uuid.UUID,
        instrument: str,
        assessed_on: dt.date | None,
        answers: dict[str, Any],
        score: float,
        rule: str,
        timepoint: str,
        notes: str,
        today: dt.date,
    ) -> uuid.UUID:
        return self._add_record(
            patient_id,
            assessed_on,
            today,
            "assessed_on",
            timepoint,
            self._row_maker(patient_id, instrument, answers, score, rule, timepoint, notes),
        )

    def _row_maker(
        self,
        patient_id: uuid.UUID,
        instrument: str,
        answers: dict[str, Any],
        score: float,
        rule: str,
        timepoint: str,
        notes: str,
    ) -> RowMaker:
        """How to build one questionnaire row, once the program and the date are known."""
        return lambda program_id, on: OutcomeAssessment(
            created_by=self.actor,
            patient_id=patient_id,
            program_id=program_id,
            instrument=instrument,
            assessed_on=on,
            timepoint=timepoint,
            answers=answers,
            score=score,
            scoring_rule=rule,
            notes=notes.strip() or None,
        )
