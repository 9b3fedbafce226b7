"""What the command line's ``report`` and ``export-reports`` commands call.

``run_report(db_target, patient_key, out, audience, sign_in=...) -> exit code`` and
``run_batch(db_target, out_dir, audience, progress=..., sign_in=...) -> exit code``; both read
through ``Services(db, sign_in(db))``, ``sign_in`` being how the command line signs its user in
on the open database. Problems the user can act on
(no such patient, database unusable, file not writable) are one line on stderr and exit code 2
(1 when some reports of a batch failed); no tracebacks. Names are printed through
:func:`rehab_tracker.domain.escaping.for_terminal` (a control character in a name is shown as an
escape, never acted on by the terminal).
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rehab_tracker.domain.escaping import for_terminal
from rehab_tracker.reports.batch import Progress

if TYPE_CHECKING:
    from collections.abc import Callable

    from rehab_tracker.data.database import Database
    from rehab_tracker.domain.roles import Principal

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_PROBLEM = 2


def _audience(value: str | None) -> str:
    audience = (value or "clinical").strip().lower()
    if audience not in ("clinical", "patient"):
        raise ValueError(f"audience must be 'clinical' or 'patient', not {value!r}")
    return audience


def _problem(command: str, exc: Exception) -> int:
    """Say a problem the user can act on in one line; the exit code for it."""
    print(for_terminal(f"rehab-tracker {command}: {exc}"), file=sys.stderr)
    return EXIT_PROBLEM


def _open(command: str, db_target: str | None, audience: str | None) -> tuple[str, Database] | int:
    """The checked audience and the open database, or the exit code after saying what is wrong
    (both commands start this way)."""
    from rehab_tracker.data.database import DatabaseError, open_database

    try:
        return _audience(audience), open_database(db_target, create=False)
    except (ValueError, DatabaseError) as exc:
        return _problem(command, exc)


def run_report(
    db_target: str | None,
    patient_key: str,
    out: str | Path,
    audience: str | None = "clinical",
    *,
    sign_in: Callable[[Database], Principal],
    today: dt.date | None = None,
    notes: str = "",
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
) -> int:
    """Write one patient's report (by record number or id) to ``out``; prints where. With
    ``period_start`` / ``period_end`` the report covers that date range only."""
    from rehab_tracker.data.database import DatabaseError
    from rehab_tracker.domain.errors import ValidationError
    from rehab_tracker.reports.progress import write_pdf
    from rehab_tracker.services.container import Services
    from rehab_tracker.services.errors import ServiceError

    opened = _open("report", db_target, audience)
    if isinstance(opened, int):
        return opened
    kind, db = opened
    try:
        services = Services(db, sign_in(db))
        patient_id = services.patients.find(patient_key)
        data = services.reports.gather(
            patient_id,
            today=today or dt.date.today(),
            period_start=period_start,
            period_end=period_end,
        )
        path = write_pdf(data, out, kind, notes)  # type: ignore[arg-type]
        services.disclosures.disclosed(
            patient_id, "report_pdf", str(Path(path).resolve()), audience=kind
        )
    except (ServiceError, DatabaseError, OSError, ValidationError) as exc:
        return _problem("report", exc)
    finally:
        db.close()
    print(for_terminal(f"Wrote the {kind} progress report of {data.patient.name} "
                       f"({data.patient.record_number}) to {path}"))
    return EXIT_OK


def terminal_progress(stream: TextIO | None = None) -> Progress:
    """A progress bar: one ``\\r``-updated line on a terminal, one line per report otherwise."""
    out = stream or sys.stdout
    tty = out.isatty()

    def report(done: int, total: int, label: str) -> bool:
        label = for_terminal(label)
        if tty:
            width = 24
            filled = width if total == 0 else int(width * done / total)
            bar = "#" * filled + "-" * (width - filled)
            text = "finished" if label == "done" else label
            out.write(f"\r[{bar}] {done}/{total} {text[:40]:<40}")
            if done >= total:
                out.write("\n")
        elif label != "done":
            out.write(f"{done + 1}/{total} {label}\n")
        out.flush()
        return True

    return report


def run_batch(
    db_target: str | None,
    out_dir: str | Path,
    audience: str | None = "clinical",
    progress: Progress | None = None,
    *,
    sign_in: Callable[[Database], Principal],
    today: dt.date | None = None,
) -> int:
    """Write the reports of all active patients into ``out_dir`` with a progress bar."""
    from rehab_tracker.data.database import DatabaseError
    from rehab_tracker.reports.batch import export_all
    from rehab_tracker.services.container import Services
    from rehab_tracker.services.errors import ServiceError

    opened = _open("export-reports", db_target, audience)
    if isinstance(opened, int):
        return opened
    kind, db = opened
    try:
        services = Services(db, sign_in(db))
        result = export_all(
            services.reports,
            out_dir,
            today=today or dt.date.today(),
            audience=kind,  # type: ignore[arg-type]
            progress=progress or terminal_progress(),
            disclosures=services.disclosures,
        )
    except (DatabaseError, OSError, ServiceError) as exc:
        return _problem("export-reports", exc)
    finally:
        db.close()
    for label, reason in result.failed:
        print(for_terminal(f"failed: {label}: {reason}"), file=sys.stderr)
    rate = f", {result.per_minute:.0f} reports a minute" if result.written else ""
    print(for_terminal(f"{result.summary()}{rate}; folder: {Path(out_dir)}"))
    return EXIT_FAILED if result.failed else EXIT_OK
