"""The outcomes feature: the Outcomes tab (change from baseline, the assessment schedule, every
recorded measure), Outcomes > Record ODI and the other forms, and reopening an unsaved
questionnaire draft (Session > Resume Unsaved Draft, after the session drafts)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from rehab_tracker.domain.roles import Permission

if TYPE_CHECKING:
    from rehab_tracker.services.drafts import DraftInfo
    from rehab_tracker.ui.outcomes.outcome_tab import OutcomesTab
    from rehab_tracker.ui.shell.main_window import MainWindow
    from rehab_tracker.ui.shell.workspace import Workspace

#: the record buttons and menu items (key: form label); the forms module loads when a form is
#: first opened
FORM_LABELS: dict[str, str] = {
    "odi": "ODI…",
    "rmdq": "RMD&Q…",
    "nprs": "Pain (NPRS)…",
    "walk_6min": "&6-minute walk…",
    "walk_5min": "&5-minute walk…",
    "walk_50ft_preferred": "50-foot walk, pref&erred…",
    "walk_50ft_fastest": "50-foot &walk, fastest…",
    "tug": "Timed Up and Go…",
    "sts_5x": "Sit-to-stand ×5…",
    "sorensen": "Back-extensor hold…",
    "psfs": "PSFS…",
    "grc": "Global rating of change…",
    "neuro": "Neurological screen…",
}
#: the form (FORM_LABELS key) of a scheduled assessment's instrument, where the names differ
#: the draft keys of the questionnaire forms: ``outcome:<patient id>:<form key>``
DRAFT_PREFIX = "outcome:"


class OutcomesFeature:
    workspace: Workspace  # from attach()
    tab: OutcomesTab

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Outcomes", "&Record Outcome (ODI)…", partial(self.record, "odi"),
                          "recordOutcome", shortcut="Ctrl+Shift+O", needs_patient=True,
                          permission=Permission.OUTCOMES)
        for key, text in FORM_LABELS.items():
            if key != "odi":
                window.add_action("&Outcomes", f"Record {text}", partial(self.record, key),
                                  f"record_{key}_action", needs_patient=True,
                                  permission=Permission.OUTCOMES)

        window.add_action("&Outcomes", "Record &Assessment (All Measures)…",
                          lambda: self.open_assessment(None), "recordAssessment",
                          shortcut="Ctrl+Shift+A", needs_patient=True,
                          permission=Permission.OUTCOMES)

    def open_assessment(self, patient_id: uuid.UUID | None, timepoint: str | None = None) -> bool:
        """The assessment screen for ``patient_id`` (None: the selected patient) at
        ``timepoint`` (None: today's); the patient is selected and the Outcomes tab shown first.
        True once something was saved."""
        from rehab_tracker.ui.outcomes.review_dialog import open_assessment

        if patient_id is not None and patient_id != self.workspace.selected_id():
            self.workspace.refresh_patients(select=patient_id)
        chosen = self.workspace.selected_id()
        if chosen is None:
            return False
        self.workspace.show_tab(self.tab)
        saved = open_assessment(self.window, self.workspace.services, chosen,
                                self.workspace.today, timepoint)
        if saved:
            self.workspace.refresh()
        return saved

    def attach(self, workspace: Workspace) -> None:
        from rehab_tracker.ui.outcomes.outcome_tab import OutcomesTab

        self.workspace = workspace
        from rehab_tracker.ui.outcomes.overview_panel import ChangesPanel

        self.tab = OutcomesTab(workspace.services, workspace.today, on_change=workspace.refresh)
        workspace.patient_view.add_tab(self.tab, "O&utcomes")
        workspace.patient_view.overview.add_section(
            ChangesPanel(workspace.services), under_scores=True
        )
        workspace.add_draft_opener(DRAFT_PREFIX, self.resume_draft)
        workspace.offers.record_assessment = self.record_assessment

    def record(self, key: str) -> None:
        self.workspace.show_tab(self.tab)
        self.tab.open_form(key)

    def record_assessment(self, instruments: Sequence[str], timepoint: str) -> None:
        """A scheduled assessment of the selected patient (the Today view, which stays in
        front): the assessment screen at its time point with every instrument of the review
        (``instruments`` are the screen's own schedule, kept for the offer's signature)."""
        from rehab_tracker.ui.outcomes.review_dialog import open_assessment

        del instruments
        ws = self.workspace
        patient_id = ws.selected_id()
        if patient_id is None:
            return
        if open_assessment(self.window, ws.services, patient_id, ws.today, timepoint):
            ws.refresh()

    def resume_draft(self, draft: DraftInfo) -> None:
        """Select the draft's patient and open its form (the form restores what was typed)."""
        _, patient, instrument = draft.key.split(":", 2)
        self.workspace.refresh_patients(select=uuid.UUID(patient))
        if instrument in FORM_LABELS:
            self.record(instrument)
        elif instrument == "assessment":  # the assessment screen's (review_dialog.DRAFT_NAME)
            self.open_assessment(None)


def install(window: MainWindow) -> OutcomesFeature:
    return OutcomesFeature(window)


def open_assessment(
    window: MainWindow, patient_id: uuid.UUID, timepoint: str | None = None
) -> bool:
    """Open the assessment screen for (patient, time point) from the main window: what the
    Today view's "record the assessment" calls. ``timepoint``: "baseline", "mid", "end",
    "follow_up" or None (the one due around today). True once something was saved."""
    feature = next(f for f in window.features if isinstance(f, OutcomesFeature))
    return feature.open_assessment(patient_id, timepoint)
