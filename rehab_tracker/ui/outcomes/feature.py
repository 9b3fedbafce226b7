"""The outcomes feature: the Outcomes tab (change from baseline, the assessment schedule, every
recorded measure), Outcomes > Record ODI and the other forms, and reopening an unsaved
questionnaire draft (Session > Resume Unsaved Draft, after the session drafts)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

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
FORM_OF_INSTRUMENT = {"nprs_back": "nprs", "nprs_leg": "nprs"}
#: the draft keys of the questionnaire forms: ``outcome:<patient id>:<form key>``
DRAFT_PREFIX = "outcome:"


class OutcomesFeature:
    workspace: Workspace  # from attach()
    tab: OutcomesTab

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        window.add_action("&Outcomes", "&Record Outcome (ODI)…", partial(self.record, "odi"),
                          "recordOutcome", shortcut="Ctrl+Shift+O", needs_patient=True)
        for key, text in FORM_LABELS.items():
            if key != "odi":
                window.add_action("&Outcomes", f"Record {text}", partial(self.record, key),
                                  f"record_{key}_action", needs_patient=True)

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
        """A scheduled assessment of the selected patient (the Today view): the form of its
        first measure that has one, at the assessment's time point."""
        from rehab_tracker.services.outcomes.records import TIMEPOINTS
        from rehab_tracker.ui.outcomes.outcome_forms import FORMS

        ws = self.workspace
        patient_id = ws.selected_id()
        if patient_id is None:
            return
        keys = [FORM_OF_INSTRUMENT.get(i, i) for i in instruments]
        key = next((k for k in keys if k in FORMS), "odi")
        dialog = FORMS[key][1](
            ws.services, patient_id, ws.today,
            timepoint=timepoint if timepoint in TIMEPOINTS else "other", parent=self.window,
        )
        dialog.exec()
        ws.refresh()

    def resume_draft(self, draft: DraftInfo) -> None:
        """Select the draft's patient and open its form (the form restores what was typed)."""
        _, patient, instrument = draft.key.split(":", 2)
        self.workspace.refresh_patients(select=uuid.UUID(patient))
        if instrument in FORM_LABELS:
            self.record(instrument)


def install(window: MainWindow) -> OutcomesFeature:
    return OutcomesFeature(window)
