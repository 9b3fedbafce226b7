"""Batch export: the progress report of every active patient as PDF files, with progress.

"Active" = not archived, with a planned or active program
(:meth:`ReportDataService.active_patient_ids`); the reports come from the service passed in
(``Services.reports``, which reads as the signed-in user). The progress callback gets
``(done, total, label)`` before each report and once at the end; returning ``False`` cancels
(the reports already written stay). A report that fails is listed, the batch goes on. Each
report written is a disclosure in the audit trail (``services.disclosures``: who, which
patient, when, which file).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from rehab_tracker.data.private_files import private_dir
from rehab_tracker.reports.progress import report_file_name, write_pdf
from rehab_tracker.reports.wording import Audience
from rehab_tracker.services.disclosures import DisclosureService
from rehab_tracker.services.report_data.service import ReportDataService

#: (done, total, label) -> False to cancel (None or True to go on)
Progress = Callable[[int, int, str], "bool | None"]


@dataclass
class BatchResult:
    total: int
    written: list[Path] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (patient, reason)
    cancelled: bool = False
    seconds: float = 0.0

    @property
    def per_minute(self) -> float:
        return 0.0 if self.seconds <= 0 else len(self.written) / self.seconds * 60.0

    def summary(self) -> str:
        text = f"{len(self.written)} of {self.total} reports written"
        if self.failed:
            text += f", {len(self.failed)} failed"
        if self.cancelled:
            text += " (cancelled)"
        return text + f" in {self.seconds:.1f} s"


def export_all(
    service: ReportDataService,
    out_dir: str | Path,
    *,
    today: dt.date,
    audience: Audience = "clinical",
    progress: Progress | None = None,
    disclosures: DisclosureService | None = None,
) -> BatchResult:
    """Write one PDF per active patient into ``out_dir`` (created 0700 if missing; each PDF
    0600), each recorded as a disclosure (by ``disclosures``, default: as the report service's
    user)."""
    from rehab_tracker.reports.progress import ensure_gui_application

    ensure_gui_application()
    disclosures = disclosures or DisclosureService(service.db, service.principal)
    target = private_dir(Path(out_dir))
    patients = service.active_patient_ids()
    result = BatchResult(total=len(patients))
    started = time.perf_counter()
    for index, (patient_id, record_number, name) in enumerate(patients):
        label = f"{record_number} {name}"
        if progress is not None and progress(index, len(patients), label) is False:
            result.cancelled = True
            break
        try:
            data = service.gather(patient_id, today=today)
            path = write_pdf(data, target / report_file_name(data, audience), audience)
            result.written.append(path)
            disclosures.disclosed(
                patient_id, "report_export", str(path.resolve()), audience=audience
            )
        except Exception as exc:  # one broken record must not stop the clinic's batch
            result.failed.append((label, str(exc) or type(exc).__name__))
    result.seconds = time.perf_counter() - started
    if progress is not None and not result.cancelled:
        progress(len(patients), len(patients), "done")
    return result
