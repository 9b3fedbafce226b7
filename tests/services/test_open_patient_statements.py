"""Opening a patient reads in a bounded number of SQL statements (issue 12 item 4).

"Opening" is what the window asks the services when a patient is selected in the list, in the
order the panes ask it (:func:`open_patient`; the GUI twin of this test selects the patient in a
real window). The count must not grow with the patient's prescriptions, logged sessions or
prescription history: a patient with one exercise and one logged session and one with the whole
template (33 prescriptions), a dozen logged sessions of every exercise of the phase and a
progression accepted cost the same number of statements, at most :data:`BOUND` (on SQLite 40,
BEGINs included: 67 before the per-selection read snapshot, which reads the program detail, the
settings, the patient row, the restrictions, the open red flags and the adherence once).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import replace

from rehab_tracker.data.database import Database
from rehab_tracker.services.container import Services
from tests.services.test_sessions_support import Built, build_patient, counted, log_sessions

#: the statements one opening may issue (BEGINs included), whatever the patient holds
BOUND = 42


def open_patient(services: Services, patient_id: uuid.UUID, today: dt.date) -> None:
    """The service calls a selection in the patient list makes (ui.patients.patient_view and
    the tabs and overview sections the features add), in their order, inside the read snapshot
    the window opens for a selection (``MainWindow.selection_changed``)."""
    with services.snapshot():
        _asked(services, patient_id, today)


def _asked(services: Services, patient_id: uuid.UUID, today: dt.date) -> None:
    services.disclosures.accessed(patient_id)
    services.programs.current_program_for(patient_id)  # the program status line
    services.sessions.overview(patient_id, today=today)  # the sessions section
    services.outcomes.overview_summary(patient_id)  # the outcomes section
    services.patients.record(patient_id)  # the overview tab
    services.patients.overview(patient_id, today=today)
    services.settings.units()
    program = services.programs.active_program_for(patient_id)  # the Program tab
    if program is not None:
        services.programs.suggestions(program.id, today=today)


def one_exercise_each_phase(b: Built) -> None:
    """Keep only the first exercise of each phase."""
    programs = b.services.programs
    detail = programs.program(b.program_id)
    draft = detail.to_draft()
    draft = replace(draft, phases=tuple(replace(p, items=p.items[:1]) for p in draft.phases))
    programs.save_edits(b.program_id, draft, expected_version=detail.version)


def statements_to_open(b: Built, today: dt.date) -> int:
    open_patient(b.services, b.patient_id, today)  # warm: caches the app keeps are kept
    with counted(b.services.db) as seen:
        open_patient(b.services, b.patient_id, today)
    return len(seen)


def small_and_large(db: Database, today: dt.date) -> tuple[Built, Built]:
    """One patient with one exercise a phase and one logged session; one with the template's
    33 prescriptions, 12 logged sessions of every exercise of the phase and an accepted
    progression (closed prescription rows in the history)."""
    small = build_patient(db, today, weeks_ago=13, given="Una")
    one_exercise_each_phase(small)
    log_sessions(small, today, sessions=1, exercises=1)

    large = build_patient(db, today, weeks_ago=13, given="Mara")
    log_sessions(large, today, sessions=12, exercises=None)
    programs = large.services.programs
    suggestions = programs.suggestions(large.program_id, today=today)
    assert suggestions  # the large patient has suggestions to show
    accepted = next(iter(suggestions.values()))
    programs.accept_suggestion(accepted.prescription_id, accepted.suggested, today=today)
    detail = programs.program(large.program_id)
    prescribed = sum(len(p.prescriptions) for p in detail.phases)
    assert prescribed >= 30
    assert len(programs.prescription_history(large.program_id)) > prescribed
    return small, large


def test_opening_a_patient_is_bounded(any_db: Database, today: dt.date) -> None:
    small, large = small_and_large(any_db, today)
    few, many = statements_to_open(small, today), statements_to_open(large, today)
    print(
        f"\nopening a patient: {few} statements (1 exercise, 1 session), {many} "
        "(33 prescriptions, 12 sessions)"
    )
    assert few == many, f"{few} statements for the small patient, {many} for the large one"
    assert many <= BOUND, f"opening a patient takes {many} statements (bound {BOUND})"
