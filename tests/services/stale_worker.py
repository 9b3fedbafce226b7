"""One workstation of the stale-edit campaign (tests/services/test_stale_edits.py), run as its
own process: ``python stale_worker.py DB KIND ROW_ID INDEX COUNT GO``.

Each attempt opens the row as a form would (a read, then a pause while the user "types"), then
saves a value of its own from that read: ``w<INDEX>-<n>``. Prints one JSON line: the landed
edits as [version read, value], the number refused with ConflictError, any other error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path

from rehab_tracker.data.database import Database, open_database
from rehab_tracker.domain.roles import Principal, Role
from rehab_tracker.domain.sessions import SetEntry
from rehab_tracker.services.errors import ConflictError
from rehab_tracker.services.library import LibraryService
from rehab_tracker.services.patients import PatientService
from rehab_tracker.services.sessions import SessionService
from rehab_tracker.services.settings import CLINIC_KEY, ClinicDetails, SettingsService

TODAY = dt.date(2026, 11, 23)

#: what opening a row gives: the version read, and save(value) from that read
Opened = tuple[int, Callable[[str], object]]
#: (database, actor, row id) -> the row opened as a form would
Opener = Callable[[Database, str, uuid.UUID], Opened]


def session_correction(db: Database, actor: str, row_id: uuid.UUID) -> Opened:
    service = SessionService(db, Principal(actor, Role.ADMINISTRATOR))
    form = service.edit_form(row_id)

    def save(value: str) -> object:
        reps = int(value.rsplit("-", 1)[1]) % 20 + 1
        exercises = tuple(
            dataclasses.replace(e, sets=(SetEntry(reps=reps), SetEntry(reps=reps)), notes=value)
            for e in form.entry.exercises
        )
        entry = dataclasses.replace(form.entry, notes=value, exercises=exercises)
        return service.update(row_id, entry, expected_version=form.version, today=TODAY)

    return form.version, save


def surgery_edit(db: Database, actor: str, row_id: uuid.UUID) -> Opened:
    service = PatientService(db, Principal(actor, Role.ADMINISTRATOR))
    record = service.record(row_id)
    assert record.surgery is not None

    def save(value: str) -> object:
        surgery = dataclasses.replace(record.surgery, surgeon=value)  # type: ignore[type-var]
        return service.update(row_id, record.details, surgery,
                              expected_version=record.version, today=TODAY)

    return record.version, save


def exercise_edit(db: Database, actor: str, row_id: uuid.UUID) -> Opened:
    service = LibraryService(db, Principal(actor, Role.ADMINISTRATOR))
    detail = service.detail(row_id)

    def save(value: str) -> object:
        form = dataclasses.replace(detail.form, cautions=value)
        return service.update(row_id, form, expected_version=detail.version)

    return detail.version, save


def settings_edit(db: Database, actor: str, _row: uuid.UUID) -> Opened:
    service = SettingsService(db, Principal(actor, Role.ADMINISTRATOR))
    version = service.versions().get(CLINIC_KEY, 0)

    def save(value: str) -> object:
        return service.set_clinic_details(ClinicDetails(name=value), expected_version=version)

    return version, save


OPENERS: dict[str, Opener] = {
    "session": session_correction,
    "surgery": surgery_edit,
    "exercise": exercise_edit,
    "settings": settings_edit,
}


def main() -> None:
    url, kind, row, index, count, go = sys.argv[1:7]
    db = open_database(url)
    actor = f"desk{index}"
    row_id = uuid.UUID(row)
    landed: list[tuple[int, str]] = []
    conflicts, errors = 0, []
    rng = random.Random(int(index))
    while not Path(go).exists():  # start together
        time.sleep(0.005)
    for n in range(int(count)):
        value = f"w{index}-{n}"
        try:
            version, save = OPENERS[kind](db, actor, row_id)
            time.sleep(rng.uniform(0.0, 0.01))  # the user typing: others save meanwhile
            save(value)
            landed.append((version, value))
        except ConflictError:
            conflicts += 1
        except Exception as exc:  # anything else is what the test looks for
            errors.append("".join(traceback.format_exception_only(exc)).strip())
    db.close()
    print(json.dumps({"landed": landed, "conflicts": conflicts, "errors": errors}))


if __name__ == "__main__":
    main()
