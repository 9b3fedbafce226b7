"""Use cases about a patient's exercise program: build it from a template, edit it, progress it.

Every method returns plain frozen dataclasses (never ORM objects, :mod:`.types`); every write is
one unit of work. The audit trail records every write automatically (``rehab_tracker.data.audit``).

:class:`ProgramService` is the one object the app uses. It is made of parts, one job each, that
share the database and the actor (:class:`~.common.ServicePart`):

- :mod:`.catalogue`: the exercises and templates to pick from (shipped plus the clinic's own);
- :mod:`.builder`: the suggested start, the preview and the creation of a program;
- :mod:`.reads`: a program's detail, its prescription history, a session's prescriptions;
- :mod:`.editing`: saving edits with history, saving a program as a clinic template;
- :mod:`.progression`: the next-dose suggestions and accepting one;
- :mod:`.status`: pausing, resuming, completing and stopping a program;
- :mod:`.checks`: the dose and edited-program checks.

The public names the app uses are importable from this package.
"""

from __future__ import annotations

from rehab_tracker.services.programs.builder import ASSESSMENT_INSTRUMENTS, ProgramBuilder
from rehab_tracker.services.programs.checks import validate_dosage
from rehab_tracker.services.programs.editing import ProgramEditing
from rehab_tracker.services.programs.progression import ProgramProgression
from rehab_tracker.services.programs.reads import ProgramReads
from rehab_tracker.services.programs.status import ProgramStatusChanges, Resumed
from rehab_tracker.services.programs.types import (
    AssessmentDue,
    ExerciseInfo,
    PhaseDetail,
    PhaseDraft,
    PrescribedExercise,
    PrescriptionDraft,
    ProgramDetail,
    ProgramDraft,
    ProgressionSuggestion,
    ScheduleItem,
    SchedulePreview,
    TemplateInfo,
)

__all__ = [
    "ASSESSMENT_INSTRUMENTS",
    "AssessmentDue",
    "ExerciseInfo",
    "PhaseDetail",
    "PhaseDraft",
    "PrescribedExercise",
    "PrescriptionDraft",
    "ProgramDetail",
    "ProgramDraft",
    "ProgramService",
    "ProgressionSuggestion",
    "Resumed",
    "ScheduleItem",
    "SchedulePreview",
    "TemplateInfo",
    "validate_dosage",
]


class ProgramService(
    ProgramBuilder, ProgramEditing, ProgramReads, ProgramProgression, ProgramStatusChanges
):
    """The program use cases in one object: ``ProgramService(db, principal)``.

    The parts are mixed in rather than wrapped so that each public method is written once, in
    the module of its job, without a forwarding copy here.
    """
