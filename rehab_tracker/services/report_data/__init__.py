"""The report data: everything a progress report or the chart view shows, gathered in one read
(no Qt).

``Services.reports.gather(patient_id, today=...)`` (:class:`.service.ReportDataService`) returns a
:class:`.model.ReportData`: plain frozen dataclasses (patient header, surgery, program with phases,
adherence per week, outcome series with dates and weeks since surgery, session pain, walking tests
with the 6-minute walk reference, training load or volume per exercise per week, red flags and
adverse events in the period, and the outcome table with the clinically-important-change threshold
used and its source).

The modules, one per report section, each a small reader over the open read session:

- :mod:`.model`: the dataclasses (what ``charts/`` and ``reports/`` import);
- :mod:`.service`: ``ReportDataService`` (registered in ``Services``) and ``read_report``, which
  composes the readers below;
- :mod:`.records`: which stored records a report counts (not deleted, up to today);
- :mod:`.header`: clinic header, patient header, surgery;
- :mod:`.axis`: the time axis;
- :mod:`.program`: program summary with phases, adherence;
- :mod:`.outcomes`: questionnaire series; :mod:`.walks`: walking tests and the 6MWT reference;
- :mod:`.outcome_table`: the outcome table rows;
- :mod:`.pain`: session pain; :mod:`.training`: training series; :mod:`.safety`: red flags and
  adverse events.

The model lives here, in ``services/``, because ``charts/`` (below ``reports/`` in the layers)
draws it and ``Services`` (which cannot import ``reports/``) builds the service.

Honest partial data: a series with one point has no change; the outcome table row then says why
(``status``) instead of showing a number. Nothing here computes a trend that is not in the data.

Time axis: weeks since surgery; on the conservative pathway (no surgery) weeks since the program
start, or since the first record when there is no program. ``ReportData.axis_label`` says which.

Clinic settings read (through :class:`~rehab_tracker.services.settings.SettingsService`):
``"clinic"`` -> name, address, phone for the report header; ``"thresholds"`` -> overrides for
:func:`rehab_tracker.domain.thresholds.with_overrides`; ``"units"`` for the change sentences.
"""
