"""The audit viewer's CSV export: the filtered entries, one row each, in a private file.

A cell that a spreadsheet would run as a formula (text starting with ``=``, ``+``, ``-``, ``@``
or a tab) is written with a leading apostrophe (OWASP, "CSV Injection"): names and notes come
from users.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from rehab_tracker.data.private_files import private_output

if TYPE_CHECKING:
    from rehab_tracker.services.audit_view import TrailEntry

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA) else text


def write_csv(path: Path, pages: Iterable[list[TrailEntry]]) -> tuple[int, set[str]]:
    """Write the entries of ``pages`` to ``path`` (made 0600 before anything is written);
    returns how many rows and the ids of the patients they name."""
    from rehab_tracker.services.audit_view import COLUMNS

    private_output(path)
    rows = 0
    patients: set[str] = set()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for entries in pages:
            for entry in entries:
                writer.writerow([cell(value) for value in entry.fields()])
                rows += 1
                if entry.patient_id:
                    patients.add(entry.patient_id)
    return rows, patients
